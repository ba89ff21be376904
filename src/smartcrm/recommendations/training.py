"""Train recommendations and basket rules from the shop's orders and store them (bulk, atomic).

Each run registers a version of the ``recommendations`` and ``basket_rules`` kinds in the model
registry (the artifact is the run's settings and figures; the recommendations themselves are
the stored rows, tagged with that version) and rewrites the stored rows in one transaction, so
readers see either the old set or the new one. Running it twice on the same data gives the same
rows: the task is idempotent.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pandas as pd
from django.db import transaction
from django.utils import timezone

from smartcrm.core.actors import Actor
from smartcrm.engine.basket import mine_rules
from smartcrm.engine.basket.rules import category_lines
from smartcrm.engine.recs.shop import recommend_for_shop
from smartcrm.modelregistry import registry
from smartcrm.modelregistry.models import ModelKind, ModelVersion
from smartcrm.recommendations import extract
from smartcrm.recommendations.models import (
    BasketRule,
    CustomerRecommendation,
    PairKind,
    ProductPair,
    RuleLevel,
)

STAGES = ["extract", "recommendations", "store recommendations", "rules", "store rules"]
BATCH = 5_000
TOP_N = 10


class NoOrdersError(ValueError):
    """There are no orders to learn from."""


@dataclass
class TrainingResult:
    as_of: date
    customers: int = 0
    recommendations: int = 0
    pairs: int = 0
    rules: int = 0
    versions: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def train(
    *,
    as_of: date | None = None,
    actor: Actor,
    progress: Callable[[str], None] = lambda stage: None,
    min_support: float = 0.002,
    min_confidence: float = 0.05,
) -> TrainingResult:
    """Learn from every revenue order up to ``as_of`` (default yesterday) and store the results."""
    as_of = as_of or timezone.localdate() - timedelta(days=1)
    result = TrainingResult(as_of=as_of)
    clock = time.perf_counter()

    def stage(name: str) -> None:
        nonlocal clock
        progress(name)
        clock = time.perf_counter()

    def done(name: str) -> None:
        nonlocal clock
        result.seconds[name] = round(time.perf_counter() - clock, 2)

    stage("extract")
    lines = extract.order_lines(as_of)
    catalogue = extract.products()
    if lines.empty:
        raise NoOrdersError("there are no orders to learn from")
    data_hash = registry.data_hash(lines[["customer_id", "order_id", "product_id"]])
    done("extract")

    stage("recommendations")
    shop = recommend_for_shop(lines, catalogue, as_of=pd.Timestamp(as_of) + pd.Timedelta(days=1), k=TOP_N)
    recs_version = _register(
        ModelKind.RECOMMENDATIONS, shop.summary, as_of=as_of, data_hash=data_hash, actor=actor
    )
    result.versions[ModelKind.RECOMMENDATIONS.value] = recs_version.version
    done("recommendations")

    stage("store recommendations")
    result.customers, result.recommendations, result.pairs = _store_recommendations(shop, recs_version)
    done("store recommendations")

    stage("rules")
    baskets = lines.rename(columns={"order_id": "basket_id", "product_id": "item_id"})
    by_product = mine_rules(baskets, min_support=min_support, min_confidence=min_confidence)
    categories = catalogue.set_index("product_id")["category"].dropna()
    by_category = mine_rules(
        category_lines(baskets, categories), min_support=min_support, min_confidence=min_confidence
    )
    rules_version = _register(
        ModelKind.BASKET_RULES,
        rules_summary(by_product, by_category, baskets, min_support, min_confidence),
        as_of=as_of,
        data_hash=data_hash,
        actor=actor,
    )
    result.versions[ModelKind.BASKET_RULES.value] = rules_version.version
    done("rules")

    stage("store rules")
    names = catalogue.set_index("product_id")["name"]
    result.rules = store_rules(by_product, by_category, names, rules_version)
    done("store rules")
    return result


def _register(
    kind: ModelKind,
    summary: dict[str, Any],
    *,
    as_of: date,
    data_hash: str,
    actor: Actor,
    activate: bool = True,
) -> ModelVersion:
    metrics = {k: v for k, v in summary.items() if isinstance(v, int | float)}
    return registry.register(
        registry.TrainingRecord(
            kind=kind,
            artifact=json.dumps(summary, default=str, sort_keys=True).encode(),
            engine="smartcrm.engine.recs" if kind == ModelKind.RECOMMENDATIONS else "mlxtend.fpgrowth",
            trained_as_of=as_of,
            data_hash=data_hash,
            metrics=metrics,
            feature_schema={"input": ["customer_id", "order_id", "product_id", "placed_at"]},
        ),
        actor=actor,
        activate=activate,
    )


def rules_summary(
    by_product: pd.DataFrame,
    by_category: pd.DataFrame,
    baskets: pd.DataFrame,
    min_support: float,
    min_confidence: float,
) -> dict[str, Any]:
    return {
        "product_rules": len(by_product),
        "category_rules": len(by_category),
        "min_support": min_support,
        "min_confidence": min_confidence,
        "baskets": int(baskets["basket_id"].nunique()),
    }


def _batched(rows: Iterable[Any]) -> Iterator[list[Any]]:
    batch: list[Any] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


@transaction.atomic
def _store_recommendations(shop: Any, version: ModelVersion) -> tuple[int, int, int]:
    now = timezone.now()
    CustomerRecommendation.objects.all().delete()
    recs = shop.customers
    stored = 0
    for batch in _batched(recs.itertuples(index=False)):
        CustomerRecommendation.objects.bulk_create(
            CustomerRecommendation(
                customer_id=int(row.customer_id),
                product_id=int(row.product_id),
                rank=int(row.rank),
                score=float(row.score),
                reason_code=str(row.reason_code),
                reason_params=dict(row.reason_params),
                source=str(row.source),
                model_version=version,
                created_at=now,
            )
            for row in batch
        )
        stored += len(batch)
    pairs = store_pairs(shop.similar, shop.together, version)
    return int(recs["customer_id"].nunique()), stored, pairs


def store_pairs(similar: pd.DataFrame, together: pd.DataFrame, version: ModelVersion) -> int:
    """Replace every product pair (call inside the caller's transaction); how many."""
    ProductPair.objects.all().delete()
    pairs = 0
    for kind, frame, score, count in (
        (PairKind.SIMILAR, similar, "score", "common"),
        (PairKind.TOGETHER, together, "lift", "baskets"),
    ):
        frame = frame.assign(rank=frame.groupby("item_id").cumcount() + 1)  # re-rank after filtering
        for batch in _batched(frame.itertuples(index=False)):
            ProductPair.objects.bulk_create(
                ProductPair(
                    product_id=int(row.item_id),
                    other_id=int(row.other_item_id),
                    kind=kind,
                    rank=int(row.rank),
                    score=float(getattr(row, score)),
                    baskets=int(getattr(row, count)),
                    confidence=float(row.confidence) if kind == PairKind.TOGETHER else None,
                    model_version=version,
                )
                for row in batch
            )
            pairs += len(batch)
    return pairs


@transaction.atomic
def store_rules(
    by_product: pd.DataFrame, by_category: pd.DataFrame, names: pd.Series, version: ModelVersion
) -> int:
    BasketRule.objects.all().delete()

    def label(ids: tuple[str, ...], level: str) -> str:
        if level == RuleLevel.CATEGORY:
            return ", ".join(ids)[:500]
        return ", ".join(str(names.get(int(i), i)) for i in ids)[:500]

    def as_ids(ids: tuple[str, ...], level: str) -> list[Any]:
        return list(ids) if level == RuleLevel.CATEGORY else [int(i) for i in ids]

    stored = 0
    for level, frame in ((RuleLevel.PRODUCT, by_product), (RuleLevel.CATEGORY, by_category)):
        for batch in _batched(frame.itertuples(index=False)):
            BasketRule.objects.bulk_create(
                BasketRule(
                    level=level,
                    antecedent=as_ids(row.antecedents, level),
                    consequent=as_ids(row.consequents, level),
                    antecedent_label=label(row.antecedents, level),
                    consequent_label=label(row.consequents, level),
                    support=float(row.support),
                    confidence=float(row.confidence),
                    lift=float(row.lift),
                    conviction=None if pd.isna(row.conviction) else float(row.conviction),
                    baskets=int(row.baskets),
                    model_version=version,
                )
                for row in batch
            )
            stored += len(batch)
    return stored
