"""Recommendations as a fan-out run (kind ``recommendations``; intelligence/refresh.py describes
the run): fitted once, every customer ranked in chunks, switched in at once.

- **fit** (one worker): the training sample's order lines (the same customers the score models
  learn from, ``refresh_fit.sample_ids``; every buyer on a shop under SAMPLE_CUSTOMERS) fit the
  collaborative model, the repurchase model, popular items, product pairs and basket rules
  (``engine.recs.shop.fit_shop``). What the chunks need — item weights and item factors, no
  user's state — is pickled on the run; its size follows the catalogue, not the customers. The
  ``recommendations`` and ``basket_rules`` versions are registered staged.
- **chunk** (any worker): the order lines of customers ``first_id``…``last_id`` rank each of
  them (``recommend_customers``: ALS user factors folded in from the customer's own history), so
  a chunk's memory is its customers' lines plus the shared model. Its rows replace whatever an
  earlier attempt staged for the same ids in StagedRecommendation, in the transaction that marks
  the chunk done: a chunk killed or run twice leaves nothing twice and nothing partial.
- **switch** (the last chunk's worker): in one transaction the versions are activated, every
  CustomerRecommendation replaced by the generation, and the pairs and rules by the run's.
  Until it commits readers see the previous recommendations, whole.

On a shop smaller than the sample the stored rows are exactly those of the single-process
``training.train`` (tests/recommendations/test_fanout.py compares them).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from django.db import connection
from django.db.models import Count, Max, Min
from django.utils import timezone
from psycopg.types.json import Jsonb

from smartcrm.engine import pickled
from smartcrm.engine.basket import mine_rules
from smartcrm.engine.basket.rules import category_lines
from smartcrm.engine.recs.shop import FittedShop, fit_shop, recommend_customers
from smartcrm.intelligence.extract import CustomerIds
from smartcrm.intelligence.models import RefreshChunk, RefreshRun
from smartcrm.intelligence.refresh_fit import sample_ids
from smartcrm.intelligence.refresh_kinds import Fitted, plan_id_ranges
from smartcrm.modelregistry import registry
from smartcrm.modelregistry.models import ModelKind, ModelVersion
from smartcrm.recommendations import extract
from smartcrm.recommendations.models import CustomerRecommendation, StagedRecommendation
from smartcrm.recommendations.training import (
    TOP_N,
    NoOrdersError,
    _register,
    rules_summary,
    store_pairs,
    store_rules,
)

FORMAT_VERSION = 1
MIN_SUPPORT, MIN_CONFIDENCE = 0.002, 0.05  # training.train's defaults
BATCH = 5_000
STAGED_COLUMNS = ["customer_id", "product_id", "rank", "score", "reason_code", "reason_params", "source"]


@dataclass
class FittedRecommendations:
    """What every chunk ranks with, and what the switch stores beside the customers' rows."""

    shop: FittedShop
    product_rules: pd.DataFrame
    category_rules: pd.DataFrame
    version_ids: dict[str, int]  # kind → ModelVersion pk

    def to_bytes(self) -> bytes:
        return pickled.dump(self, model_type="smartcrm.recommendations.fitted", format_version=FORMAT_VERSION)

    @classmethod
    def from_bytes(cls, data: bytes) -> FittedRecommendations:
        return pickled.load(
            data, cls, model_type="smartcrm.recommendations.fitted", format_version=FORMAT_VERSION
        )


def _as_of(run: RefreshRun) -> pd.Timestamp:
    return pd.Timestamp(run.as_of) + pd.Timedelta(days=1)  # every line of the day counts (training.train)


