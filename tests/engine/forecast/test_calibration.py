"""Interval calibration on rolling-origin CV forecasts: the conformal arithmetic, its use in the ensemble."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from smartcrm.engine.forecast.calibration import apply_calibration, conformal_quantile, fit_calibration
from smartcrm.engine.forecast.ensemble import EnsembleForecaster


def _cv(errors: np.ndarray, half: float = 1.0, steps: int = 5) -> pd.DataFrame:
    n = len(errors)
    mean = np.full(n, 10.0)
    return pd.DataFrame(
        {
            "unique_id": "s",
            "step": np.arange(n) % steps + 1,
            "y": mean + errors,
            "mean": mean,
            "lo_80": mean - half,
            "hi_80": mean + half,
            "lo_95": mean - 2 * half,
            "hi_95": mean + 2 * half,
        }
    )


def test_conformal_quantile_is_the_finite_sample_rank() -> None:
    values = np.arange(1.0, 20.0)  # 19 scores: (19+1)·0.8 = 16th smallest; 95% → 19th
    assert conformal_quantile(values, 80) == 16.0
    assert conformal_quantile(values, 95) == 19.0
    assert conformal_quantile(np.array([3.0, np.nan]), 80) == 3.0
    assert np.isnan(conformal_quantile(np.array([]), 80))


def test_scale_rule_widens_intervals_that_were_too_narrow() -> None:
    rng = np.random.default_rng(0)
    errors = rng.uniform(-3, 3, 400)  # the model claims ±1 for 80%; the truth needs ±2.4
    table = fit_calibration(_cv(errors), "scale", (80, 95))
    factor = dict(zip(table["level"], table["value"], strict=True))
    assert factor[80] == pytest.approx(2.4, abs=0.15)
    assert factor[95] == pytest.approx(2.85 / 2, abs=0.1)
    future = _cv(np.zeros(5)).drop(columns=["y", "step"])
    out = apply_calibration(future, table, "scale", (80, 95))
    np.testing.assert_allclose(out["hi_80"] - out["mean"], factor[80])
    np.testing.assert_allclose(out["mean"], future["mean"])
    fresh = rng.uniform(-3, 3, 4000)
    assert np.mean(np.abs(fresh) <= factor[80]) == pytest.approx(0.8, abs=0.03)


def test_pooled_rule_shares_one_factor_that_covers_the_series_together() -> None:
    rng = np.random.default_rng(1)
    calm = _cv(rng.uniform(-1, 1, 300)).assign(unique_id="calm")  # the model's ±1 is right
    wild = _cv(rng.uniform(-3, 3, 300)).assign(unique_id="wild")  # the model's ±1 is 2.4 times too narrow
    cv = pd.concat([calm, wild], ignore_index=True)
    per_series = fit_calibration(cv, "scale", (80,)).set_index("unique_id")["value"]
    pooled = fit_calibration(cv, "pooled", (80,)).set_index("unique_id")["value"]
    assert per_series["calm"] == pytest.approx(0.8, abs=0.1) and per_series["wild"] == pytest.approx(
        2.4, abs=0.15
    )
    assert pooled["calm"] == pooled["wild"]
    assert per_series["calm"] < pooled["calm"] < per_series["wild"]
    assert np.mean(np.abs(cv["y"] - cv["mean"]) <= pooled["calm"]) == pytest.approx(0.8, abs=0.01)
    future = pd.concat([calm.head(5), wild.head(5)]).drop(columns=["y", "step"])
    out = apply_calibration(future, fit_calibration(cv, "pooled", (80,)), "pooled", (80,))
    np.testing.assert_allclose(out["hi_80"] - out["mean"], pooled["calm"])
    one = fit_calibration(wild, "pooled", (80,))  # a single series: pooled is that series' own factor
    assert one["value"].iloc[0] == pytest.approx(per_series["wild"])


def test_growth_rule_widens_with_the_horizon_and_none_keeps_the_model() -> None:
    errors = np.tile(np.sqrt(np.arange(1, 6)), 20)  # |error| = √step exactly
    table = fit_calibration(_cv(errors), "growth", (80,))
    assert table["value"].iloc[0] == pytest.approx(1.0)
    future = _cv(np.zeros(5)).drop(columns=["y", "step"])
    out = apply_calibration(future, table, "growth", (80,))
    np.testing.assert_allclose(out["hi_80"] - out["mean"], np.sqrt(np.arange(1, 6)))
    assert fit_calibration(_cv(errors), "none", (80,)).empty
    with pytest.raises(ValueError, match="rule"):
        fit_calibration(_cv(errors), "bootstrap", (80,))


def test_ensemble_applies_its_cv_factor_and_short_series_keep_model_intervals() -> None:
    rng = np.random.default_rng(4)
    t = np.arange(60)
    frame = pd.concat(
        [
            pd.DataFrame({"unique_id": "long", "ds": t, "y": 50 + 0.5 * t + rng.standard_t(2, 60) * 3}),
            pd.DataFrame({"unique_id": "short", "ds": t[:9], "y": 20 + rng.normal(0, 1, 9)}),
        ]
    )
    kwargs = {"horizon": 4, "season_length": 1, "families": ("ets",), "transforms": ("raw",), "n_windows": 3}
    plain = EnsembleForecaster(**kwargs, intervals="none").fit(frame).predict_sales()  # type: ignore[arg-type]
    model = EnsembleForecaster(**kwargs, intervals="scale").fit(frame)  # type: ignore[arg-type]
    calibrated = model.predict_sales()
    np.testing.assert_allclose(calibrated["mean"], plain["mean"])
    assert set(model.calibration_["unique_id"]) == {"long"}
    assert len(model.cv_forecast_) == 12  # three origins × four steps, only the long series
    factor = model.calibration_.set_index("level").loc[80, "value"]
    long_cal = calibrated[calibrated["unique_id"] == "long"]
    long_plain = plain[plain["unique_id"] == "long"]
    np.testing.assert_allclose(
        (long_cal["hi_80"] - long_cal["mean"]).to_numpy(),
        factor * (long_plain["hi_80"] - long_plain["mean"]).to_numpy(),
    )
    short = calibrated["unique_id"] == "short"
    np.testing.assert_allclose(calibrated.loc[short, "hi_95"], plain.loc[short, "hi_95"])
    assert (calibrated["hi_95"] >= calibrated["hi_80"]).all() and (
        calibrated["lo_95"] <= calibrated["lo_80"]
    ).all()
    with pytest.raises(ValueError, match="intervals"):
        EnsembleForecaster(horizon=2, season_length=1, intervals="wide").fit(frame)
    assert EnsembleForecaster(horizon=2, season_length=1).intervals == "pooled"
