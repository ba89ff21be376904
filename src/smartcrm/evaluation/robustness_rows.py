"""One line of the robustness report: a product default against the plain baselines on one data set.

Each task's evaluation module (clv, churn, sentiment, forecast) offers
``robustness_rows(figures) -> list[RobustnessRow]``, turning its own ``run()`` output into rows;
``smartcrm eval robustness`` runs each task on the data set the defaults were developed on and on
the second public data sets, and lists every row, misses as misses.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class DatasetSource:
    """Where a public data set comes from: the pinned package that ships it and its licence."""

    name: str
    package: str
    licence: str
    description: str


@dataclass(frozen=True)
class RobustnessRow:
    """The default's figure on one metric beside each baseline's, and whether the rule holds.

    ``seen`` is True for the data set the defaults were developed on and False for data the
    project never tuned on. ``rule`` says in words what ``met`` checks (e.g. "default ≥ best
    untuned baseline", "within ±5 points of 80%"). ``higher_is_better`` is False for errors
    (RMSE, MASE) and for distances from a target (|bias|).
    """

    task: str
    dataset: str
    seen: bool
    metric: str
    default_name: str
    default: float
    rule: str
    met: bool
    baselines: dict[str, float] = field(default_factory=dict)
    higher_is_better: bool = True
    target: float | None = None  # a figure that should hit a value (coverage): closest is best

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)
