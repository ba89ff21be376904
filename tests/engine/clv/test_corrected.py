"""BG/NBD with a learnt per-customer correction, the selection rule and the saved forms."""

from __future__ import annotations

import json
from typing import Any

import numpy as np
import pandas as pd
import pytest

from smartcrm.engine.clv import CorrectedBetaGeoModel, LifetimeValueModel, NotFittedError, training_split
from smartcrm.engine.clv.selection import MAX_BIAS, choose
from smartcrm.evaluation.datasets import cdnow


@pytest.fixture(scope="module")
def split(cdnow_transactions: pd.DataFrame) -> pd.DataFrame:
    return training_split(cdnow_transactions, cdnow.CALIBRATION_END, 39 * 7)


@pytest.fixture(scope="module")
def corrected(cdnow_summary: pd.DataFrame, split: pd.DataFrame) -> CorrectedBetaGeoModel:
    return CorrectedBetaGeoModel().fit(cdnow_summary, split)


def test_training_split_is_inside_the_calibration_window(
    cdnow_transactions: pd.DataFrame, split: pd.DataFrame
) -> None:
    # CDNOW starts 1997-01-01; the last third of the 39 weeks (13 weeks) is the split's target.
    assert split["duration_holdout"].iloc[0] == pytest.approx(13.0, abs=0.2)
    later = cdnow_transactions["date"] > pd.Timestamp(cdnow.CALIBRATION_END)
    assert split["frequency_holdout"].sum() == pytest.approx(704)  # never counts holdout purchases
    again = training_split(cdnow_transactions[~later], cdnow.CALIBRATION_END, 39 * 7)
    pd.testing.assert_frame_equal(split, again)


def test_correction_is_capped_and_cumulative(
    corrected: CorrectedBetaGeoModel, cdnow_summary: pd.DataFrame, bgnbd: Any
) -> None:
    factor = corrected.correction(cdnow_summary)
    assert np.all(factor >= 1 / corrected.max_factor - 1e-12)
    assert np.all(factor <= corrected.max_factor + 1e-12)
    assert not np.allclose(factor, 1.0)  # it learnt something
    short, long = (corrected.expected_purchases(cdnow_summary, h) for h in (13.0, 39.0))
    assert np.all(long >= short)
    assert short == pytest.approx(bgnbd.expected_purchases(cdnow_summary, 13.0) * factor)
    assert corrected.probability_alive(cdnow_summary) == pytest.approx(bgnbd.probability_alive(cdnow_summary))


def test_corrected_needs_a_split_and_enough_customers(
    cdnow_summary: pd.DataFrame, split: pd.DataFrame
) -> None:
    with pytest.raises(NotFittedError):
        CorrectedBetaGeoModel().expected_purchases(cdnow_summary, 10)
    with pytest.raises(ValueError, match="frequency_holdout"):
        CorrectedBetaGeoModel().fit(cdnow_summary, split.drop(columns="frequency_holdout"))
    with pytest.raises(ValueError, match="needs more"):
        CorrectedBetaGeoModel().fit(cdnow_summary, split.head(100))


def test_corrected_saved_form(corrected: CorrectedBetaGeoModel, cdnow_summary: pd.DataFrame) -> None:
    saved = json.loads(json.dumps(corrected.to_dict()))
    loaded = CorrectedBetaGeoModel.from_dict(saved)
    frame = cdnow_summary.head(200)
    assert loaded.expected_purchases(frame, 39) == pytest.approx(corrected.expected_purchases(frame, 39))
    with pytest.raises(ValueError, match="version"):
        CorrectedBetaGeoModel.from_dict({**saved, "version": 99})
    with pytest.raises(ValueError, match="booster"):
        CorrectedBetaGeoModel.from_dict({**saved, "booster": None})


def test_lifetime_value_default_is_the_corrected_mean(
    cdnow_summary: pd.DataFrame, split: pd.DataFrame, corrected: CorrectedBetaGeoModel
) -> None:
    model = LifetimeValueModel().fit(cdnow_summary, split)
    assert (model.purchases, model.point) == ("bgnbd-gbm", "mean")
    frame = cdnow_summary.head(200)
    assert model.predicted_purchases(frame, 39) == pytest.approx(corrected.expected_purchases(frame, 39))
    value = model.customer_lifetime_value(frame, 52, discount_rate=0.0)
    assert value == pytest.approx(model.expected_purchases(frame, 52) * model.expected_spend(frame))
    saved = json.loads(json.dumps(model.to_dict()))
    assert saved["version"] == 2
    again = LifetimeValueModel.from_dict(saved)
    assert again.customer_lifetime_value(frame, 52, 0.01) == pytest.approx(
        model.customer_lifetime_value(frame, 52, 0.01)
    )
    with pytest.raises(ValueError, match="split"):
        LifetimeValueModel().fit(cdnow_summary)
    with pytest.raises(ValueError, match="distribution"):
        LifetimeValueModel(point="median").fit(cdnow_summary, split)
    with pytest.raises(ValueError, match="hyperparameters"):
        LifetimeValueModel.from_dict(
            {**saved, "hyperparameters": {"purchases": "past-rate", "point": "mean"}}
        )


def test_version_1_saved_models_still_load(cdnow_summary: pd.DataFrame) -> None:
    old = LifetimeValueModel(purchases="bgnbd", point="median").fit(cdnow_summary).to_dict()
    old["version"] = 1  # the form saved before the learnt correction existed
    loaded = LifetimeValueModel.from_dict(old)
    assert loaded.point == "median"
    assert loaded.expected_purchases(cdnow_summary.head(5), 10).shape == (5,)


def _scores(bias: float, rmse: float) -> dict[str, Any]:
    return {"bias": bias, "rmse": rmse}


def test_choose_drops_biased_forecasts_and_medians() -> None:
    scores = {
        "bgnbd": _scores(0.02, 0.90),
        "paretonbd": _scores(0.05, 0.95),
        "bgnbd-gbm": _scores(-(MAX_BIAS + 0.01), 0.80),  # best RMSE, but its total is off by > 10%
        "past-rate": _scores(0.6, 1.1),
        "bgnbd-median": _scores(-0.01, 0.70),  # medians never win, however they score
        "paretonbd-median": _scores(-0.6, 0.85),
    }
    assert choose(scores).name == "bgnbd"
    scores["bgnbd-gbm"] = {"error": "too few customers"}
    assert choose(scores).name == "bgnbd"
    scores["bgnbd"] = scores["paretonbd"] = _scores(0.3, 0.8)
    assert choose(scores).name == "bgnbd"  # none within 10%: the least biased mean
