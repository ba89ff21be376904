"""``smartcrm eval clv``: fit the CLV forecasters on a calibration window and score them on a holdout.

Every candidate is judged as a shop uses it: summed (aggregate ``bias``), per customer
(``rmse``, ``mae``) and as a ranking (``spearman``, ``pearson``/``corr``, ``top20_capture``),
for holdout purchases and for holdout spend (purchases × Gamma-Gamma expected spend). The
default is chosen on an inner split of the calibration window (``engine.clv.selection``).

Data sets: ``cdnow`` (Fader, Hardie & Lee's protocol: same-day purchases merged, calibration
to 1997-09-30 = week 39, holdout to 1998-06-30 = week 78, weeks), ``cdnow-master`` (the
full cohort, same dates) and ``bike-sales`` (30 bike shops' 2011 orders: calibration to
2011-08-31, holdout to 2011-12-31). With ``--transactions FILE`` (CSV:
customer_id,date,amount) give both dates.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from smartcrm.engine.clv.bgnbd import BetaGeoModel
from smartcrm.engine.clv.gammagamma import GammaGammaModel
from smartcrm.engine.clv.metrics import forecast_scores
from smartcrm.engine.clv.paretonbd import ParetoNBDModel
from smartcrm.engine.clv.selection import MAX_BIAS, predict_all, select_default, training_split
from smartcrm.engine.clv.summary import UNIT_DAYS, summarise_transactions
from smartcrm.evaluation.robustness_rows import RobustnessRow

DATASETS = ("cdnow", "cdnow-master", "bike-sales")
ROBUSTNESS_RUNS: tuple[dict[str, Any], ...] = tuple({"dataset": name} for name in DATASETS)
BASELINES = ("bgnbd", "paretonbd", "past-rate")
METRICS = ("bias", "rmse", "spearman", "pearson", "top20_capture")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dataset", choices=DATASETS, help="a public data set (default: cdnow)")
    parser.add_argument("--transactions", help="CSV file with columns customer_id,date,amount")
    parser.add_argument(
        "--calibration-end", dest="calibration_end", help="last day of the calibration window"
    )
    parser.add_argument("--holdout-end", dest="holdout_end", help="last day of the holdout window")
    parser.add_argument("--freq", default="W", choices=sorted(UNIT_DAYS), help="time unit (default W)")


def _public(name: str) -> tuple[Callable[[], pd.DataFrame], str, str]:
    from smartcrm.evaluation.datasets import bike_sales, cdnow

    if name == "bike-sales":
        return bike_sales.load_transactions, bike_sales.CALIBRATION_END, bike_sales.HOLDOUT_END
    if name == "cdnow-master":
        return (lambda: cdnow.load_transactions(master=True)), cdnow.CALIBRATION_END, cdnow.HOLDOUT_END
    return cdnow.load_transactions, cdnow.CALIBRATION_END, cdnow.HOLDOUT_END


def _load(options: dict[str, Any]) -> tuple[pd.DataFrame, str, str, str]:
    if options.get("transactions"):
        if options.get("dataset"):
            raise ValueError("give either --dataset or --transactions, not both")
        if not options.get("calibration_end") or not options.get("holdout_end"):
            raise ValueError("--transactions needs --calibration-end and --holdout-end")
        path = Path(options["transactions"])
        if not path.exists():
            raise FileNotFoundError(f"no such file: {path}")
        return pd.read_csv(path), str(path), options["calibration_end"], options["holdout_end"]
    name = options.get("dataset") or "cdnow"
    load, calibration_end, holdout_end = _public(name)
    return (
        load(),
        name,
        options.get("calibration_end") or calibration_end,
        options.get("holdout_end") or holdout_end,
    )


def _expected_spend(summary: pd.DataFrame) -> tuple[np.ndarray | None, dict[str, Any]]:
    try:
        spend = GammaGammaModel().fit(summary)
        return spend.expected_spend(summary), {k: round(v, 4) for k, v in spend.params_.items()}
    except ValueError as exc:  # e.g. no repeat buyers with positive spend in a user file
        return None, {"error": str(exc)}


def _params(model: object) -> dict[str, Any]:
    if isinstance(model, BetaGeoModel | ParetoNBDModel):
        return {k: round(v, 4) for k, v in model.params_.items()}
    return {"error": str(model)}


def run(options: dict[str, Any]) -> dict[str, Any]:
    transactions, source, calibration_end, holdout_end = _load(options)
    freq = options.get("freq") or "W"
    summary = summarise_transactions(transactions, calibration_end, holdout_end, freq=freq)
    horizon = float(summary["duration_holdout"].iloc[0])
    holdout_days = horizon * UNIT_DAYS[freq]
    actual = summary["frequency_holdout"].to_numpy(dtype=float)
    actual_spend = actual * summary["monetary_value_holdout"].to_numpy(dtype=float)
    spend_per_purchase, gammagamma_params = _expected_spend(summary)
    try:
        split: pd.DataFrame | None = training_split(transactions, calibration_end, holdout_days, freq=freq)
    except ValueError:
        split = None

    candidates: dict[str, dict[str, Any]] = {}
    forecasts, fitted = predict_all(summary, split, horizon)
    for name, predicted in forecasts.items():
        if isinstance(predicted, str):
            candidates[name] = {"error": predicted}
            continue
        candidates[name] = forecast_scores(predicted, actual)
        candidates[name]["spend"] = (
            forecast_scores(predicted * spend_per_purchase, actual_spend)
            if spend_per_purchase is not None
            else {"error": gammagamma_params["error"]}
        )

    selection = select_default(transactions, calibration_end, holdout_days, freq=freq)
    chosen = selection.chosen.name
    return {
        "dataset": source,
        "calibration_end": str(pd.Timestamp(calibration_end).date()),
        "holdout_end": str(pd.Timestamp(holdout_end).date()),
        "time_unit": freq,
        "customers": len(summary),
        "calibration_repeat_transactions": int(summary["frequency"].sum()),
        "holdout_weeks" if freq == "W" else "holdout_units": round(horizon, 3),
        "params": _params(fitted["bgnbd"]),
        "paretonbd_params": _params(fitted["paretonbd"]),
        "gammagamma_params": gammagamma_params,
        "bgnbd": candidates["bgnbd"],
        "paretonbd": candidates["paretonbd"],
        "candidates": candidates,
        "model": chosen,
        **candidates[chosen],
        "holdout_actual": int(actual.sum()),
        "holdout_spend_actual": round(float(actual_spend.sum()), 2),
        "selection": {
            "rule": (
                f"on an inner time split of the calibration window: drop medians and any forecast "
                f"whose total is off by more than {MAX_BIAS:.0%}; lowest per-customer RMSE of the rest"
            ),
            "inner_calibration_end": str(selection.inner_cut.date()),
            "inner_scores": selection.inner_scores,
        },
    }


def _row(figures: dict[str, Any], block: str, metric: str) -> RobustnessRow | None:
    def value(name: str) -> float | None:
        scores = figures["candidates"][name]
        scores = scores.get(block, {}) if block == "spend" else scores
        found = scores.get(metric)
        if found is None:
            return None
        return abs(float(found)) if metric == "bias" else float(found)

    default = value(figures["model"])
    reference = value("bgnbd")
    if default is None or reference is None:
        return None
    if metric == "bias":
        rule, met = "|aggregate bias| ≤ 5%", abs(default) <= 0.05
    elif metric == "rmse":
        rule, met = "RMSE below BG/NBD mean's", default < reference
    else:
        rule, met = f"{metric} above BG/NBD mean's", default > reference
    baselines = {name: found for name in BASELINES if (found := value(name)) is not None}
    prefix = "" if block == "purchases" else "spend_"
    return RobustnessRow(
        task="clv",
        dataset=str(figures["dataset"]),
        seen=figures["dataset"] == "cdnow",
        metric=prefix + ("|bias|" if metric == "bias" else metric),
        default_name=str(figures["model"]),
        default=default,
        rule=rule,
        met=met,
        baselines=baselines,
        higher_is_better=metric not in ("bias", "rmse"),
    )


def robustness_rows(figures: dict[str, Any]) -> list[RobustnessRow]:
    """The default against BG/NBD mean, Pareto/NBD mean and past rate × horizon, purchases and spend."""
    rows = (_row(figures, block, metric) for block in ("purchases", "spend") for metric in METRICS)
    return [row for row in rows if row is not None]