class RecommendationsWork:
    def fit(self, run: RefreshRun) -> Fitted:
        lines = extract.order_lines(run.as_of, sample_ids(run.as_of))
        if lines.empty:
            raise NoOrdersError("there are no orders to learn from")
        catalogue = extract.products()
        data_hash = registry.data_hash(lines[["customer_id", "order_id", "product_id"]])
        shop = fit_shop(lines, catalogue, as_of=_as_of(run), k=TOP_N)
        sample = int(lines["customer_id"].nunique())
        summary = {
            "sample_customers": sample,
            "repurchasable_items": len(shop.repurchasable),
            "collaborative": shop.collaborative_summary,
        }

        def stage(kind: ModelKind, figures: dict[str, Any]) -> ModelVersion:
            return _register(
                kind, figures, as_of=run.as_of, data_hash=data_hash, actor=run.actor_label, activate=False
            )

        recs = stage(ModelKind.RECOMMENDATIONS, summary)
        baskets = lines.rename(columns={"order_id": "basket_id", "product_id": "item_id"})
        by_product = mine_rules(baskets, min_support=MIN_SUPPORT, min_confidence=MIN_CONFIDENCE)
        categories = catalogue.set_index("product_id")["category"].dropna()
        by_category = mine_rules(
            category_lines(baskets, categories), min_support=MIN_SUPPORT, min_confidence=MIN_CONFIDENCE
        )
        rules_figures = rules_summary(by_product, by_category, baskets, MIN_SUPPORT, MIN_CONFIDENCE)
        rules = stage(ModelKind.BASKET_RULES, rules_figures)
        fitted = FittedRecommendations(
            shop=shop,
            product_rules=by_product,
            category_rules=by_category,
            version_ids={ModelKind.RECOMMENDATIONS.value: recs.pk, ModelKind.BASKET_RULES.value: rules.pk},
        )
        return Fitted(
            data=fitted.to_bytes(),
            sample=sample,
            staged_versions=[recs.pk, rules.pk],
            versions={
                ModelKind.RECOMMENDATIONS.value: recs.version,
                ModelKind.BASKET_RULES.value: rules.version,
            },
            metrics={"recommendations": recs.metrics, "basket_rules": rules.metrics},
        )

    def plan(self, run: RefreshRun) -> list[RefreshChunk]:
        from smartcrm.customers.models import Customer

        bounds = Customer.objects.aggregate(lo=Min("pk"), hi=Max("pk"))
        return plan_id_ranges(run, bounds["lo"], bounds["hi"])

    def load(self, data: bytes | None) -> FittedRecommendations:
        if data is None:
            raise ValueError("the recommendations run has no fitted models")
        return FittedRecommendations.from_bytes(data)

    def compute(self, run: RefreshRun, chunk: RefreshChunk, fitted: FittedRecommendations) -> pd.DataFrame:
        lines = extract.order_lines(run.as_of, CustomerIds(first=chunk.first_id, last=chunk.last_id))
        return recommend_customers(fitted.shop, lines)

    def write(self, run: RefreshRun, chunk: RefreshChunk, rows: pd.DataFrame) -> int:
        return stage_rows(run.pk, chunk.first_id, chunk.last_id, rows)

    def switch(self, run: RefreshRun) -> tuple[int, dict[str, Any]]:
        data = RefreshRun.objects.values_list("fitted", flat=True).get(pk=run.pk)
        fitted = self.load(None if data is None else bytes(data))
        registry.activate_together(list(run.staged_versions), actor=run.actor_label)
        versions = ModelVersion.objects.in_bulk(fitted.version_ids.values())
        recs_version = versions[fitted.version_ids[ModelKind.RECOMMENDATIONS.value]]
        rules_version = versions[fitted.version_ids[ModelKind.BASKET_RULES.value]]
        by_source = dict(
            StagedRecommendation.objects.filter(run_id=run.pk)
            .values_list("source")
            .annotate(n=Count("pk"))
            .values_list("source", "n")
        )
        customers = switch_in(run.pk, recs_version.pk)
        pairs = store_pairs(fitted.shop.similar, fitted.shop.together, recs_version)
        rules = store_rules(fitted.product_rules, fitted.category_rules, fitted.shop.names, rules_version)
        return customers, {"stored": {"by_source": by_source, "pairs": pairs, "rules": rules}}

    def after_switch(self, run: RefreshRun, count: int) -> None:
        return None

    def drop(self, run_id: int) -> None:
        StagedRecommendation.objects.filter(run_id=run_id).delete()


def stage_rows(run_id: int, first_id: int, last_id: int, frame: pd.DataFrame) -> int:
    """Replace the run's staged rows of customers ``first_id``…``last_id`` with ``frame``'s
    (in the caller's transaction); how many."""
    StagedRecommendation.objects.filter(
        run_id=run_id, customer_id__gte=first_id, customer_id__lte=last_id
    ).delete()
    rows = (
        (int(c), int(p), int(r), float(s), str(code), dict(params or {}), str(source))
        for c, p, r, s, code, params, source in frame[STAGED_COLUMNS].itertuples(index=False, name=None)
    )
    if connection.vendor != "postgresql":
        written = 0
        batch: list[StagedRecommendation] = []
        for row in rows:
            batch.append(StagedRecommendation(run_id=run_id, **dict(zip(STAGED_COLUMNS, row, strict=True))))
            if len(batch) == BATCH:
                written += len(StagedRecommendation.objects.bulk_create(batch))
                batch = []
        return written + len(StagedRecommendation.objects.bulk_create(batch))
    names = ", ".join(f'"{c}"' for c in ["run_id", *STAGED_COLUMNS])
    written = 0
    # The table and column names are the model's own, never input.
    with (
        connection.cursor() as cursor,
        cursor.cursor.copy(f'COPY "{StagedRecommendation._meta.db_table}" ({names}) FROM STDIN') as copy,
    ):
        for c, p, r, s, code, params, source in rows:
            copy.write_row((run_id, c, p, r, s, code, Jsonb(params), source))
            written += 1
    return written


def switch_in(run_id: int, version_id: int) -> int:
    """Replace every stored recommendation by the run's generation (call inside the switch's
    transaction) and drop it from staging; how many customers have recommendations now.
    Customers erased and products deleted since their chunk ran are left out."""
    stored, staged = CustomerRecommendation._meta.db_table, StagedRecommendation._meta.db_table
    columns = ", ".join(f'"{c}"' for c in STAGED_COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(f'DELETE FROM "{stored}"')  # noqa: S608 - the model's own table name
        # Identifiers come from the models' own metadata, never from input.
        cursor.execute(
            f'INSERT INTO "{stored}" ({columns}, "model_version_id", "created_at") '  # noqa: S608
            f'SELECT {columns}, %s, %s FROM "{staged}" AS s WHERE s.run_id = %s '
            "AND EXISTS (SELECT 1 FROM customers_customer c WHERE c.id = s.customer_id) "
            "AND EXISTS (SELECT 1 FROM catalog_product p WHERE p.id = s.product_id)",
            [version_id, connection.ops.adapt_datetimefield_value(timezone.now()), run_id],
        )
    StagedRecommendation.objects.filter(run_id=run_id).delete()
    return CustomerRecommendation.objects.values("customer_id").distinct().count()


WORK = RecommendationsWork()
