"""Load a synthetic shop (smartcrm.synth) into the database, in bulk and chunk by chunk.

Ids are assigned here: each table's current ``max(id)`` is the offset for the generator's
local ids, so foreign keys are written without a round trip. That assumes nothing else
inserts into these tables while a load runs (the generate command is an offline operation).
PII is encrypted exactly as ``EncryptedTextField`` would (same keyring, same associated
data), lookup hashes are computed from the normalised values, and customers' denormalised
totals are computed from the chunk's orders with the same rule as
``orders.services.refresh_customer_totals`` (tests hold the two equal).

Each chunk is one transaction; the next chunk is generated in a background thread while the
current one is written, so generation overlaps the database's work.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any, TextIO

import numpy as np
import pandas as pd
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.models import Max
from django.utils import timezone
from tqdm import tqdm

from smartcrm.activities.models import Activity, ActivityKind
from smartcrm.catalog.models import Category, Product
from smartcrm.core import audit
from smartcrm.core.audit import AuditAction
from smartcrm.core.db import deferred_indexes
from smartcrm.core.pii import hash_for_lookup, keyring, normalise_email
from smartcrm.customers.models import (
    Consent,
    ConsentEvent,
    ConsentSource,
    Customer,
    CustomerKind,
    search_text_of,
)
from smartcrm.feedback.models import Review, SurveyResponse
from smartcrm.orders.models import Order, OrderLine, Refund
from smartcrm.orders.rules import customer_totals_frame
from smartcrm.pipeline.models import Deal, Lead, Stage
from smartcrm.pipeline.services import ensure_default_stages
from smartcrm.support.models import PRIORITY_RANK, Priority, Ticket, TicketMessage
from smartcrm.synth.generator import ShopChunk, ShopGenerator
from smartcrm.synth.spec import ShopSpec

from .bulk import write_frame

LOADED_MODELS: tuple[type[models.Model], ...] = (
    Category,
    Product,
    Customer,
    Consent,
    ConsentEvent,
    Order,
    OrderLine,
    Refund,
    Ticket,
    TicketMessage,
    Review,
    SurveyResponse,
    Lead,
    Deal,
    Activity,
)


@dataclass
class LoadStats:
    spec: ShopSpec
    rows: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    @property
    def order_lines_per_second(self) -> float:
        return self.rows.get("order_lines", 0) / self.seconds if self.seconds else 0.0

    @property
    def rows_per_second(self) -> float:
        return self.total_rows / self.seconds if self.seconds else 0.0


def _label(model: type[models.Model], name: str) -> str:
    return f"{model._meta.label_lower}.{name}"


def _encrypt(values: list[str], context: str) -> list[str]:
    return keyring().encrypt_many(values, context)


def _hashes(values: list[str]) -> list[str]:
    return [hash_for_lookup(v) if v else "" for v in values]


def _max_id(model: type[models.Model]) -> int:
    return int(model._default_manager.aggregate(m=Max("id"))["m"] or 0)


def _prefetch(chunks: Iterator[ShopChunk]) -> Iterator[ShopChunk]:
    """Generate the next chunk in a thread while the caller writes the current one."""
    box: queue.Queue[ShopChunk | BaseException | None] = queue.Queue(maxsize=1)

    def produce() -> None:
        try:
            for chunk in chunks:
                box.put(chunk)
        except BaseException as exc:  # handed to the consumer, which re-raises it
            box.put(exc)
        else:
            box.put(None)

    worker = threading.Thread(target=produce, name="synth-generator", daemon=True)
    worker.start()
    while True:
        item = box.get()
        if item is None:
            break
        if isinstance(item, BaseException):
            raise item
        yield item
    worker.join()


class ShopLoader:
    """Writes a :class:`ShopGenerator`'s output; ``run()`` returns row counts and timing."""

    def __init__(
        self,
        spec: ShopSpec,
        *,
        progress: bool = True,
        progress_file: TextIO | None = None,
        on_chunk: Callable[[ShopChunk], None] | None = None,
    ) -> None:
        self.spec = spec
        self.progress = progress
        self.progress_file = progress_file
        self.on_chunk = on_chunk
        self.stats = LoadStats(spec=spec)

    def run(self) -> LoadStats:
        started = time.perf_counter()
        self.offsets = {m: _max_id(m) for m in LOADED_MODELS}
        generator = ShopGenerator(self.spec, order_number_offset=self.offsets[Order])
        self.now = timezone.now().replace(tzinfo=None)
        with transaction.atomic():
            self.product_ids = self._load_catalog(generator)
            self.stage_ids = self._stage_ids()
        self.product_names = generator.catalog.products["name"].to_numpy()
        bar = tqdm(
            total=self.spec.n_customers,
            unit="customers",
            disable=not self.progress,
            file=self.progress_file,
            dynamic_ncols=True,
        )
        fresh = self.offsets[Customer] == 0 and self.offsets[Order] == 0
        big_tables = [Customer, Consent, Order, OrderLine, Refund, Ticket, TicketMessage, Review, Activity]
        with bar, deferred_indexes(big_tables if fresh else []):
            for chunk in _prefetch(generator.chunks()):
                with transaction.atomic():
                    self._load_chunk(chunk)
                if self.on_chunk is not None:
                    self.on_chunk(chunk)
                bar.update(len(chunk.customers))
                bar.set_postfix(order_lines=f"{self.stats.rows.get('order_lines', 0):,}", refresh=False)
        self._after_load()
        self.stats.seconds = time.perf_counter() - started
        return self.stats

    def _count(self, name: str, n: int) -> None:
        self.stats.rows[name] = self.stats.rows.get(name, 0) + n

    # -- catalog and pipeline stages --------------------------------------------------------

    def _load_catalog(self, generator: ShopGenerator) -> np.ndarray[Any, np.dtype[np.int64]]:
        """Insert the categories and products that do not exist yet (by slug and SKU).

        Returns the database id of each local product id (index 0 unused), so an appended
        shop reuses the catalogue already there.
        """
        cats = generator.catalog.categories.copy()
        existing = dict(Category.objects.filter(slug__in=cats["slug"].tolist()).values_list("slug", "id"))
        new = cats[~cats["slug"].isin(list(existing))].copy()
        new["id"] = self.offsets[Category] + np.arange(1, len(new) + 1)
        new["parent_id"] = pd.NA
        self._count("categories", write_frame(Category, new))
        existing.update(zip(new["slug"], new["id"].tolist(), strict=True))
        cat_ids = np.zeros(len(cats) + 1, dtype=np.int64)
        cat_ids[cats["id"].to_numpy()] = [existing[s] for s in cats["slug"]]

        products = generator.catalog.products.copy()
        known = dict(Product.objects.filter(sku__in=products["sku"].tolist()).values_list("sku", "id"))
        new_p = products[~products["sku"].isin(list(known))].copy()
        new_p["category_id"] = cat_ids[new_p["category_id"].to_numpy()]
        new_p["id"] = self.offsets[Product] + np.arange(1, len(new_p) + 1)
        new_p["updated_at"] = self.now
        self._count("products", write_frame(Product, new_p))
        known.update(zip(new_p["sku"], new_p["id"].tolist(), strict=True))
        ids = np.zeros(len(products) + 1, dtype=np.int64)
        ids[products["id"].to_numpy()] = [known[s] for s in products["sku"]]
        return ids

    def _stage_ids(self) -> dict[str, int]:
        stages: list[Stage] = ensure_default_stages()
        open_ = [s.pk for s in stages if not (s.is_won or s.is_lost)] or [stages[0].pk]
        won = next((s.pk for s in stages if s.is_won), open_[-1])
        lost = next((s.pk for s in stages if s.is_lost), open_[-1])
        return {
            "qualified": open_[0],
            "proposal": open_[min(1, len(open_) - 1)],
            "negotiation": open_[min(2, len(open_) - 1)],
            "won": won,
            "lost": lost,
        }

    # -- one chunk --------------------------------------------------------------------------

    def _load_chunk(self, chunk: ShopChunk) -> None:
        off = self.offsets
        cust_off = off[Customer]
        orders = chunk.orders.copy()
        orders["id"] += off[Order]
        orders["customer_id"] += cust_off
        orders["external_id"] = None
        orders["created_at"] = orders["placed_at"]
        orders["updated_at"] = self.now

        self._count("customers", write_frame(Customer, self._customers(chunk, orders)))

        consents = chunk.consents.copy()
        consents["id"] += off[Consent]
        consents["customer_id"] += cust_off
        self._count("consents", write_frame(Consent, consents))
        # Each consent's history starts with the decision itself: a signup form, at signup.
        history = consents.rename(columns={"updated_at": "at"})
        history["id"] += off[ConsentEvent] - off[Consent]
        history["via"] = ConsentSource.FORM.value
        history["recorded_by"] = "generator"
        self._count("consent_history", write_frame(ConsentEvent, history))

        self._count("orders", write_frame(Order, orders))

        lines = chunk.order_lines.copy()
        lines["id"] += off[OrderLine]
        lines["order_id"] += off[Order]
        lines["product_id"] = self.product_ids[lines["product_id"].to_numpy()]
        self._count("order_lines", write_frame(OrderLine, lines))

        refunds = chunk.refunds.copy()
        refunds["id"] += off[Refund]
        refunds["order_id"] += off[Order]
        refunds["line_id"] += off[OrderLine]
        self._count("refunds", write_frame(Refund, refunds))

        tickets = chunk.tickets.copy()
        tickets["id"] += off[Ticket]
        tickets["customer_id"] += cust_off
        tickets["order_id"] += off[Order]
        tickets["priority_rank"] = tickets["priority"].map(lambda p: PRIORITY_RANK[Priority(p)])
        tickets["assignee_id"] = None
        tickets["updated_at"] = tickets["last_message_at"]
        solved = tickets["status"].isin(["solved", "closed"])
        tickets["solved_at"] = tickets["last_message_at"].where(solved)  # the closing reply
        self._count("tickets", write_frame(Ticket, tickets))

        messages = chunk.ticket_messages.copy()
        messages["id"] += off[TicketMessage]
        messages["ticket_id"] += off[Ticket]
        messages["author_id"] = None
        self._count("ticket_messages", write_frame(TicketMessage, messages))

        reviews = chunk.reviews.copy()
        reviews["id"] += off[Review]
        reviews["customer_id"] += cust_off
        reviews["order_id"] += off[Order]
        reviews["product_id"] = self.product_ids[reviews["product_id"].to_numpy()]
        self._count("reviews", write_frame(Review, reviews))

        surveys = chunk.surveys.copy()
        surveys["id"] += off[SurveyResponse]
        surveys["customer_id"] += cust_off
        self._count("surveys", write_frame(SurveyResponse, surveys))

        leads = chunk.leads.copy()
        leads["id"] += off[Lead]
        leads["customer_id"] = leads["customer_id"] + cust_off
        leads["email_hash"] = _hashes([normalise_email(e) for e in leads["email"]])
        leads["email"] = _encrypt(leads["email"].tolist(), _label(Lead, "email"))
        leads["owner_id"] = None
        self._count("leads", write_frame(Lead, leads))

        deals = chunk.deals.copy()
        deals["id"] += off[Deal]
        deals["customer_id"] = deals["customer_id"] + cust_off
        deals["lead_id"] = deals["lead_id"] + off[Lead]
        deals["stage_id"] = deals["stage"].map(self.stage_ids)
        deals["owner_id"] = None
        deals["updated_at"] = deals["closed_at"].fillna(deals["created_at"])
        self._count("deals", write_frame(Deal, deals))

        activities = self._activities(deals)
        self._count("activities", write_frame(Activity, activities))
        self.offsets[Activity] += len(activities)

    def _customers(self, chunk: ShopChunk, orders: pd.DataFrame) -> pd.DataFrame:
        people = chunk.customers.copy()
        people["id"] += self.offsets[Customer]
        first, last, company = people["first_name"], people["last_name"], people["company_name"]
        person = (
            (first + " " + last).str.strip().where(~people["language"].str.startswith("zh"), last + first)
        )
        is_company = people["kind"] == CustomerKind.COMPANY
        # Customer.compose_name and compose_search_text, vectorised.
        people["name"] = np.where(
            is_company,
            np.where(company != "", company, person),
            np.where(person != "", person, company),
        )
        parts = [people["name"], company, people["city"]]
        people["search_text"] = [
            search_text_of(list(row)) for row in zip(*(s.tolist() for s in parts), strict=True)
        ]
        emails = people["email"].tolist()
        phones = people["phone"].tolist()
        people["email_hash"] = _hashes([normalise_email(e) for e in emails])
        people["phone_hash"] = _hashes(phones)  # already E.164, the normalised form
        people["email"] = _encrypt(emails, _label(Customer, "email"))
        people["phone"] = _encrypt(phones, _label(Customer, "phone"))
        people["street_address"] = _encrypt(
            people["street_address"].tolist(), _label(Customer, "street_address")
        )
        people["updated_at"] = self.now
        people["erased_at"] = None
        people["birthday"] = _birthdays(
            people["id"].to_numpy(), people["kind"] == CustomerKind.PERSON, self.now
        )
        people["renews_on"] = None  # the generated shop sells no subscriptions

        # Denormalised totals: the customer totals rule, over the frame.
        people = people.join(customer_totals_frame(orders), on="id")
        people["orders_count"] = people["orders_count"].fillna(0).astype(np.int64)
        people["total_spent"] = people["total_spent"].fillna(0.0).round(2)
        return people

    def _activities(self, deals: pd.DataFrame) -> pd.DataFrame:
        """Timeline entries for deals, in the services' words.

        Orders, refunds, tickets, reviews and survey answers need none: the timeline is merged
        from those records themselves (smartcrm.readmodels.timeline).
        """
        with_customer = deals[deals["customer_id"].notna()]
        if with_customer.empty:
            return pd.DataFrame()
        out = pd.DataFrame(
            {
                "customer_id": with_customer["customer_id"].astype(np.int64),
                "kind": ActivityKind.DEAL.value,
                "summary": ("Deal “" + with_customer["title"].astype(str) + "” created").str.slice(0, 300),
                "occurred_at": with_customer["created_at"],
                "object_type": Deal._meta.label_lower,
                "object_id": with_customer["id"].astype(str),
                "actor_id": None,
            }
        ).reset_index(drop=True)
        out["id"] = self.offsets[Activity] + np.arange(1, len(out) + 1)
        return out

    def _after_load(self) -> None:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), list(LOADED_MODELS)):
                    cursor.execute(sql)
                for model in LOADED_MODELS:
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
        audit.record(
            "generator",
            AuditAction.GENERATE,
            object_type="shop",
            changes={
                "seed": self.spec.seed,
                "customers": self.spec.n_customers,
                "end": self.spec.end.isoformat(),
                "products": self.spec.n_products,
                "rows": dict(self.stats.rows),
            },
        )


BIRTHDAY_SHARE = 0.6  # of people: how many told the shop their birthday


def _birthdays(ids: np.ndarray, is_person: pd.Series, now: datetime) -> list[date | None]:
    """Birthdays for some people (ages 18 to 75), drawn from their ids: the synthetic shop's own
    random streams are untouched, so every generated figure stays as it was."""
    rng = np.random.default_rng(int(ids[0]) if len(ids) else 0)
    known = (rng.random(len(ids)) < BIRTHDAY_SHARE) & is_person.to_numpy()
    ages_in_days = rng.uniform(18 * 365.25, 75 * 365.25, len(ids)).astype(int)
    today = now.date()
    return [today - timedelta(days=int(d)) if k else None for d, k in zip(ages_in_days, known, strict=True)]
