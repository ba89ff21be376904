"""A small synthetic shop in the database, forecast and checked once per module."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from smartcrm.demo.loader import ShopLoader
from smartcrm.synth.spec import ShopSpec

END = date(2025, 6, 30)


@pytest.fixture
def small_shop(db: Any) -> None:
    ShopLoader(ShopSpec(n_customers=400, seed=9, end=END, n_products=60), progress=False).run()
