"""Scoring one chunk of a fan-out refresh: the customers with ids ``first``…``last``.

The chunk's history comes from the database in set-based queries restricted to its id range
(``extract.CustomerIds``), so its memory depends on the chunk size, not on the shop. The
features and scores are computed exactly as ``smartcrm train`` computes them, with the models
and the shop-level inputs of the run (``refresh_fit.FittedModels``): a customer's scores do
not depend on which chunk they fell in. A model the run skipped (``refresh.SKIPPABLE``) leaves
its columns empty.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from smartcrm.engine.features import customer_features
from smartcrm.intelligence import category_scores
from smartcrm.intelligence.extract import CustomerIds, extract_shop
from smartcrm.intelligence.refresh_fit import FittedModels
from smartcrm.intelligence.training import CLV_COLUMNS, _score_clv, _score_propensity, score_table
from smartcrm.modelregistry.models import ModelKind


def score_chunk(fitted: FittedModels, as_of: date, first: int, last: int) -> pd.DataFrame:
    """One row per customer of the chunk who bought by ``as_of``, with every score column."""
    extract = extract_shop(as_of, CustomerIds(first=first, last=last))
    tx = extract.transactions
    if tx.empty:
        return pd.DataFrame()
    features = customer_features(
        extract.orders,
        extract.lines,
        extract.tickets,
        extract.reviews,
        as_of=as_of,
        categories=fitted.share_categories,
    )
    segments = fitted.rfm.assign(features)[["rfm_code", "segment"]].join(fitted.clusters.assign(features))
    scored = {
        ModelKind.CHURN.value: _score_propensity(fitted.churn, tx, extract.texts, as_of),
        ModelKind.PROPENSITY.value: _score_propensity(fitted.propensity, tx, extract.texts, as_of),
    }
    by_category = (
        category_scores.score(
            fitted.category,
            extract.category_transactions,
            as_of,
            fitted.categories,
            trend=fitted.category_trend,
        )
        if fitted.category is not None
        else pd.DataFrame()
    )
    clv = fitted.clv_model()
    values = _score_clv(clv, tx, as_of) if clv is not None else pd.DataFrame(columns=CLV_COLUMNS, dtype=float)
    return score_table(segments, values, scored, by_category)
