"""The fan-out refresh's models: fitted once on a bounded sample, then used by every chunk.

The sample is the customers whose hashed id falls in a slice of 10,007 buckets sized for
SAMPLE_CUSTOMERS (``extract.CustomerIds``): the database picks them, so the extract, the fit and
their memory stop growing with the shop. Segments (RFM cut points, behaviour clusters), CLV,
churn, 30-day and category propensity are fitted on it exactly as ``smartcrm train`` fits them
(each model's own sub-sample still applies: 20,000 customers for CLV, 50,000 for the propensity
models, 10,000 for category propensity), and the versions are registered staged. Everything a
chunk needs to score its customers the same way whatever the chunk (the share-of-spend
categories and the recent category trend of the sample, the fitted models) travels as one
:class:`FittedModels`, pickled on the run (``RefreshRun.fitted``).
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Collection
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from typing import Any

import pandas as pd
from django.db import connection

from smartcrm.core.actors import Actor
from smartcrm.engine import pickled
from smartcrm.engine.clv.lifetime_value import LifetimeValueModel
from smartcrm.engine.features import biggest_categories, customer_features
from smartcrm.engine.propensity.category import category_trend
from smartcrm.engine.propensity.model import PropensityModel
from smartcrm.engine.segments.clustering import BehaviourClusters
from smartcrm.engine.segments.rfm import RFMSegmenter
from smartcrm.intelligence.extract import CustomerIds, ShopExtract, end_of, extract_shop
from smartcrm.intelligence.training import (
    PROPENSITY_TARGETS,
    NotEnoughHistoryError,
    RefreshResult,
    _Recorder,
    _train_clv,
    category_propensity_fit,
    propensity_fit,
    record_category_propensity,
    record_propensity,
)
from smartcrm.modelregistry import registry
from smartcrm.modelregistry.models import ModelKind
from smartcrm.orders.rules import REVENUE_STATUSES

SAMPLE_CUSTOMERS = 50_000  # customers the models learn from, whatever the size of the shop
BUCKETS = 10_007
SHARE_CATEGORIES = 12  # categories with a share-of-spend feature (engine.features' default)
FORMAT_VERSION = 1


def fit_threads() -> int:
    """Threads that fit the classifiers: the cores this process may use (``SMARTCRM_FIT_THREADS``
    overrides), at most the three classifiers."""
    configured = os.environ.get("SMARTCRM_FIT_THREADS", "")
    cores = int(configured) if configured.isdigit() else len(os.sched_getaffinity(0))
    return max(1, min(3, cores))


@dataclass
class FittedModels:
    """What every chunk of one refresh scores with."""

    share_categories: list[object]
    rfm: RFMSegmenter
    clusters: BehaviourClusters
    clv: dict[str, Any] | None  # LifetimeValueModel.to_dict(); None when the run skips CLV
    churn: PropensityModel
    propensity: PropensityModel
    category: PropensityModel | None
    categories: list[str]
    category_trend: pd.Series | None
    versions: dict[str, int]

    def to_bytes(self) -> bytes:
        return pickled.dump(self, model_type="smartcrm.refresh.fitted", format_version=FORMAT_VERSION)

    @classmethod
    def from_bytes(cls, data: bytes) -> FittedModels:
        return pickled.load(data, cls, model_type="smartcrm.refresh.fitted", format_version=FORMAT_VERSION)

    def clv_model(self) -> LifetimeValueModel | None:
        return None if self.clv is None else LifetimeValueModel.from_dict(self.clv)


def sample_ids(as_of: date) -> CustomerIds:
    """The training sample: about SAMPLE_CUSTOMERS of the customers who bought by ``as_of``."""
    statuses = [str(s) for s in REVENUE_STATUSES]
    marks = ", ".join(["%s"] * len(statuses))  # placeholders only
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(DISTINCT customer_id) FROM orders_order "  # noqa: S608
            f"WHERE placed_at < %s AND status IN ({marks})",
            [end_of(as_of), *statuses],
        )
        buyers = int(cursor.fetchone()[0])
    keep = BUCKETS if buyers <= SAMPLE_CUSTOMERS else math.ceil(BUCKETS * SAMPLE_CUSTOMERS / buyers)
    return CustomerIds(keep_per_10007=keep)


def fit_on_sample(
    as_of: date, actor: Actor, result: RefreshResult, skip: Collection[str] = ()
) -> tuple[FittedModels, int, list[int]]:
    """Fit every model on the sample (but those in ``skip``: ``refresh.SKIPPABLE``) and stage
    its versions: the models, the sample's size and the staged version ids."""
    extract = extract_shop(as_of, sample_ids(as_of))
    if extract.orders.empty:
        raise NotEnoughHistoryError("there are no orders to learn from")
    data_hash = registry.data_hash(extract.orders[["customer_id", "placed_at", "total"]])
    record = _Recorder(as_of=as_of, data_hash=data_hash, actor=actor, result=result)
    # The three classifiers are most of the fit and independent of each other: they are fitted
    # side by side in threads (LightGBM and the linear solver release the GIL), while this thread
    # fits the segments and CLV. Registration stays here, in one order, on this thread's connection.
    with ThreadPoolExecutor(max_workers=fit_threads(), thread_name_prefix="refresh-fit") as pool:
        propensities = [pool.submit(propensity_fit, target, extract, as_of) for target in PROPENSITY_TARGETS]
        categories_fit = (
            None
            if ModelKind.CATEGORY_PROPENSITY.value in skip
            else pool.submit(category_propensity_fit, extract, as_of)
        )
        rfm, clusters, shares = _fit_segments(extract, as_of, result)
        clv = None if ModelKind.CLV.value in skip else _fit_clv(extract, as_of, record)
        churn, buy = (
            record_propensity(target.kind, fitted.result(), record)
            for target, fitted in zip(PROPENSITY_TARGETS, propensities, strict=True)
        )
        by_category = (
            record_category_propensity(categories_fit.result(), record, result) if categories_fit else None
        )
    category, categories = by_category if by_category else (None, [])
    fitted = FittedModels(
        share_categories=shares,
        rfm=rfm,
        clusters=clusters,
        clv=clv,
        churn=churn,
        propensity=buy,
        category=category,
        categories=categories,
        category_trend=category_trend(extract.category_transactions, pd.Timestamp(as_of), categories)
        if categories
        else None,
        versions=dict(result.versions),
    )
    return fitted, int(extract.orders["customer_id"].nunique()), list(record.staged)


def _fit_clv(extract: ShopExtract, as_of: date, record: _Recorder) -> dict[str, Any]:
    clv, metrics = _train_clv(extract.transactions, as_of)
    record(
        ModelKind.CLV,
        json.dumps(clv.to_dict()).encode(),
        f"LifetimeValueModel/{LifetimeValueModel.VERSION}",
        metrics,
        {"columns": ["frequency", "recency", "T", "monetary_value"]},
    )
    return clv.to_dict()


def _fit_segments(
    extract: ShopExtract, as_of: date, result: RefreshResult
) -> tuple[RFMSegmenter, BehaviourClusters, list[object]]:
    shares = biggest_categories(extract.orders, extract.lines, SHARE_CATEGORIES)
    features = customer_features(
        extract.orders, extract.lines, extract.tickets, extract.reviews, as_of=as_of, categories=shares
    )
    if len(features) < 20:
        raise NotEnoughHistoryError("segments need at least 20 customers with orders")
    rfm = RFMSegmenter().fit(features)
    clusters = BehaviourClusters().fit(features)
    result.metrics["segments"] = {
        "customers": len(features),
        "k": clusters.k_,
        "clusters": dict(enumerate(clusters.labels_)),
    }
    return rfm, clusters, shares
