"""The model cards' read of the shipped robustness report, and the report's own consistency."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from smartcrm.modelregistry.robustness import SNAPSHOT, TASK_OF_KIND, robustness_for

ROW: dict[str, Any] = {
    "task": "clv",
    "dataset": "cdnow",
    "seen": True,
    "metric": "rmse",
    "default_name": "hybrid",
    "default": 1.5,
    "rule": "default ≤ best baseline",
    "met": True,
    "baselines": {"bgnbd": 1.6, "past-rate": 1.9},
    "higher_is_better": False,
}


def write_report(folder: Path, rows: list[dict[str, Any]]) -> Path:
    folder.mkdir(exist_ok=True)
    path = folder / "robustness.json"
    report = {"generated": "2026-12-07T04:00:00+00:00", "code_version": "0.9", "rows": rows}
    path.write_text(json.dumps(report))
    return path


def test_rows_of_a_kind_seen_first_best_baseline_by_direction(tmp_path: Path) -> None:
    unseen = {**ROW, "dataset": "cdnow-master", "seen": False, "met": False, "default": 2.0}
    other_task = {**ROW, "task": "forecast"}
    report = robustness_for("clv", write_report(tmp_path, [unseen, ROW, other_task]))
    assert report is not None
    assert [line.dataset for line in report.lines] == ["cdnow", "cdnow-master"]
    assert report.lines[0].best_baseline == "bgnbd" and report.lines[0].best_baseline_value == 1.6
    assert report.misses == 1
    churn_path = write_report(tmp_path / "churn", [{**ROW, "task": "churn", "higher_is_better": True}])
    higher = robustness_for("churn", churn_path)
    assert higher is not None and higher.lines[0].best_baseline == "past-rate"


def test_kinds_without_a_measure_or_a_report_get_none(tmp_path: Path) -> None:
    assert robustness_for("segments", write_report(tmp_path, [ROW])) is None
    assert robustness_for("clv", tmp_path / "missing.json") is None


def test_the_shipped_snapshot_is_consistent() -> None:
    """The report in the package lists every miss as a miss and covers every measured task."""
    report = json.loads(SNAPSHOT.read_text())
    rows = report["rows"]
    assert {row["task"] for row in rows} == set(TASK_OF_KIND.values())
    assert report["misses"] == [row for row in rows if not row["met"]]
    for task in set(TASK_OF_KIND.values()):
        datasets = {(row["dataset"], row["seen"]) for row in rows if row["task"] == task}
        assert any(seen for _, seen in datasets) and any(not seen for _, seen in datasets), task


def test_for_a_coverage_the_best_baseline_is_the_closest_to_its_level(tmp_path: Path) -> None:
    row = {**ROW, "task": "forecast", "metric": "coverage_80", "target": 0.8}
    report = robustness_for(
        "forecast", write_report(tmp_path, [{**row, "baselines": {"a": 0.95, "b": 0.74}}])
    )
    assert report is not None and report.lines[0].best_baseline == "b"
