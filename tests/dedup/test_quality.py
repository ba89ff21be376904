"""The data-quality engine on hand-made frames: every check counts what it should."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from smartcrm.engine.quality import quality_report
from smartcrm.engine.quality.checks import title_cased

NOW = datetime(2026, 1, 1, tzinfo=UTC)


def by_check(**frames: pd.DataFrame) -> dict[tuple[str, str, str], int]:
    return {(i.table, i.field, i.check): i.count for i in quality_report(now=NOW, **frames)}  # type: ignore[arg-type]


def test_customer_checks() -> None:
    customers = pd.DataFrame(
        {
            "id": [1, 2, 3, 4, 5],
            "kind": ["person"] * 5,
            "first_name": ["JOHN", "ann", "Li2", "  Bo ", ""],
            "last_name": ["Doe", "Smith", "Wei", "Xu", ""],
            "email": ["A@B.com", "not-an-email", "x@gmial.com", "x@gmial.com", ""],
            "phone": ["(212) 555-0123", "123", "+12125550123", "", "13812345678"],
            "street_address": ["", "1 Oak St", "", "", ""],
            "country": ["US", "US", "USA", "", "CN"],
            "created_at": [NOW, NOW, NOW, NOW, datetime(2027, 1, 1, tzinfo=UTC)],
        }
    )
    found = by_check(customers=customers)
    assert found[("customers", "email", "invalid address")] == 1
    assert found[("customers", "email", "not lower case / has spaces")] == 1
    assert found[("customers", "email", "domain looks like a typo")] == 2
    assert found[("customers", "email", "shared by several customers")] == 2
    assert found[("customers", "email", "missing")] == 1
    assert found[("customers", "phone", "does not parse for the country")] == 1
    assert found[("customers", "phone", "not in E.164 form")] == 2  # (212)… and a CN national number
    assert found[("customers", "first_name", "all capitals or all lower case")] == 2
    assert found[("customers", "first_name", "contains digits")] == 1
    assert found[("customers", "first_name", "stray spaces")] == 1
    assert found[("customers", "country", "not a two-letter code")] == 1
    assert found[("customers", "name", "missing")] == 1
    assert found[("customers", "created_at", "in the future")] == 1


def test_order_line_and_product_checks() -> None:
    orders = pd.DataFrame(
        {"id": [1, 2, 3], "total": [10, -5, 20], "subtotal": [10, 0, 25],
         "placed_at": [NOW, NOW, datetime(2030, 1, 1, tzinfo=UTC)]}
    )  # fmt: skip
    lines = pd.DataFrame(
        {"id": [1, 2, 3], "order_id": [1, 3, 3], "unit_price": [10, -1, 21], "quantity": [1, 0, 1],
         "line_total": [10, 0, 21]}
    )  # fmt: skip
    products = pd.DataFrame(
        {"id": [1, 2], "name": ["Mug", ""], "sku": ["M1", "M2"], "price": [-3, 4], "stock": [1, -2]}
    )
    found = by_check(orders=orders, lines=lines, products=products)
    assert found[("orders", "total", "negative")] == 1
    assert found[("orders", "lines", "order without lines")] == 1
    assert found[("orders", "placed_at", "in the future")] == 1
    assert found[("orders", "subtotal", "differs from the sum of its lines")] == 1
    assert found[("order_lines", "unit_price", "negative")] == 1
    assert found[("order_lines", "quantity", "below one")] == 1
    assert found[("products", "price", "negative")] == 1
    assert found[("products", "stock", "negative")] == 1
    assert found[("products", "name", "missing")] == 1


def test_clean_data_has_no_issues() -> None:
    customers = pd.DataFrame(
        {"id": [1], "kind": ["person"], "first_name": ["Ann"], "last_name": ["Lee"], "email": ["ann@lee.org"],
         "phone": ["+12125550123"], "street_address": ["1 Oak St"], "country": ["US"]}
    )  # fmt: skip
    assert quality_report(customers=customers, now=NOW) == []


def test_title_case_keeps_name_parts() -> None:
    assert title_cased("o'BRIEN-smith") == "O'Brien-Smith"
    assert title_cased(" mary ann ") == "Mary Ann"
