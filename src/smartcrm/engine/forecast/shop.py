"""Forecast every shop series at one grain, reconcile revenue, and backtest the same procedure."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .ensemble import MODEL_FAMILIES, TRANSFORMS, EnsembleForecaster
from .hierarchy import reconcile
from .metrics import coverage, mase
from .seasonality import GRAINS, SEASONS
from .series import hierarchy

HORIZONS = {"day": 28, "week": 12, "month": 6}
# The candidates per grain. Daily series are long (730 points for two years) and many: AutoARIMA
# and AutoCES took 95% of the time there (over 10 CPU-minutes for the demo shop) and were not
# the better models; the yearly season (November, December) is what a weekly model misses.
# ``docs/models/forecast.md`` has the measurements.
FAMILIES = {"day": ("mstl", "ets", "dotheta"), "week": MODEL_FAMILIES, "month": MODEL_FAMILIES}
DAILY_TRANSFORMS = ("raw",)
META = ["unique_id", "metric", "level", "key"]


@dataclass(frozen=True)
class ShopForecastSettings:
    grain: str = "day"
    horizon: int | None = None
    reconciliation: str = "wls_struct"
    n_windows: int = 3
    intervals: str = "pooled"
    # None: the grain's own (FAMILIES; daily: raw only, CV without refits, a yearly season)
    families: tuple[str, ...] | None = None
    transforms: tuple[str, ...] | None = None
    cv_refit: bool | None = None

    @property
    def steps(self) -> int:
        return self.horizon or HORIZONS[self.grain]

    def model_options(self) -> dict[str, object]:
        daily = self.grain == "day"
        return {
            "families": self.families or FAMILIES[self.grain],
            "transforms": self.transforms or (DAILY_TRANSFORMS if daily else TRANSFORMS),
            "cv_refit": (not daily) if self.cv_refit is None else self.cv_refit,
            "yearly": daily,
        }


def season_for(grain: str, n_points: int, horizon: int) -> int:
    """A year of weeks needs two years of history; otherwise fall back to no season."""
    season = SEASONS[grain]
    return season if n_points >= 2 * season + horizon else 1


def forecast_shop(series: pd.DataFrame, settings: ShopForecastSettings) -> pd.DataFrame:
    """Forecasts for every series in ``series`` (from :func:`.series.sales_series`), reconciled.

    Returns ``unique_id, metric, level, key, ds, mean, lo_80, hi_80, lo_95, hi_95``.
    """
    if series.empty:
        raise ValueError("no sales history to forecast")
    h = settings.steps
    n_points = int(series.groupby("unique_id").size().min())
    model = EnsembleForecaster(
        horizon=h,
        season_length=season_for(settings.grain, n_points, h),
        freq=GRAINS[settings.grain],
        n_windows=settings.n_windows,
        intervals=settings.intervals,
        nonnegative=True,
        **settings.model_options(),  # type: ignore[arg-type]
    ).fit(series[["unique_id", "ds", "y"]])
    fc = model.predict_sales()
    if settings.reconciliation != "none":
        fc = reconcile(fc, hierarchy(series), method=settings.reconciliation)
        cols = ["mean", "lo_80", "hi_80", "lo_95", "hi_95"]
        fc[cols] = fc[cols].clip(lower=0.0)
    meta = series[META].drop_duplicates("unique_id")
    return fc.merge(meta, on="unique_id")[[*META, "ds", "mean", "lo_80", "hi_80", "lo_95", "hi_95"]]


def backtest_shop(series: pd.DataFrame, settings: ShopForecastSettings) -> pd.DataFrame:
    """Hold out the last ``horizon`` periods of every series, forecast them from the rest, score.

    One row per series: ``mase``, ``coverage_80``, ``coverage_95`` — the figures on the model card.
    """
    h = settings.steps
    cut = np.sort(series["ds"].unique())[-h]
    train = series[series["ds"] < cut]
    test = series[series["ds"] >= cut]
    fc = forecast_shop(train, settings)
    season = season_for(settings.grain, int(train.groupby("unique_id").size().min()), h)
    joined = test.merge(
        fc[["unique_id", "ds", "mean", "lo_80", "hi_80", "lo_95", "hi_95"]], on=["unique_id", "ds"]
    )
    rows = []
    for uid, g in joined.groupby("unique_id"):
        history = train.loc[train["unique_id"] == uid, "y"].to_numpy()
        rows.append(
            {
                "unique_id": uid,
                "metric": g["metric"].iloc[0],
                "level": g["level"].iloc[0],
                "mase": mase(g["y"], g["mean"], history, season),
                "coverage_80": coverage(g["y"], g["lo_80"], g["hi_80"]),
                "coverage_95": coverage(g["y"], g["lo_95"], g["hi_95"]),
            }
        )
    return pd.DataFrame(rows)
