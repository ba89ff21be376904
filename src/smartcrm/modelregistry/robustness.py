"""The robustness report shipped with the code, as the model cards show it.

``make eval`` runs ``smartcrm eval robustness --snapshot src/smartcrm/modelregistry/robustness.json``:
each default against the plain baselines on the data set it was developed on and on public data
it never saw. The runtime only reads that JSON (it never imports the evaluation code), so a shop
sees on each card how the method held up outside the data it was built on, misses included.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from smartcrm.modelregistry.models import ModelKind
from smartcrm.modelregistry.rule_wording import rule_text

SNAPSHOT = Path(__file__).with_name("robustness.json")

# The evaluation task that measures each kind's method (category propensity is the same engine
# as the general propensity model that ``eval churn`` measures).
TASK_OF_KIND: dict[str, str] = {
    ModelKind.CLV: "clv",
    ModelKind.CHURN: "churn",
    ModelKind.PROPENSITY: "churn",
    ModelKind.CATEGORY_PROPENSITY: "churn",
    ModelKind.SENTIMENT: "sentiment",
    ModelKind.FORECAST: "forecast",
}


@dataclass(frozen=True)
class RobustnessLine:
    dataset: str
    seen: bool
    metric: str
    default_name: str
    default: float
    best_baseline: str | None
    best_baseline_value: float | None
    rule: str
    met: bool


@dataclass(frozen=True)
class KindRobustness:
    generated: str
    code_version: str
    lines: list[RobustnessLine] = field(default_factory=list)

    @property
    def misses(self) -> int:
        return sum(not line.met for line in self.lines)


def _best(
    baselines: dict[str, float], higher_is_better: bool, target: float | None
) -> tuple[str | None, float | None]:
    """The best baseline: the highest, the lowest, or the closest to ``target`` (coverage)."""
    if not baselines:
        return None, None
    if target is not None:
        name = min(baselines, key=lambda key: abs(baselines[key] - target))
    else:
        name = (max if higher_is_better else min)(baselines, key=lambda key: baselines[key])
    return name, baselines[name]


def _line(row: dict[str, Any]) -> RobustnessLine:
    baselines = {str(k): float(v) for k, v in (row.get("baselines") or {}).items()}
    higher = bool(row.get("higher_is_better", True))
    target = row.get("target")
    name, value = _best(baselines, higher, None if target is None else float(target))
    return RobustnessLine(
        dataset=str(row["dataset"]),
        seen=bool(row["seen"]),
        metric=str(row["metric"]),
        default_name=str(row["default_name"]),
        default=float(row["default"]),
        best_baseline=name,
        best_baseline_value=value,
        rule=rule_text(str(row["rule"])),
        met=bool(row["met"]),
    )


@cache
def _parsed(path: Path, modified_ns: int) -> dict[str, Any]:
    data = json.loads(path.read_text())
    return data if isinstance(data, dict) else {}


def _report(path: Path) -> dict[str, Any]:
    """The report at ``path`` (parsed once per version of the file), or {} if there is none."""
    try:
        return _parsed(path, path.stat().st_mtime_ns)
    except FileNotFoundError:
        return {}


def robustness_for(kind: str, path: Path | None = None) -> KindRobustness | None:
    """This kind's rows of the report (the shipped one unless ``path`` is given; seen data
    first), or None when no evaluation measures the kind or there is no report."""
    task = TASK_OF_KIND.get(kind)
    report = _report(path or SNAPSHOT)
    if task is None or not report:
        return None
    rows = [_line(row) for row in report.get("rows", []) if row.get("task") == task]
    if not rows:
        return None
    rows.sort(key=lambda line: (not line.seen, line.dataset))
    generated, code_version = str(report.get("generated", "")), str(report.get("code_version", ""))
    return KindRobustness(generated=generated, code_version=code_version, lines=rows)
