"""``smartcrm eval forecast``: hold out the end of each series, forecast it, score MASE and intervals.

``--dataset fpp2`` runs the protocol in ``/work/shared/datasets.md`` (eight series, the last 24
monthly / 8 quarterly points held out); ``--dataset us_employment`` (a seeded sample of the fpp3
US employment series) and ``--dataset m4`` (eight M4 competition series) are the second sets the
method was never tuned on. ``--csv FILE`` (columns series_id,date,value) holds out the last
``--horizon`` points of every series; the season comes from ``--season`` or from the dates.

The ensemble sees only the training part: its weights and its interval calibration come from
rolling-origin cross-validation inside it. Per series: MASE, coverage of the 80% and 95%
intervals, and their mean width in units of the in-sample seasonal-naive MAE (so widths compare
across series); coverage is pooled over every held-out point. The baselines (seasonal naive,
AutoETS, AutoARIMA, AutoTheta with their own intervals, and the mean of the last three) are
fitted untuned in the same run on the same training parts.
"""

from __future__ import annotations

import argparse
import time
import warnings
from typing import Any

import numpy as np
import pandas as pd

from smartcrm.engine.forecast.calibration import RULES
from smartcrm.engine.forecast.metrics import coverage, mase, seasonal_naive_scale
from smartcrm.evaluation.forecast_splits import DATASETS, Split, csv_splits, dataset_splits
from smartcrm.evaluation.robustness_rows import RobustnessRow

BASELINES = ("snaive", "ets", "arima", "theta")
LEVELS = (80, 95)
ROBUSTNESS_RUNS: tuple[dict[str, Any], ...] = (
    {"dataset": "fpp2"},
    {"dataset": "us_employment"},
    {"dataset": "m4"},
)
COVERAGE_TOLERANCE = 0.05


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dataset", choices=DATASETS, help="a public data set (default: fpp2)")
    parser.add_argument("--series", help="comma-separated subset of the data set's series")
    parser.add_argument("--sample", type=int, help="us_employment: series in the seeded sample (0 = all)")
    parser.add_argument("--csv", help="CSV file with columns series_id,date,value")
    parser.add_argument("--horizon", type=int, help="points held out per series (needed with --csv)")
    parser.add_argument("--season", type=int, help="season length (default: from the dates)")
    parser.add_argument("--windows", type=int, default=3, help="rolling CV origins inside the training part")
    parser.add_argument(
        "--intervals", choices=RULES, default="pooled", help="interval calibration rule (default pooled)"
    )


def _interval_figures(split: Split, lo: dict[int, Any], hi: dict[int, Any], scale: float) -> dict[str, float]:
    out: dict[str, float] = {}
    for level in LEVELS:
        out[f"coverage_{level}"] = round(coverage(split.test, lo[level], hi[level]), 4)
        width = np.asarray(hi[level], dtype=float) - np.asarray(lo[level], dtype=float)
        out[f"width_{level}"] = round(float(np.mean(width)) / scale, 4)
    return out


