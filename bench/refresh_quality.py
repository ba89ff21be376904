"""What training on the refresh's bounded sample costs in quality, against training on everyone.

The sample is the refresh's own (``refresh_fit.sample_ids``: hashed customer ids), and each
model is fitted on it with the refresh's recipe; "full" fits the same recipe on every customer.
Both are judged on the same held-out rows:

- churn and 30-day propensity: the training frames (four monthly as-of dates, the label after
  each); models fitted on the earlier windows, scored on every customer's last window. Both
  AUCs, their difference, the rank correlation of the two models' probabilities and their mean
  absolute difference.
- CLV: models fitted on the history up to 90 days before ``as_of`` (the sample's with the
  refresh's 20,000-customer sub-sample; the full one on every customer, no sub-sample), both
  forecasting every customer's purchases in the 90 days after; per model the error and ranking
  figures of ``engine.clv.metrics.forecast_scores``, and the rank correlation of their 12-month
  CLVs.

Training on everyone needs the whole shop in memory: run it at 100k–1M on a machine that has
the room (about 8 GB at 1M).
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import spearmanr
from sklearn.metrics import roc_auc_score

CLV_HOLDOUT_DAYS = 90
CLV_FIGURES = ("mae", "rmse", "bias", "spearman", "top20_capture")


def compare_sample_with_full(as_of: date) -> dict[str, Any]:
    from smartcrm.intelligence.extract import extract_shop
    from smartcrm.intelligence.refresh_fit import sample_ids

    sample = sample_ids(as_of)
    full = extract_shop(as_of)
    in_sample = full.orders.loc[
        (full.orders["customer_id"] * 7919) % 10007 < sample.keep_per_10007, "customer_id"
    ].unique()
    out: dict[str, Any] = {
        "sample_customers": len(in_sample),
        "all_customers": int(full.orders["customer_id"].nunique()),
    }
    out |= _compare_propensity(full, in_sample, as_of)
    out["clv"] = _compare_clv(full.transactions, in_sample, as_of)
    return out


def _compare_propensity(full: Any, in_sample: np.ndarray, as_of: date) -> dict[str, Any]:
    from smartcrm.engine.propensity.model import PropensityModel
    from smartcrm.intelligence.training import (
        PROPENSITY_TARGETS,
        TEMPLATES,
        _features_with_texts,
        _training_dates,
    )

    out: dict[str, Any] = {}
    tx = full.transactions
    for target in PROPENSITY_TARGETS:
        started = time.perf_counter()
        frame = target.build(
            tx,
            _training_dates(as_of, target.horizon_days),
            target.horizon_days,
            features=_features_with_texts(full.texts),
            data_end=pd.Timestamp(as_of),
        )
        features = [c for c in frame.columns if c not in ("customer_id", "as_of", target.label)]
        last = frame["as_of"] == frame["as_of"].max()
        test = frame[last]
        y = test[target.label].to_numpy().astype(int)
        figures: dict[str, Any] = {"held_out_rows": len(test)}
        probabilities = {}
        for name, rows in (
            ("sample", frame[~last & frame["customer_id"].isin(in_sample)]),
            ("full", frame[~last]),
        ):
            model = PropensityModel(outcome=target.outcome, templates=TEMPLATES).fit(
                rows[features], rows[target.label]
            )
            probabilities[name] = model.predict_probability(test[features])
            figures[f"{name}_training_rows"] = len(rows)
            figures[f"{name}_roc_auc"] = round(float(roc_auc_score(y, probabilities[name])), 4)
        figures["auc_difference"] = round(figures["full_roc_auc"] - figures["sample_roc_auc"], 4)
        figures |= _agreement(probabilities["sample"], probabilities["full"])
        figures["seconds"] = round(time.perf_counter() - started, 1)
        out[target.kind.value] = figures
    return out


def _compare_clv(tx: pd.DataFrame, in_sample: np.ndarray, as_of: date) -> dict[str, Any]:
    from smartcrm.engine.clv.metrics import forecast_scores
    from smartcrm.engine.clv.summary import summarise_transactions
    from smartcrm.intelligence.training import CLV_FIT_CUSTOMERS, MONTHLY_DISCOUNT, WEEKS_12M, _train_clv

    started = time.perf_counter()
    cut = pd.Timestamp(as_of) - pd.Timedelta(days=CLV_HOLDOUT_DAYS)
    history = tx[tx["date"] <= cut]
    held_out = summarise_transactions(tx, cut, pd.Timestamp(as_of), freq="W")
    actual = held_out["frequency_holdout"].to_numpy()
    horizon = float(held_out["duration_holdout"].iloc[0])
    figures: dict[str, Any] = {"held_out_customers": len(held_out), "holdout_days": CLV_HOLDOUT_DAYS}
    values = {}
    for name, rows, limit in (
        ("sample", history[history["customer_id"].isin(in_sample)], CLV_FIT_CUSTOMERS),
        ("full", history, len(history)),  # no sub-sample: every customer
    ):
        model, metrics = _train_clv(rows, cut.date(), limit)
        scores = forecast_scores(model.expected_purchases(held_out, horizon), actual)
        figures[name] = {
            "fitted_on_customers": metrics["fitted_on_customers"],
            "model": metrics["model"],
            **{k: scores[k] for k in CLV_FIGURES},
        }
        values[name] = model.customer_lifetime_value(
            held_out, WEEKS_12M, discount_rate=MONTHLY_DISCOUNT, step=52 / 12
        )
    figures["clv_12m"] = _agreement(values["sample"], values["full"])
    figures["seconds"] = round(time.perf_counter() - started, 1)
    return figures


def _agreement(sample: np.ndarray, full: np.ndarray) -> dict[str, float]:
    """How closely the sample-trained model's numbers follow the full one's."""
    return {
        "spearman": round(float(spearmanr(sample, full).statistic), 4),
        "mean_abs_difference": round(float(np.abs(sample - full).mean()), 4),
    }
