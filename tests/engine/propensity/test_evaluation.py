"""``smartcrm eval churn`` on a user's own labelled CSV."""

from __future__ import annotations

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


def test_run_on_a_user_csv_returns_every_figure(user_csv: Path) -> None:
    figures = churn.run(
        {"csv": str(user_csv), "target": "cancelled", "positive": "yes", "drop": "id", "folds": 3}
    )
    for key in ("roc_auc", "pr_auc", "brier", "folds", "n", "positives", "baselines", "calibration", "parts"):
        assert key in figures
    assert figures["n"] == 400
    assert len(figures["folds"]) == 3
    assert figures["roc_auc"] > 0.75
    assert 0 < figures["brier"] < 0.25
    assert "logistic_regression" in figures["baselines"]
    assert sum(row["n"] for row in figures["calibration"]) == 400


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
    assert figures["roc_auc"] > figures["baselines"]["recency_only_roc_auc"]