def _baselines(group: list[Split], horizon: int) -> dict[str, dict[str, dict[str, float]]]:
    """Series -> baseline -> MASE, coverage and width, fitted untuned on the same training parts."""
    from statsforecast import StatsForecast

    from smartcrm.engine.forecast.ensemble import make_model

    first = group[0]
    models = [make_model(f, first.season_length) for f in BASELINES]
    frame = pd.concat([s.long() for s in group], ignore_index=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fc = StatsForecast(models=models, freq=first.freq, n_jobs=1).forecast(
            h=horizon, df=frame, level=list(LEVELS)
        )
    fc["unique_id"] = fc["unique_id"].astype(str)
    out: dict[str, dict[str, dict[str, float]]] = {}
    for split in group:
        g = fc[fc["unique_id"] == split.name]
        scale = seasonal_naive_scale(split.train, split.season_length)
        scores: dict[str, dict[str, float]] = {}
        for name in BASELINES:
            lo = {lv: g[f"{name}-lo-{lv}"] for lv in LEVELS}
            hi = {lv: g[f"{name}-hi-{lv}"] for lv in LEVELS}
            scores[name] = {
                "mase": round(mase(split.test, g[name], split.train, split.season_length), 4),
                **_interval_figures(split, lo, hi, scale),
            }
        mean3 = (g["ets"].to_numpy() + g["arima"].to_numpy() + g["theta"].to_numpy()) / 3
        scores["mean_ets_arima_theta"] = {
            "mase": round(mase(split.test, mean3, split.train, split.season_length), 4)
        }
        out[split.name] = scores
    return out


def _groups(splits: list[Split]) -> list[list[Split]]:
    """Series sharing season, horizon and frequency are fitted in one call (each on its own)."""
    groups: dict[tuple[int, int, str], list[Split]] = {}
    for split in splits:
        groups.setdefault((split.season_length, len(split.test), str(split.freq)), []).append(split)
    return list(groups.values())


def _pooled(per_series: dict[str, dict[str, Any]], get: Any) -> dict[str, float]:
    """Coverage pooled over every held-out point; width averaged over series."""
    rows = [(get(v), v["horizon"]) for v in per_series.values()]
    rows = [(r, h) for r, h in rows if r is not None and "coverage_80" in r]
    if not rows:
        return {}
    n = sum(h for _, h in rows)
    out = {}
    for level in LEVELS:
        out[f"coverage_{level}"] = round(sum(r[f"coverage_{level}"] * h for r, h in rows) / n, 4)
        out[f"width_{level}"] = round(float(np.mean([r[f"width_{level}"] for r, _ in rows])), 4)
    return out


def run(options: dict[str, Any]) -> dict[str, Any]:
    from smartcrm.engine.forecast.ensemble import EnsembleForecaster  # statsforecast loads slowly

    if options.get("csv") and options.get("dataset"):
        raise ValueError("give either --dataset or --csv, not both")
    dataset = str(options.get("dataset") or "fpp2")
    splits = csv_splits(options) if options.get("csv") else dataset_splits(dataset, options)
    source = str(options["csv"]) if options.get("csv") else dataset
    windows = int(options.get("windows") or 3)
    rule = str(options.get("intervals") or "pooled")
    started = time.perf_counter()
    per_series: dict[str, dict[str, Any]] = {}
    for group in _groups(splits):
        h = len(group[0].test)
        model = EnsembleForecaster(
            horizon=h,
            season_length=group[0].season_length,
            freq=group[0].freq,
            n_windows=windows,
            intervals=rule,
        ).fit(pd.concat([s.long() for s in group], ignore_index=True))
        fc = model.predict_sales()
        weights = model.describe_weights()
        factors = model.calibration_
        baselines = _baselines(group, h)
        for split in group:
            g = fc[fc["unique_id"] == split.name]
            scale = seasonal_naive_scale(split.train, split.season_length)
            lo = {lv: g[f"lo_{lv}"] for lv in LEVELS}
            hi = {lv: g[f"hi_{lv}"] for lv in LEVELS}
            mine = factors[factors["unique_id"] == split.name]
            per_series[split.name] = {
                "mase": round(mase(split.test, g["mean"], split.train, split.season_length), 4),
                **_interval_figures(split, lo, hi, scale),
                "calibration": {f"level_{int(r.level)}": round(float(r.value), 4) for r in mine.itertuples()},
                "season_length": split.season_length,
                "train_points": len(split.train),
                "horizon": h,
                "weights": weights[split.name],
                "baselines": baselines[split.name],
            }
    names = [*BASELINES, "mean_ets_arima_theta"]
    return {
        "dataset": source,
        "model": "inverse-CV-MASE weighted ensemble of AutoETS, AutoARIMA, AutoCES on raw and log scales",
        "intervals": rule,
        "series": len(splits),
        "held_out_points": sum(len(s.test) for s in splits),
        "mase": round(float(np.mean([v["mase"] for v in per_series.values()])), 4),
        **_pooled(per_series, lambda v: v),
        "baselines": {
            n: round(float(np.mean([v["baselines"][n]["mase"] for v in per_series.values()])), 4)
            for n in names
        },
        "baseline_intervals": {n: _pooled(per_series, lambda v, n=n: v["baselines"][n]) for n in BASELINES},
        "per_series": per_series,
        "cv_windows": windows,
        "seconds": round(time.perf_counter() - started, 1),
    }


def robustness_rows(figures: dict[str, Any]) -> list[RobustnessRow]:
    """MASE against the best untuned baseline, and each coverage within ±5 points of its level."""
    dataset = str(figures["dataset"])
    seen = dataset == "fpp2"
    plain = ("snaive", "ets", "arima")
    rows = [
        RobustnessRow(
            task="forecast",
            dataset=dataset,
            seen=seen,
            metric="mase",
            default_name="ensemble",
            default=float(figures["mase"]),
            rule="default ≤ best untuned baseline (seasonal naive, AutoETS, AutoARIMA)",
            met=float(figures["mase"]) <= min(float(figures["baselines"][b]) for b in plain),
            baselines={b: float(figures["baselines"][b]) for b in plain},
            higher_is_better=False,
        )
    ]
    for level in LEVELS:
        value = float(figures[f"coverage_{level}"])
        rows.append(
            RobustnessRow(
                task="forecast",
                dataset=dataset,
                seen=seen,
                metric=f"coverage_{level}",
                default_name="ensemble",
                default=value,
                rule=f"within ±{COVERAGE_TOLERANCE * 100:.0f} points of {level}%",
                met=abs(value - level / 100) <= COVERAGE_TOLERANCE + 1e-9,
                baselines={b: float(figures["baseline_intervals"][b][f"coverage_{level}"]) for b in plain},
                target=level / 100,
            )
        )
    return rows
