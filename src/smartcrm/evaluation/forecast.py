"""``smartcrm eval forecast``: hold out the end of each series, forecast it, score MASE and coverage.

``--dataset fpp2`` runs the protocol in ``/work/shared/datasets.md`` (eight series, the last 24
monthly / 8 quarterly points held out). ``--csv FILE`` (columns series_id,date,value) holds out
the last ``--horizon`` points of every series; the season comes from ``--season`` or from the
dates' frequency. The ensemble sees only the training part; its weights come from rolling-origin
cross-validation inside it. The baselines (seasonal naive, AutoETS, AutoARIMA, AutoTheta and
the mean of those three) are fitted in the same run on the same training parts.
"""

from __future__ import annotations

import argparse
import time
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from smartcrm.engine.forecast.metrics import coverage, mase
from smartcrm.engine.forecast.seasonality import season_for_dates

BASELINES = ("snaive", "ets", "arima", "theta")


@dataclass
class Split:
    name: str
    train: np.ndarray
    test: np.ndarray
    season_length: int
    freq: str | int
    train_dates: pd.DatetimeIndex | None = None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dataset", choices=["fpp2"], help="a public data set (default: fpp2)")
    parser.add_argument("--series", help="comma-separated subset of the data set's series")
    parser.add_argument("--csv", help="CSV file with columns series_id,date,value")
    parser.add_argument("--horizon", type=int, help="points held out per series (needed with --csv)")
    parser.add_argument("--season", type=int, help="season length (default: from the dates)")
    parser.add_argument("--windows", type=int, default=3, help="rolling CV origins inside the training part")


def _fpp2_splits(options: dict[str, Any]) -> list[Split]:
    from smartcrm.evaluation.datasets import fpp2

    wanted = options.get("series")
    chosen: tuple[fpp2.Fpp2Series, ...] = fpp2.SERIES
    if wanted:
        names = [n.strip() for n in str(wanted).split(",") if n.strip()]
        unknown = [n for n in names if n not in fpp2.BY_NAME]
        if unknown:
            raise ValueError(f"unknown fpp2 series: {', '.join(unknown)}")
        chosen = tuple(fpp2.BY_NAME[n] for n in names)
    splits = []
    for s in chosen:
        y = fpp2.load_values(s.name)
        h = int(options.get("horizon") or s.horizon)
        splits.append(Split(s.name, y[:-h], y[-h:], int(options.get("season") or s.season_length), 1))
    return splits


def _csv_splits(options: dict[str, Any]) -> list[Split]:
    path = Path(options["csv"])
    if not path.exists():
        raise FileNotFoundError(f"no such file: {path}")
    horizon = options.get("horizon")
    if not horizon or int(horizon) < 1:
        raise ValueError("--csv needs --horizon H (points to hold out per series)")
    h = int(horizon)
    raw = pd.read_csv(path)
    missing = {"series_id", "date", "value"} - set(raw.columns)
    if missing:
        raise ValueError(f"{path}: missing columns {sorted(missing)}")
    raw["date"] = pd.to_datetime(raw["date"], errors="coerce")
    raw["value"] = pd.to_numeric(raw["value"], errors="coerce")
    bad = raw[raw["date"].isna() | raw["value"].isna()]
    if not bad.empty:
        rows = ", ".join(str(i + 2) for i in bad.index[:10])
        raise ValueError(f"{path}: unreadable date or value on line(s) {rows}")
    splits = []
    for sid, g in raw.sort_values(["series_id", "date"]).groupby("series_id"):
        dates = pd.DatetimeIndex(g["date"])
        freq = pd.infer_freq(dates) if len(dates) >= 3 else None
        if freq is None:
            raise ValueError(f"series {sid!r}: dates are not evenly spaced; fill the gaps first")
        season = int(options.get("season") or season_for_dates(freq))
        y = g["value"].to_numpy(dtype=float)
        if len(y) <= h + 2:
            raise ValueError(f"series {sid!r}: {len(y)} points is too short to hold out {h}")
        splits.append(Split(str(sid), y[:-h], y[-h:], season, freq, dates[:-h]))
    return splits


def _long(split: Split) -> pd.DataFrame:
    ds: Any = split.train_dates if split.train_dates is not None else np.arange(len(split.train))
    return pd.DataFrame({"unique_id": split.name, "ds": ds, "y": split.train})


def _baselines(split: Split, horizon: int) -> dict[str, np.ndarray]:
    from statsforecast import StatsForecast

    from smartcrm.engine.forecast.ensemble import make_model

    models = [make_model(f, split.season_length) for f in BASELINES]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fc = StatsForecast(models=models, freq=split.freq, n_jobs=1).forecast(h=horizon, df=_long(split))
    out = {name: fc[name].to_numpy(dtype=float) for name in BASELINES}
    out["mean_ets_arima_theta"] = (out["ets"] + out["arima"] + out["theta"]) / 3
    return out


def run(options: dict[str, Any]) -> dict[str, Any]:
    from smartcrm.engine.forecast.ensemble import EnsembleForecaster  # statsforecast loads slowly

    if options.get("csv") and options.get("dataset"):
        raise ValueError("give either --dataset or --csv, not both")
    splits = _csv_splits(options) if options.get("csv") else _fpp2_splits(options)
    source = str(options["csv"]) if options.get("csv") else "fpp2"
    started = time.perf_counter()
    per_series: dict[str, dict[str, Any]] = {}
    baseline_scores: dict[str, list[float]] = {}
    covered80: list[float] = []
    covered95: list[float] = []
    for split in splits:
        h = len(split.test)
        model = EnsembleForecaster(
            horizon=h,
            season_length=split.season_length,
            freq=split.freq,
            n_windows=int(options.get("windows") or 3),
        ).fit(_long(split))
        fc = model.predict_sales()
        score = mase(split.test, fc["mean"], split.train, split.season_length)
        c80 = coverage(split.test, fc["lo_80"], fc["hi_80"])
        c95 = coverage(split.test, fc["lo_95"], fc["hi_95"])
        covered80.append(c80 * h)
        covered95.append(c95 * h)
        base = {
            name: round(mase(split.test, pred, split.train, split.season_length), 4)
            for name, pred in _baselines(split, h).items()
        }
        for name, value in base.items():
            baseline_scores.setdefault(name, []).append(value)
        per_series[split.name] = {
            "mase": round(score, 4),
            "coverage_80": round(c80, 4),
            "coverage_95": round(c95, 4),
            "season_length": split.season_length,
            "train_points": len(split.train),
            "horizon": h,
            "weights": model.describe_weights()[split.name],
            "baselines": base,
        }
    n_points = sum(len(s.test) for s in splits)
    return {
        "dataset": source,
        "model": "inverse-CV-MASE weighted ensemble of AutoETS, AutoARIMA, AutoCES on raw and log scales",
        "series": len(splits),
        "mase": round(float(np.mean([v["mase"] for v in per_series.values()])), 4),
        "coverage_80": round(sum(covered80) / n_points, 4),
        "coverage_95": round(sum(covered95) / n_points, 4),
        "baselines": {name: round(float(np.mean(v)), 4) for name, v in baseline_scores.items()},
        "per_series": per_series,
        "cv_windows": int(options.get("windows") or 3),
        "seconds": round(time.perf_counter() - started, 1),
    }
