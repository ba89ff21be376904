"""One small synthetic shop, generated once for all segment tests (about 0.3 s)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
import pytest

from smartcrm.engine.features import customer_features, lines_with_category
from smartcrm.synth.generator import ShopGenerator
from smartcrm.synth.spec import ShopSpec

END = date(2025, 6, 30)


@dataclass(frozen=True)
class Shop:
    tables: dict[str, pd.DataFrame]
    features: pd.DataFrame
    planted_top_category: pd.Series  # the generator's first preferred category, per customer


@pytest.fixture(scope="session")
def shop() -> Shop:
    tables = ShopGenerator(ShopSpec(n_customers=3_000, seed=7, end=END)).generate()
    lines = lines_with_category(tables["order_lines"], tables["products"], tables["categories"])
    features = customer_features(
        tables["orders"], lines, tables["tickets"], tables["reviews"], as_of=END, refunds=tables["refunds"]
    )
    planted = tables["customers"].set_index("id")["preferred_categories"].str.split(",").str[0]
    return Shop(tables, features, planted.reindex(features.index))
