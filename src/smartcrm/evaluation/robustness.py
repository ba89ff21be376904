"""``smartcrm eval robustness``: each product default against the plain baselines, on the data set
it was developed on and on public data sets it never saw.

Every task module (clv, churn, sentiment, forecast) lists its runs in ``ROBUSTNESS_RUNS`` (the
visible set first) and turns each run's figures into :class:`RobustnessRow` lines. Misses are
listed as misses: the report never drops a row whose rule does not hold. ``--snapshot PATH``
also writes the report where the model cards read it (``smartcrm/modelregistry/robustness.json``);
with ``--tasks`` naming only some tasks, the other tasks' rows and runs already in that file stay.
``--figures DIR`` reads a run's figures from ``DIR/<task>-<option values>.json`` (what ``make
eval`` has just written, e.g. ``var/eval/forecast-m4.json``) instead of running it again.
"""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol, cast

import smartcrm
from smartcrm.evaluation import load
from smartcrm.evaluation.robustness_rows import DatasetSource, RobustnessRow

TASKS = ("clv", "churn", "sentiment", "forecast")


class RobustnessTask(Protocol):
    ROBUSTNESS_RUNS: tuple[dict[str, Any], ...]

    def run(self, options: dict[str, Any]) -> dict[str, Any]: ...

    def robustness_rows(self, figures: dict[str, Any]) -> list[RobustnessRow]: ...


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--tasks", default=",".join(TASKS), help=f"comma-separated subset of {', '.join(TASKS)} (default all)"
    )
    parser.add_argument("--snapshot", help="also write the report here (a JSON file the model cards read)")
    parser.add_argument(
        "--figures", help="a folder of saved `smartcrm eval … --json` outputs to read instead of re-running"
    )


def dataset_sources() -> dict[str, DatasetSource]:
    """The ``SOURCE`` of every loader in :mod:`smartcrm.evaluation.datasets`, by data set name."""
    from smartcrm.evaluation import datasets

    sources: dict[str, DatasetSource] = {}
    for info in pkgutil.iter_modules(datasets.__path__):
        module = importlib.import_module(f"{datasets.__name__}.{info.name}")
        for value in vars(module).values():
            if isinstance(value, DatasetSource):
                sources[value.name] = value
    return sources


def figures_file(folder: Path, task: str, run_options: dict[str, Any]) -> Path:
    """Where ``make eval`` saves this run: ``clv --dataset cdnow`` → ``clv-cdnow.json``,
    ``sentiment --dataset yelp-en --zero-shot`` → ``sentiment-yelp-en-zero-shot.json``."""
    parts = [key.replace("_", "-") if value is True else str(value) for key, value in run_options.items()]
    return folder / ("-".join([task, *parts]) + ".json")


def _figures(
    task: RobustnessTask, name: str, run_options: dict[str, Any], folder: Path | None
) -> tuple[dict[str, Any], str]:
    saved = figures_file(folder, name, run_options) if folder is not None else None
    if saved is not None and saved.exists():
        try:
            figures = json.loads(saved.read_text())
        except ValueError:  # an evaluation that failed half-way left an empty file: run it
            figures = None
        if isinstance(figures, dict):
            return figures, str(saved)
    return task.run(dict(run_options)), "run"


def run(options: dict[str, Any]) -> dict[str, Any]:
    tasks = [t.strip() for t in str(options.get("tasks") or ",".join(TASKS)).split(",") if t.strip()]
    unknown = sorted(set(tasks) - set(TASKS))
    if unknown:
        raise ValueError(f"unknown task(s) {', '.join(unknown)}; choose from {', '.join(TASKS)}")
    rows: list[dict[str, Any]] = []
    runs: list[dict[str, Any]] = []
    snapshot = Path(options["snapshot"]) if options.get("snapshot") else None
    folder = Path(options["figures"]) if options.get("figures") else None
    if snapshot is not None and snapshot.exists():
        earlier = json.loads(snapshot.read_text())
        rows = [row for row in earlier.get("rows", []) if row.get("task") not in tasks]
        runs = [entry for entry in earlier.get("runs", []) if entry.get("task") not in tasks]
    for task in tasks:
        module = cast(RobustnessTask, load(task))
        for run_options in module.ROBUSTNESS_RUNS:
            started = time.perf_counter()
            figures, source = _figures(module, task, run_options, folder)
            task_rows = module.robustness_rows(figures)
            rows.extend(row.as_dict() for row in task_rows)
            runs.append(
                {
                    "task": task,
                    "options": run_options,
                    "figures": source,
                    "finished": _now(),
                    "seconds": round(time.perf_counter() - started, 1),
                    "rows": len(task_rows),
                }
            )
    sources = dataset_sources()
    used = sorted({(row["task"], row["dataset"]) for row in rows})
    report: dict[str, Any] = {
        "generated": _now(),
        "code_version": smartcrm.__version__,
        "rows": rows,
        "misses": [row for row in rows if not row["met"]],
        "met": sum(bool(row["met"]) for row in rows),
        "total": len(rows),
        "datasets": [_source(task, name, sources) for task, name in used],
        "runs": runs,
    }
    if snapshot is not None:
        snapshot.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    return report


def _source(task: str, name: str, sources: dict[str, DatasetSource]) -> dict[str, str]:
    """The data set's package and licence, from the task's ``dataset_source`` or its loader."""
    finder = getattr(load(task), "dataset_source", None)
    source = finder(name) if callable(finder) else sources.get(name)
    if not isinstance(source, DatasetSource):
        return {"name": name}
    return {**vars(source), "name": name, "title": source.name}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
