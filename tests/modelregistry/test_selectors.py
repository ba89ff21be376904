"""The model cards' read of the registry: versions grouped by kind, the active one first."""

from __future__ import annotations

from typing import Any

import pytest

from smartcrm.modelregistry import selectors
from tests.web.scores import make_version

pytestmark = pytest.mark.django_db


def test_model_versions_grouped_by_kind_active_first(django_assert_num_queries: Any) -> None:
    make_version("churn", 1)
    make_version("churn", 2, active=True)
    make_version("churn", 3)
    make_version("segments", 1, active=True)
    with django_assert_num_queries(1):
        groups = selectors.model_versions()
    assert [g.kind for g in groups] == ["segments", "churn"]
    assert [v.version for v in groups[1].versions] == [2, 3, 1]
    assert groups[1].active is not None and groups[1].active.version == 2
    assert [g.kind for g in selectors.model_versions(kind="churn")] == ["churn"]
