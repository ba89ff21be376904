"""One importer per kind of file: which columns it reads and how a row (or an order) is upserted.

The engine in ``services.py`` hands an importer batches of *units*: one row for customers and
products, all the lines of one order for orders. Each unit is written inside its own savepoint,
so it lands whole or not at all, and a bad unit never disturbs the rest of its batch.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import Any, ClassVar

from django.conf import settings
from django.db import DataError, IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from smartcrm.catalog.models import Category, Product
from smartcrm.core import audit
from smartcrm.core.actors import Actor
from smartcrm.core.audit import AuditAction
from smartcrm.core.errors import ServiceValidationError
from smartcrm.customers.contact import CONTACT_FIELDS
from smartcrm.customers.models import Channel, ConsentSource, ConsentStatus, Customer, ExternalId, Source
from smartcrm.customers.selectors import find_customer_by_external_id
from smartcrm.customers.services import create_customer, set_consent, set_tags, update_customer
from smartcrm.imports.errors import RowError
from smartcrm.imports.parsing import (
    CellError,
    check_length,
    parse_bool,
    parse_choice,
    parse_currency,
    parse_decimal,
    parse_int,
    parse_moment,
)
from smartcrm.imports.reader import Column, Row, Table
from smartcrm.orders.models import Order, OrderStatus, SalesChannel
from smartcrm.orders.services import LineInput, create_order

REQUIRED = "Required."
DATABASE_REFUSED = (
    "The database refused this row (it may clash with another change); nothing of it was saved."
)


class Outcome(Enum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    FAILED = "failed"


@dataclass
class UnitResult:
    outcome: Outcome
    rows: list[Row]
    errors: list[RowError] = field(default_factory=list)


class Rejected(Exception):
    """Raised inside a unit's savepoint: rolls the unit back and carries the reasons."""

    def __init__(self, errors: list[RowError]) -> None:
        super().__init__(f"{len(errors)} error(s)")
        self.errors = errors


def _row_errors(row: Row, errors: dict[str, str]) -> list[RowError]:
    return [
        RowError(row.number, "" if column == "__all__" else column, msg) for column, msg in errors.items()
    ]


def _cell(errors: dict[str, str], column: str, parse: Any, text: str, *args: Any, **kwargs: Any) -> Any:
    """Parse one non-blank cell, recording its error under its column; None when blank or bad."""
    if not text:
        return None
    try:
        return parse(text, *args, **kwargs)
    except CellError as exc:
        errors.setdefault(column, exc.message)  # what the reader found first (a NUL, say) stays
        return None


class Importer:
    kind: ClassVar[str]
    columns: ClassVar[tuple[Column, ...]]
    group_by: ClassVar[str] = ""

    def __init__(self, *, actor: Actor, system: str) -> None:
        self.actor = actor
        self.system = system
        self.created_ids: list[int] = []  # customers this run created (checked for duplicates after)

    def units(self, table: Table, *, start_after: int = 0) -> Iterator[list[Row]]:
        for row in table.rows(start_after=start_after):
            yield [row]

    def import_batch(self, units: list[list[Row]]) -> list[UnitResult]:
        """Write a batch (the caller holds its transaction); one savepoint per unit."""
        self.prefetch(units)
        results = []
        for unit in units:
            try:
                with transaction.atomic():
                    outcome = self.import_unit(unit)
            except Rejected as exc:
                self.forget(unit)
                results.append(UnitResult(Outcome.FAILED, unit, exc.errors))
            except (IntegrityError, DataError):
                self.forget(unit)
                results.append(
                    UnitResult(Outcome.FAILED, unit, [RowError(unit[0].number, "", DATABASE_REFUSED)])
                )
            else:
                results.append(UnitResult(outcome, unit))
        return results

    def prefetch(self, units: list[list[Row]]) -> None:
        """Load in a few queries what the batch's units will look up."""

    def forget(self, unit: list[Row]) -> None:
        """Drop anything cached about a unit whose savepoint was rolled back."""

    def import_unit(self, unit: list[Row]) -> Outcome:
        """Validate and write one unit, or raise Rejected."""
        raise NotImplementedError

    @staticmethod
    def base_errors(row: Row) -> dict[str, str]:
        """What the reader already found wrong with the row (extra cells, bad bytes, NULs)."""
        return dict(row.problems)


