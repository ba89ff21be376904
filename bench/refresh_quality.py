"""What training on the refresh's bounded sample costs in quality, against training on everyone.

For churn and 30-day propensity: the training frames (four monthly as-of dates, the label
after each) of the sample's customers and of every customer; a model fitted on each frame's
earlier windows; both scored on the same held-out rows (every customer's last window). Reports
both AUCs, their difference, and the rank correlation of the two models' probabilities on
those rows. Training on everyone needs the whole shop in memory: run it at 100k–1M on a machine
that has the room (about 8 GB at 1M).
"""

from __future__ import annotations

import time
from datetime import date
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import spearmanr
from sklearn.metrics import roc_auc_score


def compare_sample_with_full(as_of: date) -> dict[str, Any]:
    from smartcrm.engine.propensity.model import PropensityModel
    from smartcrm.intelligence.extract import extract_shop
    from smartcrm.intelligence.refresh_fit import sample_ids
    from smartcrm.intelligence.training import (
        PROPENSITY_TARGETS,
        TEMPLATES,
        _features_with_texts,
        _training_dates,
    )

    sample = sample_ids(as_of)
    full = extract_shop(as_of)
    in_sample = full.orders.loc[
        (full.orders["customer_id"] * 7919) % 10007 < sample.keep_per_10007, "customer_id"
    ].unique()
    out: dict[str, Any] = {
        "sample_customers": len(in_sample),
        "all_customers": int(full.orders["customer_id"].nunique()),
    }
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
        figures["spearman"] = round(
            float(spearmanr(probabilities["sample"], probabilities["full"]).statistic), 4
        )
        figures["mean_abs_probability_difference"] = round(
            float(np.abs(probabilities["sample"] - probabilities["full"]).mean()), 4
        )
        figures["seconds"] = round(time.perf_counter() - started, 1)
        out[target.kind.value] = figures
    return out
