from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from smartcrm.recommendations.training import NoOrdersError, train

from .conftest import AS_OF

pytestmark = pytest.mark.django_db


def test_a_shop_without_orders_is_a_clear_error() -> None:
    with pytest.raises(NoOrdersError):
        train(as_of=AS_OF, actor="test")
    with pytest.raises(CommandError, match="no orders"):
        call_command("recommend", "--as-of", AS_OF.isoformat())
