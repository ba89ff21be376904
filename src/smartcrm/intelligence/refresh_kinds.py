"""What differs between the kinds of fan-out run (RunKind): each kind's work, behind one shape.

refresh_work.py drives every run the same way — claim, fit and plan, score chunks (any worker,
any order, each chunk's rows and its ``done`` in one transaction), switch once every chunk is
done, cancel, retry, sweep — and asks the run's :class:`RunWork` for the parts that are its own:

- ``fit``: what every chunk needs, learnt once (bounded: a sample, the catalogue), pickled;
- ``plan``: the chunks (customer id ranges, or text id ranges per text kind);
- ``compute`` / ``write``: one chunk's rows, computed outside the transaction, written inside;
- ``switch``: make the generation visible, in the switch's transaction; ``after_switch`` after;
- ``drop``: a cancelled run's staged rows go.

The scores (refresh_scores.py), recommendations (recommendations/fanout.py), the text
backfill (textanalysis/backfill.py) and the de-duplication (dedup/fanout.py) implement it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from smartcrm.intelligence.models import RefreshChunk, RefreshRun, RunKind


@dataclass
class Fitted:
    """What ``fit`` gives the run: the pickled models, how many customers they learnt from,
    the model versions it registered staged (activated by the switch), their numbers, figures."""

    data: bytes | None = None
    sample: int = 0
    staged_versions: list[int] = field(default_factory=list)
    versions: dict[str, int] = field(default_factory=dict)
    metrics: dict[str, Any] = field(default_factory=dict)


class RunWork(Protocol):
    def fit(self, run: RefreshRun) -> Fitted: ...

    def plan(self, run: RefreshRun) -> list[RefreshChunk]: ...

    def load(self, data: bytes | None) -> Any: ...

    def compute(self, run: RefreshRun, chunk: RefreshChunk, fitted: Any) -> Any: ...

    def write(self, run: RefreshRun, chunk: RefreshChunk, rows: Any) -> int: ...

    def switch(self, run: RefreshRun) -> tuple[int, dict[str, Any]]: ...

    def after_switch(self, run: RefreshRun, count: int) -> None: ...

    def drop(self, run_id: int) -> None: ...


def work_for(kind: str) -> RunWork:
    """The work of a run of ``kind`` (imported here: the apps that own it sit beside this one)."""
    if kind == RunKind.RECOMMENDATIONS:
        from smartcrm.recommendations.fanout import WORK as recommendations

        return recommendations
    if kind == RunKind.DEDUP:
        from smartcrm.dedup.fanout import WORK as dedup

        return dedup
    if kind == RunKind.TEXTS:
        from smartcrm.textanalysis.backfill import WORK as texts

        return texts
    from smartcrm.intelligence.refresh_scores import WORK as scores

    return scores


def plan_id_ranges(run: RefreshRun, lo: int | None, hi: int | None, source: str = "") -> list[RefreshChunk]:
    """Unsaved chunks of ``run.chunk_size`` ids from ``lo`` to ``hi`` (none when there are no ids)."""
    if lo is None or hi is None:
        return []
    return [
        RefreshChunk(run=run, number=0, first_id=start, last_id=start + run.chunk_size - 1, source=source)
        for start in range(lo, hi + 1, run.chunk_size)
    ]
