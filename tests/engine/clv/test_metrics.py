"""The figures a purchase forecast is judged by: bias, error and ranking."""

from __future__ import annotations

import numpy as np
import pytest

from smartcrm.engine.clv.metrics import forecast_scores, top_capture


def test_scores_by_hand() -> None:
    predicted = np.array([4.0, 1.0, 0.0, 0.0, 1.0])
    actual = np.array([2.0, 0.0, 1.0, 0.0, 1.0])
    scores = forecast_scores(predicted, actual)
    assert scores["holdout_predicted"] == 6.0
    assert scores["holdout_actual"] == 4.0
    assert scores["bias"] == pytest.approx(0.5)  # predicts 6 where 4 happened
    assert scores["mae"] == pytest.approx(4 / 5)
    assert scores["rmse"] == pytest.approx(np.sqrt(6 / 5), abs=1e-4)
    assert (
        scores["corr"] == scores["pearson"] == pytest.approx(np.corrcoef(predicted, actual)[0, 1], abs=1e-4)
    )
    assert -1 <= scores["spearman"] <= 1
    # The top fifth of 5 customers is 1 customer: the one predicted 4, who made 2 of the 4.
    assert scores["top20_capture"] == pytest.approx(0.5)


def test_top_capture_breaks_ties_by_order_not_by_outcome() -> None:
    flat = np.zeros(10)
    actual = np.array([0, 0, 0, 0, 0, 0, 0, 0, 5.0, 5.0])
    assert top_capture(flat, actual) == 0.0  # a constant forecast earns no credit
    assert top_capture(actual, actual) == 1.0
    assert top_capture(flat, np.zeros(10)) is None


def test_degenerate_inputs() -> None:
    scores = forecast_scores(np.ones(3), np.zeros(3))
    assert scores["bias"] is None and scores["pearson"] is None and scores["top20_capture"] is None
    with pytest.raises(ValueError, match="shape"):
        forecast_scores(np.ones(3), np.ones(4))
