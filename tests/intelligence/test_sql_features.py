"""The set-based purchase features (one GROUP BY on PostgreSQL) equal the pandas ones the
propensity models are trained and scored on, for a customer-id range and for a hashed sample."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest
from django.db import connection

from smartcrm.demo.loader import ShopLoader
from smartcrm.engine.propensity.labels import rfm_features
from smartcrm.intelligence.extract import CustomerIds, extract_shop
from smartcrm.intelligence.sql_features import rfm_aggregates
from smartcrm.synth.spec import ShopSpec

END, AS_OF = date(2025, 6, 30), date(2025, 6, 29)

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="set-based features are for PostgreSQL"),
]


@pytest.mark.parametrize(
    "customers", [CustomerIds(first=100, last=399), CustomerIds(keep_per_10007=4000)], ids=["range", "sample"]
)
def test_the_sql_purchase_features_equal_the_pandas_ones(customers: CustomerIds) -> None:
    ShopLoader(ShopSpec(n_customers=600, seed=5, end=END, n_products=120), progress=False).run()
    expected = rfm_features(extract_shop(AS_OF, customers).transactions, pd.Timestamp(AS_OF))
    got = rfm_aggregates(AS_OF, customers)

    assert len(got) > 100 and list(got.index) == list(expected.index)
    assert list(got.columns) == list(expected.columns)
    assert got["gap_trend_days"].notna().sum() > 20 and (got["frequency"] == 1).any()
    np.testing.assert_allclose(got.to_numpy(float), expected.to_numpy(float), rtol=1e-9, atol=1e-6)
