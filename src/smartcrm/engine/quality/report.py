"""The data-quality report: per table and field, each problem with a count, a share and examples.

``quality_report`` takes the tables as DataFrames (any of them may be omitted) and returns one
row per problem found. Checks:

- customers: missing email/phone/address/name; invalid emails, emails not in normal form
  (spaces, capitals), emails whose domain looks like a typo of a big provider; phones that do
  not parse for the customer's country (or the shop's region), phones not in E.164; names in
  all capitals or all lower case, names with digits, names with stray spaces; country codes that
  are not two letters; the same email on several customers; dates in the future (created, birth).
- orders: negative totals, orders without lines, placed in the future, totals that differ from
  the sum of their lines.
- order lines: negative prices, quantities below one.
- products: negative prices or stock, missing name or SKU.

Examples are ``{"id", "value"}`` records: callers mask contact details for viewers who may not
see them. ``fix`` names the bulk fix that repairs a problem, where one exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd

from smartcrm.engine.quality import checks


@dataclass(frozen=True)
class Issue:
    table: str
    field: str
    check: str
    kind: str  # missing | invalid | suspicious
    count: int
    share: float
    examples: list[dict[str, Any]]
    fix: str = ""


def _issue(
    table: str,
    field: str,
    check: str,
    kind: str,
    frame: pd.DataFrame,
    mask: pd.Series,
    value: str | None,
    n: int,
    examples: int,
    fix: str = "",
) -> Issue | None:
    count = int(mask.sum())
    if count == 0:
        return None
    rows = frame.loc[mask].head(examples)
    shown = [
        {"id": _plain(r["id"]), "value": "" if value is None else str(r[value])} for _, r in rows.iterrows()
    ]
    return Issue(table, field, check, kind, count, round(count / max(n, 1), 4), shown, fix)


def _plain(value: Any) -> Any:
    return value.item() if hasattr(value, "item") else value


def _text(frame: pd.DataFrame, column: str) -> pd.Series:
    if column not in frame.columns:
        return pd.Series("", index=frame.index)
    return frame[column].fillna("").astype(str)


@dataclass
class _Findings:
    """The issues found in one table's frame, collected check by check."""

    table: str
    frame: pd.DataFrame
    examples: int
    found: list[Issue | None]

    def add(
        self, field: str, check: str, kind: str, mask: pd.Series, value: str | None, fix: str = ""
    ) -> None:
        n = len(self.frame)
        self.found.append(
            _issue(self.table, field, check, kind, self.frame, mask, value, n, self.examples, fix=fix)
        )


def customer_issues(customers: pd.DataFrame, region: str, now: datetime, examples: int) -> list[Issue | None]:
    c = customers
    out = _Findings("customers", c, examples, [])
    email, phone = _text(c, "email"), _text(c, "phone")
    first, last, address = _text(c, "first_name"), _text(c, "last_name"), _text(c, "street_address")
    person = _text(c, "kind").isin(["", "person"])
    out.add("email", "missing", "missing", email.str.strip() == "", None)
    out.add("phone", "missing", "missing", phone.str.strip() == "", None)
    out.add("street_address", "missing", "missing", address.str.strip() == "", None)
    out.add("name", "missing", "missing", person & (first.str.strip() + last.str.strip() == ""), None)
    _email_issues(out, email)
    country = _text(c, "country").str.upper()
    _phone_issues(out, phone, country.where(country.str.len() == 2, region))
    for field, values in (("first_name", first), ("last_name", last)):
        _name_issues(out, field, values)
    not_code = (country != "") & ~country.str.fullmatch(r"[A-Z]{2}")
    out.add("country", "not a two-letter code", "invalid", not_code, "country")
    _date_issues(out, now)
    return out.found


def _email_issues(out: _Findings, email: pd.Series) -> None:
    valid = email.map(checks.email_is_valid)
    normal = email.map(checks.normalised_email)
    out.add("email", "invalid address", "invalid", (email.str.strip() != "") & ~valid, "email")
    out.add(
        "email", "not lower case / has spaces", "invalid", valid & (email != normal), "email", "lower_emails"
    )
    typo = valid & (email.str.rpartition("@")[2].map(checks.domain_typo_of) != "")
    out.add("email", "domain looks like a typo", "suspicious", typo, "email")
    out.add(
        "email", "shared by several customers", "suspicious", valid & normal.duplicated(keep=False), "email"
    )


def _phone_issues(out: _Findings, phone: pd.Series, regions: pd.Series) -> None:
    has_phone = phone.str.strip() != ""
    e164 = pd.Series(
        [checks.phone_e164(p, r) if p.strip() else None for p, r in zip(phone, regions, strict=True)],
        index=phone.index,
    )
    out.add("phone", "does not parse for the country", "invalid", has_phone & e164.isna(), "phone")
    not_e164 = has_phone & e164.notna() & (e164 != phone)
    out.add("phone", "not in E.164 form", "invalid", not_e164, "phone", "normalise_phones")


