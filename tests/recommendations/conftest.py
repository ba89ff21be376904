from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.test import override_settings

from smartcrm.demo.loader import ShopLoader
from smartcrm.recommendations.training import TrainingResult, train
from smartcrm.synth.spec import ShopSpec

END = date(2025, 6, 30)
AS_OF = date(2025, 6, 29)


@pytest.fixture(scope="module")
def trained(django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any) -> Iterator[TrainingResult]:
    """One generated shop trained once per module, inside a transaction rolled back at the end.

    Each test still runs in its own savepoint (``django_db``), so none sees another's writes.
    """
    media = Path(tmp_path_factory.mktemp("media"))
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        ShopLoader(ShopSpec(n_customers=300, seed=5, end=END, n_products=100), progress=False).run()
        yield train(as_of=AS_OF, actor="test", min_support=0.005)
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path
