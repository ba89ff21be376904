"""Score rows written directly, as the scoring pipeline would (the pipeline has its own tests)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from smartcrm.customers.models import Customer
from smartcrm.intelligence.models import CustomerScore
from smartcrm.modelregistry.models import ModelKind, ModelVersion
from tests import factories

AS_OF = date(2026, 11, 1)


def make_score(customer: Customer, **values: Any) -> CustomerScore:
    defaults: dict[str, Any] = {
        "as_of": AS_OF,
        "scored_at": datetime(2026, 11, 2, 3, 0, tzinfo=UTC),
        "rfm_code": "545",
        "segment": "champions",
        "cluster": 1,
        "cluster_label": "Frequent buyers of toys",
        "expected_purchases_90d": 2.4,
        "probability_alive": 0.93,
        "clv_12m": Decimal("321.50"),
        "churn_risk": 0.12,
        "churn_reasons": "Ordered 3 days ago",
        "propensity_30d": 0.41,
        "propensity_reasons": "Buys every month",
        "model_versions": {"segments": 1, "clv": 2, "churn": 1},
    }
    return CustomerScore.objects.create(customer=customer, **{**defaults, **values})


def scored_customer(name: str, **values: Any) -> Customer:
    customer = factories.CustomerFactory(name=name, search_text=name.lower())
    make_score(customer, **values)
    return customer


CALIBRATION = [
    {"bin": 0, "mean_predicted": 0.05, "observed": 0.04, "n": 500},
    {"bin": 1, "mean_predicted": 0.35, "observed": 0.31, "n": 300},
    {"bin": 2, "mean_predicted": 0.8, "observed": 0.86, "n": 120},
]


def make_version(
    kind: str = ModelKind.CHURN, version: int = 1, *, active: bool = False, **values: Any
) -> ModelVersion:
    defaults: dict[str, Any] = {
        "trained_as_of": AS_OF,
        "data_hash": "ab" * 32,
        "code_version": "0.1.0",
        "engine": "PropensityModel/1",
        "feature_schema": {"columns": ["recency_days", "frequency", "monetary"]},
        "metrics": {
            "roc_auc": 0.835,
            "holdout": {"rows": 920, "base_rate": 0.31},
            "calibration": CALIBRATION,
        },
        "artifact": f"models/{kind}-v{version}.json",
        "artifact_sha256": "cd" * 32,
    }
    return ModelVersion.objects.create(kind=kind, version=version, is_active=active, **{**defaults, **values})