# --- customers ---------------------------------------------------------------------------------

CUSTOMER_TEXT_FIELDS = (
    "first_name",
    "last_name",
    "company_name",
    "kind",
    *CONTACT_FIELDS,
    "language",
    "source",
)
CONSENT_WORDS = {
    "yes": ConsentStatus.GRANTED,
    "y": ConsentStatus.GRANTED,
    "true": ConsentStatus.GRANTED,
    "1": ConsentStatus.GRANTED,
    "no": ConsentStatus.DENIED,
    "n": ConsentStatus.DENIED,
    "false": ConsentStatus.DENIED,
    "0": ConsentStatus.DENIED,
    **{status.value: status for status in ConsentStatus},
}


def _parse_consent(text: str) -> str:
    status = CONSENT_WORDS.get(text.lower())
    if status is None:
        raise CellError("Use granted, denied or withdrawn (also accepted: yes/no, true/false).")
    return str(status.value)


class CustomerImporter(Importer):
    """Upsert customers by their id in ``system``. A blank cell never erases a stored value."""

    kind = "customers"
    columns = (
        Column(
            "external_id",
            (
                "id",
                "customer_id",
                "customer_external_id",
                "customer_number",
                "客户编号",
                "客户id",
                "会员编号",
            ),
            required=True,
        ),
        Column("first_name", ("firstname", "first", "given_name", "名")),
        Column("last_name", ("lastname", "last", "surname", "family_name", "姓")),
        Column(
            "company_name", ("company", "organisation", "organization", "business_name", "公司", "公司名称")
        ),
        Column("kind", ("type", "customer_type", "客户类型")),
        Column("email", ("e_mail", "email_address", "mail", "邮箱", "电子邮件", "电子邮箱", "邮件")),
        Column(
            "phone",
            (
                "phone_number",
                "telephone",
                "tel",
                "mobile",
                "mobile_phone",
                "电话",
                "手机",
                "手机号",
                "联系电话",
            ),
        ),
        Column(
            "street_address",
            (
                "address",
                "street",
                "address1",
                "address_1",
                "address_line1",
                "address_line_1",
                "地址",
                "详细地址",
            ),
        ),
        Column("city", ("town", "城市")),
        Column("region", ("state", "province", "county", "state_province", "省份", "省")),
        Column(
            "postal_code",
            ("zip", "zip_code", "zipcode", "postcode", "post_code", "postal", "邮编", "邮政编码"),
        ),
        Column("country", ("country_code", "国家")),
        Column("language", ("lang", "locale", "preferred_language", "语言")),
        Column("source", ("acquisition_source", "来源")),
        Column(
            "created_at",
            ("created", "signup_date", "signed_up_at", "customer_since", "注册时间", "注册日期"),
            type="date",
        ),
        Column(
            "birthday", ("birth_date", "date_of_birth", "dob", "birthdate", "生日", "出生日期"), type="date"
        ),
        Column(
            "renews_on",
            ("renewal_date", "renews", "next_renewal", "renewal", "续费日期", "到期日"),
            type="date",
        ),
        Column("tags", ("labels", "标签")),
        Column("consent_email", ("email_consent", "accepts_marketing", "accepts_email_marketing")),
        *(Column(f"consent_{c}", (f"{c}_consent",)) for c in Channel.values if c != Channel.EMAIL),
    )

    def __init__(self, *, actor: Actor, system: str) -> None:
        super().__init__(actor=actor, system=system)
        self._known: dict[str, Customer | None] = {}

    def prefetch(self, units: list[list[Row]]) -> None:
        values = {row.get("external_id") for unit in units for row in unit} - {""}
        self._known = dict.fromkeys(values)
        refs = (
            ExternalId.objects.filter(system=self.system, value__in=values)
            .select_related("customer")
            .prefetch_related("customer__tags", "customer__consents")
        )
        for ref in refs:
            self._known[ref.value] = ref.customer

    def _lookup(self, external_id: str) -> Customer | None:
        # Each prefetched entry is used once: after a write (or a rollback) the database is the truth.
        if external_id in self._known:
            return self._known.pop(external_id)
        return find_customer_by_external_id(self.system, external_id)

    def import_unit(self, unit: list[Row]) -> Outcome:
        (row,) = unit
        errors = self.base_errors(row)
        external_id = row.get("external_id")
        if not external_id:
            errors["external_id"] = REQUIRED
        elif len(external_id) > 120:
            errors["external_id"] = "At most 120 characters."
        values = {name: row.get(name) for name in CUSTOMER_TEXT_FIELDS if row.get(name)}
        for name in ("kind", "source"):
            if name in values:
                values[name] = values[name].lower()
        _cell(errors, "language", check_length, values.get("language", ""), 10)
        created_at = _cell(errors, "created_at", parse_moment, row.get("created_at"))
        for name in ("birthday", "renews_on"):
            day = _cell(errors, name, parse_moment, row.get(name))
            if day is not None:
                values[name] = day.date()
        tags = {t.strip().lower()[:50] for t in row.get("tags").split(";") if t.strip()}
        consents = {}
        for channel in Channel.values:
            status = _cell(errors, f"consent_{channel}", _parse_consent, row.get(f"consent_{channel}"))
            if status:
                consents[channel] = status
        if "external_id" in errors or row.problems:
            raise Rejected(_row_errors(row, errors))

        customer = self._lookup(external_id)
        outcome = Outcome.UNCHANGED
        try:
            if customer is None:
                customer = create_customer(
                    actor=self.actor,
                    values={"source": Source.IMPORT.value, **values},
                    external_id=(self.system, external_id),
                    created_at=created_at,
                )
                outcome = Outcome.CREATED
                self.created_ids.append(customer.pk)
            elif update_customer(actor=self.actor, customer=customer, values=values):
                outcome = Outcome.UPDATED
        except ServiceValidationError as exc:
            errors.update(exc.errors)
        if errors:
            # Also the service's own checks ran, so the row reports every problem at once.
            raise Rejected(_row_errors(row, errors))
        assert customer is not None

        changed_more = False
        created = outcome is Outcome.CREATED  # a new customer has no tags or consents to read
        current_tags = set() if created else {t.name for t in customer.tags.all()}
        if not tags <= current_tags:
            set_tags(actor=self.actor, customer=customer, names=sorted(current_tags | tags))
            changed_more = True
        current_consents = {} if created else {c.channel: c.status for c in customer.consents.all()}
        for channel, status in consents.items():
            if current_consents.get(channel) != status:
                set_consent(
                    actor=self.actor,
                    customer=customer,
                    channel=channel,
                    status=status,
                    source="import",
                    via=ConsentSource.IMPORT,
                )
                changed_more = True
        if changed_more and outcome is Outcome.UNCHANGED:
            outcome = Outcome.UPDATED
        return outcome


