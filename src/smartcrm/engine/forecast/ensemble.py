"""A forecast combination weighted by rolling-origin cross-validation on the training data only.

Why this design (measured in ``docs/models/forecast.md`` on the eight fpp2 series):

* Combinations beat selection. Picking the one model with the best cross-validation error is
  noisy on short series; averaging several good, *different* models cancels part of each one's
  error (Makridakis et al., the M4 findings).
* Diversity comes from two families of state-space / ARIMA models plus complex exponential
  smoothing (AutoETS, AutoARIMA, AutoCES), each fitted on the raw series and on its logarithm.
  The log fit turns a multiplicative seasonality and a growth trend into additive ones, which
  ARIMA cannot express on the raw scale; the raw fit is safer when the level is near zero.
* Weights are the inverse of each candidate's MASE over ``n_windows`` rolling origins inside
  the training part (step = horizon), so a candidate that failed on this series counts less,
  and nothing after the training cut-off is ever seen.
* Prediction intervals start as the same weighted average of each candidate's quantiles
  (quantile averaging; log-scale quantiles are back-transformed, which is exact for quantiles)
  and are then calibrated on the same rolling origins (``calibration.py``): the models' own
  intervals covered about half of the actual values on some public monthly series.

Input is a long frame ``unique_id, ds, y`` (optionally exogenous columns, which AutoARIMA uses
and the others ignore), as statsforecast takes it.
"""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.exceptions import NotFittedError
from statsforecast import StatsForecast
from statsforecast.models import (
    MSTL,
    AutoARIMA,
    AutoCES,
    AutoETS,
    AutoTheta,
    DynamicOptimizedTheta,
    SeasonalNaive,
)

from .calibration import RULES, apply_calibration, fit_calibration
from .metrics import seasonal_naive_scale

LEVELS = (80, 95)
MODEL_FAMILIES = ("ets", "arima", "ces")
TRANSFORMS = ("raw", "log")
INTERVAL_COLUMNS = ("lo_80", "hi_80", "lo_95", "hi_95")


YEAR_OF_DAYS = 365
# LOESS evaluated at every 3rd / 20th point and interpolated between: 4x faster on two-year daily
# series, the same held-out MASE on the demo shop (1.964 against 1.957; every 10th/60th: 2.48).
STL_JUMPS = {"seasonal_jump": 3, "trend_jump": 20, "low_pass_jump": 3}


def make_model(family: str, season_length: int, *, yearly: bool = False) -> Any:
    """One statsforecast model by short name (aliases keep the output columns predictable).

    ``"mstl"`` decomposes the weekly season (``season_length``) and, with ``yearly``, a year of
    days too (LOESS, MSTL), and forecasts the rest with a non-seasonal AutoETS: the cheap way
    to see last year's November in a daily series. ``"dotheta"`` is the dynamic optimised Theta
    model alone (AutoTheta's usual pick, a third of its cost).
    """
    if family == "mstl":
        seasons = [season_length, YEAR_OF_DAYS] if yearly and season_length > 1 else season_length
        return MSTL(
            season_length=seasons, trend_forecaster=AutoETS(model="ZZN"), stl_kwargs=STL_JUMPS, alias="mstl"
        )
    if family == "dotheta":
        return DynamicOptimizedTheta(season_length=season_length, alias="dotheta")
    if family == "ets":
        return AutoETS(season_length=season_length, alias="ets")
    if family == "arima":
        return AutoARIMA(season_length=season_length, alias="arima")
    if family == "ces":
        return AutoCES(season_length=season_length, alias="ces")
    if family == "theta":
        return AutoTheta(season_length=season_length, alias="theta")
    if family == "snaive":
        return SeasonalNaive(season_length=season_length, alias="snaive")
    raise ValueError(f"unknown model family {family!r}")


@dataclass(frozen=True)
class _Plan:
    """Series that share a season length and a number of CV windows are fitted in one call."""

    season_length: int
    n_windows: int


