"""Likelihood sanity, predictions' shape, input validation and the saved form."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest

from smartcrm.engine.clv import (
    BetaGeoModel,
    GammaGammaModel,
    LifetimeValueModel,
    NotFittedError,
    ParetoNBDModel,
)


def _arrays(frame: pd.DataFrame) -> tuple[np.ndarray, ...]:
    return tuple(frame[c].to_numpy(dtype=float) for c in ("frequency", "recency", "T"))


@pytest.mark.parametrize("fixture", ["bgnbd", "paretonbd"])
def test_fitted_likelihood_beats_perturbed_parameters(
    fixture: str, request: pytest.FixtureRequest, cdnow_summary: pd.DataFrame
) -> None:
    model = request.getfixturevalue(fixture)
    best = np.log(list(model.params_.values()))
    arrays = _arrays(cdnow_summary)
    at_best = model.log_likelihood(best, *arrays)
    for i in range(len(best)):
        for step in (-0.05, 0.05):
            moved = best.copy()
            moved[i] += step
            assert model.log_likelihood(moved, *arrays) < at_best


def test_bgnbd_alive_for_sure_without_repeat_purchases(bgnbd: BetaGeoModel) -> None:
    frame = pd.DataFrame({"frequency": [0, 0, 3], "recency": [0.0, 0.0, 5.0], "T": [1.0, 50.0, 50.0]})
    alive = bgnbd.probability_alive(frame)
    assert alive[:2] == pytest.approx([1.0, 1.0])
    assert 0 < alive[2] < 1


@pytest.mark.parametrize("fixture", ["bgnbd", "paretonbd"])
def test_expected_purchases_grow_with_horizon_and_match_the_distribution(
    fixture: str, request: pytest.FixtureRequest, cdnow_summary: pd.DataFrame
) -> None:
    model = request.getfixturevalue(fixture)
    frame = cdnow_summary.head(200)
    previous = np.zeros(len(frame))
    for horizon in (1.0, 5.0, 13.0, 39.0, 100.0):
        current = model.expected_purchases(frame, horizon)
        assert np.all(current >= previous - 1e-12)
        previous = current
    pmf = model.purchase_distribution(frame, 39.0, 150)
    assert pmf.sum(axis=1) == pytest.approx(np.ones(len(frame)))
    mean = (pmf * np.arange(151)).sum(axis=1)
    assert mean == pytest.approx(model.expected_purchases(frame, 39.0), rel=1e-3, abs=1e-4)


def test_heavy_buyer_is_less_likely_alive_after_a_long_silence(paretonbd: ParetoNBDModel) -> None:
    frame = pd.DataFrame({"frequency": [10, 10], "recency": [38.0, 10.0], "T": [39.0, 39.0]})
    recent, silent = paretonbd.probability_alive(frame)
    assert recent > 0.9 > silent


@pytest.mark.parametrize(
    ("frame", "column"),
    [
        (pd.DataFrame({"frequency": [1], "recency": [1.0]}), "T"),
        (pd.DataFrame({"frequency": [-1], "recency": [0.0], "T": [3.0]}), "frequency"),
        (pd.DataFrame({"frequency": [1.5], "recency": [1.0], "T": [3.0]}), "frequency"),
        (pd.DataFrame({"frequency": [2], "recency": [4.0], "T": [3.0]}), "recency"),
        (pd.DataFrame({"frequency": [2], "recency": [np.nan], "T": [3.0]}), "recency"),
        (pd.DataFrame({"frequency": [2], "recency": ["soon"], "T": [3.0]}), "recency"),
    ],
)
def test_bad_input_names_the_column(frame: pd.DataFrame, column: str) -> None:
    with pytest.raises(ValueError, match=f"'{column}'"):
        BetaGeoModel().fit(frame)


def test_spend_needs_monetary_value() -> None:
    with pytest.raises(ValueError, match="'monetary_value'"):
        GammaGammaModel().fit(pd.DataFrame({"frequency": [1, 2]}))


def test_predicting_before_fit_is_refused() -> None:
    frame = pd.DataFrame({"frequency": [1], "recency": [1.0], "T": [2.0], "monetary_value": [3.0]})
    with pytest.raises(NotFittedError, match="fit"):
        BetaGeoModel().expected_purchases(frame, 10)
    with pytest.raises(NotFittedError, match="fit"):
        LifetimeValueModel().customer_lifetime_value(frame, 10)


def test_round_trip_and_refusal(bgnbd: BetaGeoModel, cdnow_summary: pd.DataFrame) -> None:
    saved = bgnbd.to_dict()
    assert saved["model_type"] == "bgnbd"
    assert saved["version"] == 1
    loaded = BetaGeoModel.from_dict(saved)
    frame = cdnow_summary.head(50)
    assert loaded.expected_purchases(frame, 39) == pytest.approx(bgnbd.expected_purchases(frame, 39))
    with pytest.raises(ValueError, match="type"):
        ParetoNBDModel.from_dict(saved)
    with pytest.raises(ValueError, match="version"):
        BetaGeoModel.from_dict({**saved, "version": 99})


def test_lifetime_value_model(cdnow_summary: pd.DataFrame) -> None:
    model = LifetimeValueModel(purchases="bgnbd", point="median").fit(cdnow_summary)
    frame = cdnow_summary.head(100)
    spend = model.expected_spend(frame)
    assert np.all(spend > 0)
    undiscounted = model.customer_lifetime_value(frame, 52, discount_rate=0.0, margin=1.0)
    assert undiscounted == pytest.approx(model.expected_purchases(frame, 52) * spend)
    discounted = model.customer_lifetime_value(frame, 52, discount_rate=0.01, margin=0.3)
    assert np.all(discounted <= 0.3 * undiscounted + 1e-9)
    assert np.all(model.predicted_purchases(frame, 39) == np.round(model.predicted_purchases(frame, 39)))
    saved: dict[str, Any] = model.to_dict()
    again = LifetimeValueModel.from_dict(saved)
    assert again.customer_lifetime_value(frame, 52, 0.01, 0.3) == pytest.approx(discounted)
    with pytest.raises(ValueError, match="version"):
        LifetimeValueModel.from_dict({**saved, "version": 0})