# --- products ----------------------------------------------------------------------------------


def _audit_value(name: str, value: Any) -> Any:
    if name == "description":
        return "set"
    return value if isinstance(value, (bool, int)) else str(value)


class ProductImporter(Importer):
    """Upsert products by SKU; categories are found by slug or created. Blank cells keep values."""

    kind = "products"
    columns = (
        Column(
            "sku",
            ("product_sku", "item_sku", "variant_sku", "article_number", "商品编码", "货号"),
            required=True,
        ),
        Column("name", ("product_name", "title", "product_title", "商品名称", "名称", "品名")),
        Column("category", ("category_name", "product_category", "type", "product_type", "类别", "分类")),
        Column(
            "price",
            ("unit_price", "list_price", "variant_price", "价格", "单价", "售价"),
            required=True,
            type="money",
        ),
        Column("cost", ("unit_cost", "cost_price", "cost_per_item", "成本"), type="money"),
        Column("currency", ("currency_code", "币种", "货币")),
        Column(
            "stock",
            ("inventory", "quantity", "qty", "stock_quantity", "inventory_quantity", "库存"),
            type="number",
        ),
        Column("active", ("is_active", "enabled", "published", "上架")),
        Column("description", ("body", "body_html", "details", "描述", "商品描述")),
    )

    def __init__(self, *, actor: Actor, system: str) -> None:
        super().__init__(actor=actor, system=system)
        self._known: dict[str, Product | None] = {}
        self._categories: dict[str, Category] = {}

    def prefetch(self, units: list[list[Row]]) -> None:
        skus = {row.get("sku") for unit in units for row in unit} - {""}
        self._known = dict.fromkeys(skus)
        for product in Product.objects.select_related("category").filter(sku__in=skus):
            self._known[product.sku] = product
        slugs = {slugify(row.get("category"), allow_unicode=True) for unit in units for row in unit}
        self._categories = {c.slug: c for c in Category.objects.filter(slug__in=slugs - {""})}

    def _lookup(self, sku: str) -> Product | None:
        if sku in self._known:
            return self._known.pop(sku)
        return Product.objects.select_related("category").filter(sku=sku).first()

    def _category(self, name: str) -> Category:
        slug = slugify(name, allow_unicode=True)[:120]
        if slug in self._categories:
            return self._categories[slug]
        # Not cached: a category created here rolls back with its row if the row fails.
        category, _ = Category.objects.get_or_create(slug=slug, defaults={"name": name})
        return category

    def import_unit(self, unit: list[Row]) -> Outcome:
        (row,) = unit
        errors = self.base_errors(row)
        sku = row.get("sku")
        if not sku:
            errors.setdefault("sku", REQUIRED)
        _cell(errors, "sku", check_length, sku, 64)
        values: dict[str, Any] = {}
        if row.get("name"):
            values["name"] = _cell(errors, "name", check_length, row.get("name"), 200)
        category_name = _cell(errors, "category", check_length, row.get("category"), 100)
        if category_name and not slugify(category_name, allow_unicode=True):
            errors["category"] = "A category name needs at least one letter or digit."
        for name in ("price", "cost"):
            value = _cell(errors, name, parse_decimal, row.get(name))
            if value is not None:
                values[name] = value
        for name, column, parse, args in (
            ("currency", "currency", parse_currency, {}),
            ("stock", "stock", parse_int, {"minimum": -2_000_000_000}),
            ("is_active", "active", parse_bool, {}),
        ):
            value = _cell(errors, column, parse, row.get(column), **args)
            if value is not None:
                values[name] = value
        if row.get("description"):
            values["description"] = row.get("description")

        product = self._lookup(sku) if sku and "sku" not in errors else None
        if product is None:
            for name in ("name", "price"):
                if name not in values and name not in errors:
                    errors[name] = "Required for a new product."
        if errors:
            raise Rejected(_row_errors(row, errors))
        if category_name:
            values["category"] = self._category(category_name)

        if product is None:
            product = Product.objects.create(
                **{"currency": settings.SMARTCRM_CURRENCY, **values},
                sku=sku,
                created_at=timezone.now(),
            )
            audit.record(
                self.actor,
                AuditAction.CREATE,
                product,
                changes={k: _audit_value(k, v) for k, v in values.items()},
            )
            return Outcome.CREATED
        changes = audit.diff(product, values, frozenset({"description"}))
        if not changes:
            return Outcome.UNCHANGED
        product.save(update_fields=[*changes, "updated_at"])
        audit.record(self.actor, AuditAction.UPDATE, product, changes=changes)
        return Outcome.UPDATED


