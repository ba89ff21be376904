"""Scoring one chunk of a fan-out refresh: the customers with ids ``first``…``last``.

The chunk's history comes from the database in set-based queries restricted to its id range
(``extract.CustomerIds``), so its memory depends on the chunk size, not on the shop. The
features and scores are computed exactly as ``smartcrm train`` computes them, with the models
and the shop-level inputs of the run (``refresh_fit.FittedModels``): a customer's scores do
not depend on which chunk they fell in. A model the run skipped (``refresh.SKIPPABLE``) leaves
its columns empty.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pandas as pd

from smartcrm.engine.features import customer_features
from smartcrm.intelligence import category_scores
from smartcrm.intelligence.extract import CustomerIds, extract_shop
from smartcrm.intelligence.refresh_fit import FittedModels
from smartcrm.intelligence.training import (
    CLV_COLUMNS,
    _score_clv,
    propensity_features,
    score_propensity,
    score_table,
)
from smartcrm.modelregistry.models import ModelKind

Timings = dict[str, tuple[float, float]]  # stage → (wall seconds, CPU seconds of the process)


@contextmanager
def timed(timings: Timings | None, stage: str) -> Iterator[None]:
    """Add the wall and CPU seconds of the block to ``timings[stage]`` (nothing when ``None``)."""
    if timings is None:
        yield
        return
    wall, cpu = time.perf_counter(), time.process_time()
    yield
    before = timings.get(stage, (0.0, 0.0))
    timings[stage] = (before[0] + time.perf_counter() - wall, before[1] + time.process_time() - cpu)


def score_chunk(
    fitted: FittedModels, as_of: date, first: int, last: int, timings: Timings | None = None
) -> pd.DataFrame:
    """One row per customer of the chunk who bought by ``as_of``, with every score column
    (``timings``: where the seconds went, for bench.refresh_chunk)."""
    with timed(timings, "extract"):
        extract = extract_shop(as_of, CustomerIds(first=first, last=last))
        tx = extract.transactions
    if tx.empty:
        return pd.DataFrame()
    with timed(timings, "segments"):
        features = customer_features(
            extract.orders,
            extract.lines,
            extract.tickets,
            extract.reviews,
            as_of=as_of,
            categories=fitted.share_categories,
        )
        segments = fitted.rfm.assign(features)[["rfm_code", "segment"]].join(fitted.clusters.assign(features))
    with timed(timings, "propensity_features"):
        purchases = propensity_features(tx, extract.texts, as_of)  # churn's and propensity's
    with timed(timings, "churn"):
        churn = score_propensity(fitted.churn, purchases)
    with timed(timings, "propensity"):
        buy = score_propensity(fitted.propensity, purchases)
    scored = {ModelKind.CHURN.value: churn, ModelKind.PROPENSITY.value: buy}
    with timed(timings, "category"):
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
    with timed(timings, "clv"):
        clv_model = fitted.clv_model()
        clv = (
            _score_clv(clv_model, tx, as_of)
            if clv_model is not None
            else pd.DataFrame(columns=CLV_COLUMNS, dtype=float)
        )
    with timed(timings, "table"):
        return score_table(segments, clv, scored, by_category)
