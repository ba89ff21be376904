"""The nightly CLV fit uses the selected default (BG/NBD with the learnt correction) when it can."""

from __future__ import annotations

from datetime import date

import pandas as pd

from smartcrm.engine.clv.lifetime_value import LifetimeValueModel
from smartcrm.evaluation.datasets import cdnow
from smartcrm.intelligence.training import _score_clv, _train_clv


def test_train_clv_uses_the_corrected_default_and_round_trips() -> None:
    tx = cdnow.load_transactions()
    model, metrics = _train_clv(tx, date(1997, 9, 30))
    assert model.purchases == "bgnbd-gbm" and model.point == "mean"
    assert metrics["model"] == "bgnbd-gbm+gamma-gamma"
    scores = _score_clv(LifetimeValueModel.from_dict(model.to_dict()), tx, date(1997, 9, 30))
    assert len(scores) == 2357
    assert (scores["clv_12m"] > 0).all() and (scores["expected_purchases_90d"] >= 0).all()
    assert scores["probability_alive"].between(0, 1).all()


def test_train_clv_falls_back_to_bgnbd_with_few_customers() -> None:
    tx = cdnow.load_transactions()
    few = tx[tx["customer_id"].isin(pd.unique(tx["customer_id"])[:200])]
    model, metrics = _train_clv(few, date(1997, 9, 30))
    assert model.purchases == "bgnbd"
    assert "needs more" in metrics["why_not_corrected"]