class EnsembleForecaster:
    """Forecast ``horizon`` steps of every series in a long frame, with 80% and 95% intervals.

    ``freq`` is a pandas frequency for date stamps ("D", "W-MON", "MS", "QS") or 1 for integer
    steps. Series shorter than two seasons plus a horizon are fitted without seasonality.
    ``intervals`` is the calibration rule of :mod:`.calibration` (``"pooled"``, ``"scale"``,
    ``"growth"``, ``"none"``). ``cv_refit=False`` fits each candidate once at the first rolling
    origin and moves it forward over the later ones (statsforecast's ``refit=False``): the
    weights and the calibration still come from every origin at a fraction of the cost, which
    is what makes the daily grain affordable. ``yearly`` lets an ``"mstl"`` candidate model a
    year of days where every series holds a year and a half.
    """

    def __init__(
        self,
        *,
        horizon: int,
        season_length: int,
        freq: str | int = 1,
        families: Sequence[str] = MODEL_FAMILIES,
        transforms: Sequence[str] = TRANSFORMS,
        n_windows: int = 3,
        weighting: str = "inverse_cv_mase",
        nonnegative: bool = False,
        intervals: str = "pooled",
        cv_refit: bool = True,
        yearly: bool = False,
    ) -> None:
        self.horizon = horizon
        self.season_length = season_length
        self.freq = freq
        self.families = families
        self.transforms = transforms
        self.n_windows = n_windows
        self.weighting = weighting
        self.nonnegative = nonnegative
        self.intervals = intervals
        self.cv_refit = cv_refit
        self.yearly = yearly

    # ------------------------------------------------------------------ fitting
    def fit(self, data: pd.DataFrame) -> EnsembleForecaster:
        """Fit every candidate on every series, score it by rolling-origin CV, weight, forecast."""
        frame = self._validate(data)
        if self.weighting not in ("inverse_cv_mase", "equal"):
            raise ValueError("weighting must be 'inverse_cv_mase' or 'equal'")
        self.exog_columns_ = [c for c in frame.columns if c not in ("unique_id", "ds", "y")]
        if self.exog_columns_:
            raise ValueError("give exogenous columns through fit_with_covariates")
        return self._fit(frame, None)

    def fit_with_covariates(self, data: pd.DataFrame, future: pd.DataFrame) -> EnsembleForecaster:
        """Like :meth:`fit`, with exogenous columns in ``data`` and their future values in ``future``.

        ``future`` holds ``unique_id, ds`` and the same columns for the ``horizon`` steps after
        each series' end (holidays and planned promotions are known in advance).
        """
        frame = self._validate(data)
        self.exog_columns_ = [c for c in frame.columns if c not in ("unique_id", "ds", "y")]
        missing = set(self.exog_columns_) - set(future.columns)
        if missing:
            raise ValueError(f"future covariates lack columns: {sorted(missing)}")
        return self._fit(frame, future[["unique_id", "ds", *self.exog_columns_]])

    def _validate(self, data: pd.DataFrame) -> pd.DataFrame:
        missing = {"unique_id", "ds", "y"} - set(data.columns)
        if missing:
            raise ValueError(f"series frame lacks columns: {sorted(missing)}")
        if self.horizon < 1:
            raise ValueError("horizon must be at least 1")
        if self.intervals not in RULES:
            raise ValueError(f"intervals must be one of {', '.join(RULES)}")
        if data["y"].isna().any():
            raise ValueError("series values must not be missing (fill gaps with 0 for sales)")
        frame = data.sort_values(["unique_id", "ds"]).reset_index(drop=True)
        frame["unique_id"] = frame["unique_id"].astype(str)
        frame["y"] = frame["y"].astype(float)
        return frame

    def _plan(self, n: int) -> _Plan:
        season = self.season_length if n >= 2 * self.season_length + self.horizon + 2 else 1
        min_train = max(2 * season + 2, 8)
        windows = max(0, min(self.n_windows, (n - min_train) // self.horizon))
        return _Plan(season, windows)

    def _fit(self, frame: pd.DataFrame, future: pd.DataFrame | None) -> EnsembleForecaster:
        lengths = frame.groupby("unique_id")["y"].size()
        plans = {uid: self._plan(int(n)) for uid, n in lengths.items()}
        self.scales_ = {
            uid: seasonal_naive_scale(g["y"].to_numpy(), plans[str(uid)].season_length)
            for uid, g in frame.groupby("unique_id")
        }
        forecasts: list[pd.DataFrame] = []
        cv_errors: list[pd.DataFrame] = []
        cv_forecasts: list[pd.DataFrame] = []
        for plan in sorted(set(plans.values()), key=lambda p: (p.season_length, p.n_windows)):
            ids = [uid for uid, p in plans.items() if p == plan]
            part = frame[frame["unique_id"].isin(ids)]
            fut = None if future is None else future[future["unique_id"].isin(ids)]
            for transform in self.transforms:
                fc, cv, cv_fc = self._candidates(part, fut, plan, transform)
                forecasts.append(fc)
                cv_errors.append(cv)
                cv_forecasts.append(cv_fc)
        self.candidate_forecasts_ = pd.concat(forecasts, ignore_index=True)
        self.cv_scores_ = pd.concat(cv_errors, ignore_index=True)
        self.weights_ = self._weights(self.cv_scores_, self.candidate_forecasts_)
        self.cv_forecast_ = self._cv_combined(pd.concat(cv_forecasts, ignore_index=True))
        self.calibration_ = fit_calibration(self.cv_forecast_, self.intervals, LEVELS)
        combined = self._combine(self.candidate_forecasts_, ["unique_id", "ds"])
        calibrated = apply_calibration(combined, self.calibration_, self.intervals, LEVELS)
        self.forecast_ = self._finish(calibrated)
        self.plans_ = plans
        return self

    def _candidates(
        self, part: pd.DataFrame, future: pd.DataFrame | None, plan: _Plan, transform: str
    ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
        """Forecasts, per-series CV MASE and the CV forecasts (original scale, long by candidate)."""
        part = part.copy()
        offsets = pd.Series(0.0, index=part["unique_id"].unique())
        if transform == "log":
            mins = part.groupby("unique_id")["y"].min()
            eligible = mins[mins >= 0].index
            part = part[part["unique_id"].isin(eligible)]
            offsets = pd.Series(np.where(mins.loc[eligible] > 0, 0.0, 1.0), index=eligible)
            part["y"] = np.log(part["y"] + part["unique_id"].map(offsets))
        if part.empty:
            return pd.DataFrame(), pd.DataFrame(), pd.DataFrame()

        def back(values: pd.Series, ids: pd.Series) -> np.ndarray:
            v = values.to_numpy(dtype=float)
            if transform == "log":
                return np.exp(v) - ids.map(offsets).to_numpy(dtype=float)
            return v

        # A year and a half of days: the yearly season is then last year's same weeks, smoothed.
        yearly = self.yearly and int(part.groupby("unique_id").size().min()) >= YEAR_OF_DAYS * 3 // 2
        models = [make_model(f, plan.season_length, yearly=yearly) for f in self.families]
        sf = StatsForecast(
            models=models, freq=self.freq, n_jobs=1, fallback_model=SeasonalNaive(plan.season_length)
        )
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fc = sf.forecast(h=self.horizon, df=part, X_df=future, level=list(LEVELS))
            cv = None
            if plan.n_windows > 0:
                cv = sf.cross_validation(
                    h=self.horizon,
                    df=part,
                    n_windows=plan.n_windows,
                    step_size=self.horizon,
                    level=list(LEVELS),
                    refit=self.cv_refit,
                )

        def long(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
            rows = []
            for family in self.families:
                out = frame[keys].copy()
                out["unique_id"] = out["unique_id"].astype(str)
                out["candidate"] = f"{transform}:{family}"
                out["mean"] = back(frame[family], out["unique_id"])
                for level in LEVELS:
                    out[f"lo_{level}"] = back(frame[f"{family}-lo-{level}"], out["unique_id"])
                    out[f"hi_{level}"] = back(frame[f"{family}-hi-{level}"], out["unique_id"])
                rows.append(out)
            return pd.concat(rows, ignore_index=True)

        scores = []
        cv_long = pd.DataFrame()
        if cv is not None:
            ids = cv["unique_id"].astype(str)
            actual = back(cv["y"], ids)
            cv_long = long(cv.assign(y=actual), ["unique_id", "cutoff", "ds", "y"])
            for family in self.families:
                err = np.abs(back(cv[family], ids) - actual)
                mae = pd.Series(err, index=ids.to_numpy()).groupby(level=0).mean()
                scale = pd.Series({uid: self.scales_[uid] for uid in mae.index})
                scores.append(
                    pd.DataFrame(
                        {
                            "unique_id": mae.index,
                            "candidate": f"{transform}:{family}",
                            "cv_mase": (mae / scale).to_numpy(),
                        }
                    )
                )
        return (
            long(fc, ["unique_id", "ds"]),
            pd.concat(scores, ignore_index=True) if scores else pd.DataFrame(),
            cv_long,
        )

    def _weights(self, cv_scores: pd.DataFrame, forecasts: pd.DataFrame) -> pd.DataFrame:
        pairs = forecasts[["unique_id", "candidate"]].drop_duplicates()
        finite = forecasts.groupby(["unique_id", "candidate"])["mean"].apply(
            lambda s: bool(np.isfinite(s).all())
        )
        if cv_scores.empty:
            table = pairs.assign(cv_mase=np.nan)
        else:
            table = pairs.merge(cv_scores, on=["unique_id", "candidate"], how="left")
        if self.weighting == "inverse_cv_mase":
            raw = 1.0 / np.maximum(table["cv_mase"].to_numpy(dtype=float), 1e-6)
            # a series too short for CV: every candidate counts the same
            raw = np.where(np.isnan(raw), 1.0, raw)
        else:
            raw = np.ones(len(table))
        ok = finite.reindex(pd.MultiIndex.from_frame(table[["unique_id", "candidate"]])).to_numpy()
        table["weight"] = np.where(ok, raw, 0.0)
        table["weight"] = table["weight"] / table.groupby("unique_id")["weight"].transform("sum")
        return table.reset_index(drop=True)

    def _combine(self, forecasts: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
        """The weighted mean of the candidates' means and quantiles per ``keys`` (sorted)."""
        weights = self.weights_[["unique_id", "candidate", "weight"]]
        merged = forecasts.merge(weights, on=["unique_id", "candidate"])
        merged = merged[merged["weight"] > 0]
        cols = ["mean", *INTERVAL_COLUMNS]
        weighted = merged[cols].mul(merged["weight"], axis=0)
        weighted[keys] = merged[keys]
        return weighted.groupby(keys, as_index=False)[cols].sum()

    def _cv_combined(self, cv_forecasts: pd.DataFrame) -> pd.DataFrame:
        """The combined forecast at every rolling origin with the actual value and its step (1..h)."""
        if cv_forecasts.empty:
            return pd.DataFrame(columns=["unique_id", "cutoff", "ds", "step", "y", "mean", *INTERVAL_COLUMNS])
        actual = cv_forecasts.drop_duplicates(["unique_id", "cutoff", "ds"])[
            ["unique_id", "cutoff", "ds", "y"]
        ]
        out = self._combine(cv_forecasts.drop(columns="y"), ["unique_id", "cutoff", "ds"])
        out = out.merge(actual, on=["unique_id", "cutoff", "ds"])
        out["step"] = out.groupby(["unique_id", "cutoff"]).cumcount() + 1
        return out

    def _finish(self, forecast: pd.DataFrame) -> pd.DataFrame:
        """Nested intervals (the 95% one holds the 80% one) and, for sales, no negative values."""
        out = forecast.copy()
        out["lo_95"] = np.minimum(out["lo_95"], out["lo_80"])
        out["hi_95"] = np.maximum(out["hi_95"], out["hi_80"])
        if self.nonnegative:
            cols = ["mean", *INTERVAL_COLUMNS]
            out[cols] = out[cols].clip(lower=0.0)
        return out

    # ------------------------------------------------------------------ output
    def predict_sales(self) -> pd.DataFrame:
        """The combined forecast: ``unique_id, ds, mean, lo_80, hi_80, lo_95, hi_95``."""
        if not hasattr(self, "forecast_"):
            raise NotFittedError("call fit() before predict_sales()")
        return self.forecast_.copy()

    def describe_weights(self) -> dict[str, dict[str, float]]:
        """Per series: candidate -> weight (for the model card and the evaluation report)."""
        if not hasattr(self, "weights_"):
            raise NotFittedError("call fit() first")
        return {
            str(uid): {str(c): round(float(w), 4) for c, w in zip(g["candidate"], g["weight"], strict=True)}
            for uid, g in self.weights_.groupby("unique_id")
        }