# --- orders ------------------------------------------------------------------------------------

ORDER_FIELDS = (
    "customer_external_id",
    "placed_at",
    "status",
    "channel",
    "currency",
    "shipping_total",
    "promotion_code",
)
_LINE_KEY = re.compile(r"lines\[(\d+)\]\.(\w+)")
_LINE_COLUMNS = {
    "product_id": "sku",
    "quantity": "quantity",
    "unit_price": "unit_price",
    "discount": "discount",
}


class OrderImporter(Importer):
    """Create orders from one row per line, grouped by ``order_external_id`` anywhere in the file.

    Orders are immutable here: an order whose external id exists is left as it is. An order with
    any bad line is rejected whole, each bad line reported.
    """

    kind = "orders"
    group_by = "order_external_id"
    columns = (
        Column(
            "order_external_id",
            ("order_id", "order_number", "order_no", "order", "order_name", "订单号", "订单编号"),
            required=True,
        ),
        Column(
            "customer_external_id",
            ("customer_id", "customer", "customer_number", "客户编号", "客户id"),
            required=True,
        ),
        Column(
            "sku",
            ("product_sku", "item_sku", "lineitem_sku", "variant_sku", "商品编码", "货号"),
            required=True,
        ),
        Column("quantity", ("qty", "lineitem_quantity", "quantity_ordered", "数量"), type="number"),
        Column("unit_price", ("price", "item_price", "lineitem_price", "单价", "价格"), type="money"),
        Column("discount", ("line_discount", "lineitem_discount", "折扣", "优惠"), type="money"),
        Column(
            "placed_at",
            ("order_date", "date", "ordered_at", "created_at", "placed", "下单时间", "订单日期", "日期"),
            required=True,
            type="date",
        ),
        Column("status", ("order_status", "订单状态")),
        Column("channel", ("sales_channel", "渠道")),
        Column("currency", ("currency_code", "币种", "货币")),
        Column("shipping_total", ("shipping", "shipping_cost", "shipping_amount", "运费"), type="money"),
        Column("promotion_code", ("discount_code", "promo_code", "coupon", "coupon_code", "优惠码")),
    )

    def __init__(self, *, actor: Actor, system: str) -> None:
        super().__init__(actor=actor, system=system)
        self._existing_orders: set[str] = set()
        self._customers: dict[str, Customer] = {}
        self._products: dict[str, Product] = {}

    def units(self, table: Table, *, start_after: int = 0) -> Iterator[list[Row]]:
        """Yield each order once all its lines are read (the first pass counted them).

        ``start_after`` is ignored: an order's lines may be anywhere, so a resumed orders run
        reads the whole file again and skips the orders it already wrote.
        """
        pending: dict[str, list[Row]] = {}
        for row in table.rows():
            key = row.get("order_external_id")
            if not key:
                yield [row]
                continue
            lines = pending.setdefault(key, [])
            lines.append(row)
            if len(lines) >= table.group_counts[key]:
                yield pending.pop(key)
        yield from pending.values()  # only if the file changed between the two passes

    def prefetch(self, units: list[list[Row]]) -> None:
        rows = [row for unit in units for row in unit]
        keys = {row.get("order_external_id") for row in rows} - {""}
        found = Order.objects.filter(external_id__in=keys).values_list("external_id", flat=True)
        self._existing_orders = {key for key in found if key}
        customer_ids = {row.get("customer_external_id") for row in rows} - {""}
        self._customers = {
            ref.value: ref.customer
            for ref in ExternalId.objects.filter(system=self.system, value__in=customer_ids).select_related(
                "customer"
            )
        }
        skus = {row.get("sku") for row in rows} - {""}
        self._products = {p.sku: p for p in Product.objects.filter(sku__in=skus)}

    def import_unit(self, unit: list[Row]) -> Outcome:
        first = unit[0]
        key = first.get("order_external_id")
        if not key:
            raise Rejected([RowError(first.number, "order_external_id", REQUIRED)])
        if len(key) > 120:
            raise Rejected(
                [RowError(row.number, "order_external_id", "At most 120 characters.") for row in unit]
            )
        if key in self._existing_orders:
            return Outcome.UNCHANGED

        errors: dict[int, dict[str, str]] = {row.number: self.base_errors(row) for row in unit}
        head, head_row = self._order_values(unit, errors)
        customer = self._customer(head, head_row, first, errors)

        def order_cell(column: str, parse: Any, *args: Any, **kwargs: Any) -> Any:
            row_errors = errors[head_row.get(column, first.number)]
            return _cell(row_errors, column, parse, head.get(column, ""), *args, **kwargs)

        placed_at = order_cell("placed_at", parse_moment)
        if "placed_at" not in head:
            errors[first.number]["placed_at"] = REQUIRED
        status = order_cell("status", parse_choice, list(OrderStatus.values)) or OrderStatus.PAID
        channel = order_cell("channel", parse_choice, list(SalesChannel.values)) or SalesChannel.WEB
        currency = order_cell("currency", parse_currency) or settings.SMARTCRM_CURRENCY
        shipping = order_cell("shipping_total", parse_decimal, max_digits=14) or Decimal(0)
        promotion = order_cell("promotion_code", check_length, 40) or ""
        lines = [self._line(row, errors[row.number]) for row in unit]

        if any(errors.values()):
            raise Rejected(self._order_errors(unit, errors))
        try:
            create_order(
                actor=self.actor,
                customer=customer,  # type: ignore[arg-type]  # None only with errors above
                lines=[line for line in lines if line is not None],
                number=None,
                external_id=key,
                status=status,
                channel=channel,
                currency=currency,
                placed_at=placed_at,
                shipping_total=shipping,
                promotion_code=promotion,
            )
        except ServiceValidationError as exc:
            for name, message in exc.errors.items():
                match = _LINE_KEY.fullmatch(name)
                if match and int(match[1]) < len(unit):
                    row_number, column = unit[int(match[1])].number, _LINE_COLUMNS.get(match[2], "")
                else:
                    row_number, column = first.number, "" if name == "__all__" else name
                errors[row_number][column] = message
            raise Rejected(self._order_errors(unit, errors)) from exc
        self._existing_orders.add(key)
        return Outcome.CREATED

    @staticmethod
    def _order_values(
        unit: list[Row], errors: dict[int, dict[str, str]]
    ) -> tuple[dict[str, str], dict[str, int]]:
        """The order-level cells, taken from the first line that fills each; later lines must agree."""
        head: dict[str, str] = {}
        head_row: dict[str, int] = {}
        for row in unit:
            for name in ORDER_FIELDS:
                value = row.get(name)
                if not value:
                    continue
                if name not in head:
                    head[name], head_row[name] = value, row.number
                elif head[name] != value:
                    errors[row.number][name] = (
                        f"Differs from row {head_row[name]} of the same order; an order has one value here."
                    )
        return head, head_row

    def _customer(
        self, head: dict[str, str], head_row: dict[str, int], first: Row, errors: dict[int, dict[str, str]]
    ) -> Customer | None:
        external_id = head.get("customer_external_id", "")
        if not external_id:
            errors[first.number]["customer_external_id"] = REQUIRED
            return None
        customer = self._customers.get(external_id)
        if customer is None:
            errors[head_row["customer_external_id"]]["customer_external_id"] = (
                f"No customer with this id in system '{self.system}' (import the customers first)."
            )
        return customer

    def _line(self, row: Row, errors: dict[str, str]) -> LineInput | None:
        sku = row.get("sku")
        product = self._products.get(sku) if sku else None
        if not sku:
            errors.setdefault("sku", REQUIRED)
        elif product is None:
            errors.setdefault("sku", "No product with this SKU (import the products first).")
        quantity = _cell(errors, "quantity", parse_int, row.get("quantity"), minimum=1, maximum=1_000_000)
        unit_price = _cell(errors, "unit_price", parse_decimal, row.get("unit_price"))
        discount = _cell(errors, "discount", parse_decimal, row.get("discount"))
        if product is None or errors:
            return None
        return LineInput(
            product_id=product.pk,
            quantity=1 if quantity is None else quantity,
            unit_price=unit_price,
            discount=discount or Decimal(0),
        )

    @staticmethod
    def _order_errors(unit: list[Row], errors: dict[int, dict[str, str]]) -> list[RowError]:
        bad = [row for row in unit if errors[row.number]]
        reported: list[RowError] = []
        for row in unit:
            if errors[row.number]:
                reported += _row_errors(row, errors[row.number])
            else:
                reported.append(
                    RowError(
                        row.number, "", f"Not imported: row {bad[0].number} of the same order has errors."
                    )
                )
        return reported
