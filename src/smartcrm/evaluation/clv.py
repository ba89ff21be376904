"""``smartcrm eval clv``: fit the CLV models on a calibration window and score them on a holdout.

On CDNOW (``--dataset cdnow``) the protocol is Fader, Hardie & Lee's: same-day purchases
merged, calibration to 1997-09-30 (week 39), holdout to 1998-06-30 (week 78), weeks as the
unit. With ``--transactions FILE`` (CSV: customer_id,date,amount) give both dates.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from smartcrm.engine.clv.forecast import CANDIDATES, PurchaseModel
from smartcrm.engine.clv.gammagamma import GammaGammaModel
from smartcrm.engine.clv.selection import select_default
from smartcrm.engine.clv.summary import UNIT_DAYS, summarise_transactions


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dataset", choices=["cdnow"], help="a public data set (default: cdnow)")
    parser.add_argument("--transactions", help="CSV file with columns customer_id,date,amount")
    parser.add_argument(
        "--calibration-end", dest="calibration_end", help="last day of the calibration window"
    )
    parser.add_argument("--holdout-end", dest="holdout_end", help="last day of the holdout window")
    parser.add_argument("--freq", default="W", choices=sorted(UNIT_DAYS), help="time unit (default W)")


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
    from smartcrm.evaluation.datasets import cdnow

    calibration_end = options.get("calibration_end") or cdnow.CALIBRATION_END
    holdout_end = options.get("holdout_end") or cdnow.HOLDOUT_END
    return cdnow.load_transactions(), "cdnow", calibration_end, holdout_end


def _scores(predicted: np.ndarray, actual: np.ndarray) -> dict[str, Any]:
    corr = (
        float(np.corrcoef(predicted, actual)[0, 1]) if np.std(predicted) > 0 and np.std(actual) > 0 else None
    )
    return {
        "holdout_predicted": round(float(predicted.sum()), 3),
        "corr": None if corr is None or math.isnan(corr) else round(corr, 4),
        "mae": round(float(np.mean(np.abs(predicted - actual))), 4),
        "rmse": round(float(np.sqrt(np.mean((predicted - actual) ** 2))), 4),
    }


def run(options: dict[str, Any]) -> dict[str, Any]:
    transactions, source, calibration_end, holdout_end = _load(options)
    freq = options.get("freq") or "W"
    summary = summarise_transactions(transactions, calibration_end, holdout_end, freq=freq)
    horizon = float(summary["duration_holdout"].iloc[0])
    actual = summary["frequency_holdout"].to_numpy(dtype=float)

    fitted: dict[str, PurchaseModel] = {}
    candidates: dict[str, dict[str, Any]] = {}
    for option in CANDIDATES:
        if option.family not in fitted:
            fitted[option.family] = option.fit(summary)
        candidates[option.name] = _scores(option.predict(fitted[option.family], summary, horizon), actual)

    selection = select_default(transactions, calibration_end, horizon * UNIT_DAYS[freq], freq=freq)
    chosen = selection.chosen.name
    figures: dict[str, Any] = {
        "dataset": source,
        "calibration_end": str(pd.Timestamp(calibration_end).date()),
        "holdout_end": str(pd.Timestamp(holdout_end).date()),
        "time_unit": freq,
        "customers": len(summary),
        "calibration_repeat_transactions": int(summary["frequency"].sum()),
        "holdout_weeks" if freq == "W" else "holdout_units": round(horizon, 3),
        "holdout_actual": int(actual.sum()),
        "params": {k: round(v, 4) for k, v in fitted["bgnbd"].params_.items()},
        "paretonbd_params": {k: round(v, 4) for k, v in fitted["paretonbd"].params_.items()},
        "bgnbd": candidates["bgnbd"],
        "paretonbd": candidates["paretonbd"],
        "candidates": candidates,
        "model": chosen,
        **candidates[chosen],
        "selection": {
            "rule": "lowest per-customer MAE on an inner time split of the calibration window",
            "inner_calibration_end": str(selection.inner_cut.date()),
            "inner_mae": {k: round(v, 4) for k, v in selection.inner_mae.items()},
        },
    }
    try:
        spend = GammaGammaModel().fit(summary)
        figures["gammagamma_params"] = {k: round(v, 4) for k, v in spend.params_.items()}
    except ValueError as exc:  # e.g. no repeat buyers with positive spend in a user file
        figures["gammagamma_params"] = {"error": str(exc)}
    return figures