def _name_issues(out: _Findings, field: str, values: pd.Series) -> None:
    flat = values.map(checks.is_shouting_or_flat)
    out.add(field, "all capitals or all lower case", "suspicious", flat, field, "title_case_names")
    out.add(field, "contains digits", "suspicious", values.map(checks.has_digit), field)
    out.add(field, "stray spaces", "invalid", values != values.map(checks.trimmed), field, "trim_names")


def _date_issues(out: _Findings, now: datetime) -> None:
    c = out.frame
    for field in ("created_at", "birth_date"):
        if field in c.columns:
            when = pd.to_datetime(c[field], errors="coerce", utc=True)
            out.add(field, "in the future", "invalid", when > pd.Timestamp(now), field)
    if "birth_date" in c.columns:
        born = pd.to_datetime(c["birth_date"], errors="coerce", utc=True)
        too_old = born < pd.Timestamp(now) - pd.Timedelta(days=365 * 120)
        out.add("birth_date", "more than 120 years ago", "suspicious", too_old, "birth_date")


def order_issues(
    orders: pd.DataFrame, lines: pd.DataFrame | None, now: datetime, examples: int
) -> list[Issue | None]:
    o, n = orders, len(orders)
    total = pd.to_numeric(o.get("total"), errors="coerce")
    out: list[Issue | None] = [
        _issue("orders", "total", "negative", "invalid", o, total < 0, "total", n, examples),
    ]
    placed = pd.to_datetime(o.get("placed_at"), errors="coerce", utc=True)
    out.append(
        _issue(
            "orders",
            "placed_at",
            "in the future",
            "invalid",
            o,
            placed > pd.Timestamp(now),
            "placed_at",
            n,
            examples,
        )
    )
    if lines is not None:
        has_lines = o["id"].isin(lines["order_id"])
        out.append(
            _issue("orders", "lines", "order without lines", "invalid", o, ~has_lines, None, n, examples)
        )
        line_sum = pd.to_numeric(lines["line_total"], errors="coerce").groupby(lines["order_id"]).sum()
        subtotal = pd.to_numeric(o.get("subtotal", total), errors="coerce")
        mismatch = has_lines & ((o["id"].map(line_sum) - subtotal).abs() > 0.01)
        out.append(
            _issue(
                "orders",
                "subtotal",
                "differs from the sum of its lines",
                "suspicious",
                o,
                mismatch,
                "subtotal",
                n,
                examples,
            )
        )
    return out


def line_issues(lines: pd.DataFrame, examples: int) -> list[Issue | None]:
    n = len(lines)
    price = pd.to_numeric(lines.get("unit_price"), errors="coerce")
    quantity = pd.to_numeric(lines.get("quantity"), errors="coerce")
    return [
        _issue(
            "order_lines", "unit_price", "negative", "invalid", lines, price < 0, "unit_price", n, examples
        ),
        _issue(
            "order_lines", "quantity", "below one", "invalid", lines, quantity < 1, "quantity", n, examples
        ),
    ]


def product_issues(products: pd.DataFrame, examples: int) -> list[Issue | None]:
    p, n = products, len(products)
    price = pd.to_numeric(p.get("price"), errors="coerce")
    stock = pd.to_numeric(p.get("stock"), errors="coerce")
    return [
        _issue("products", "price", "negative", "invalid", p, price < 0, "price", n, examples),
        _issue("products", "stock", "negative", "suspicious", p, stock < 0, "stock", n, examples),
        _issue(
            "products", "name", "missing", "missing", p, _text(p, "name").str.strip() == "", None, n, examples
        ),
        _issue(
            "products", "sku", "missing", "missing", p, _text(p, "sku").str.strip() == "", None, n, examples
        ),
    ]


def quality_report(
    *,
    customers: pd.DataFrame | None = None,
    orders: pd.DataFrame | None = None,
    lines: pd.DataFrame | None = None,
    products: pd.DataFrame | None = None,
    region: str = "US",
    now: datetime | None = None,
    examples: int = 3,
) -> list[Issue]:
    """Every problem found, most frequent first within each table. Each frame needs an ``id``."""
    now = now or datetime.now().astimezone()
    found: list[Issue | None] = []
    if customers is not None and len(customers):
        found += customer_issues(customers, region, now, examples)
    if orders is not None and len(orders):
        found += order_issues(orders, lines, now, examples)
    if lines is not None and len(lines):
        found += line_issues(lines, examples)
    if products is not None and len(products):
        found += product_issues(products, examples)
    order = {"customers": 0, "orders": 1, "order_lines": 2, "products": 3}
    issues = [i for i in found if i is not None]
    return sorted(issues, key=lambda i: (order[i.table], -i.count))
