"""The demo shop's help center (40 articles, English and Chinese), imported and indexed once per
module: the articles are committed outside the tests' transactions (and removed afterwards), so
their ids stay and the index embeds them once. Their audit events are emptied afterwards the way
the test database's flush does it (TRUNCATE on PostgreSQL: the append-only trigger refuses DELETE),
or later tests that count audit events would see them."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management.color import no_style
from django.db import connection

from smartcrm.core.models import AuditEvent
from smartcrm.demo.help_center import HELP_CENTER
from smartcrm.knowledge import indexing
from smartcrm.knowledge.imports import import_articles
from smartcrm.knowledge.models import Article
from smartcrm.knowledge.reading import read_path


@pytest.fixture(scope="module")
def help_center(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[tuple[str, str], Article]]:
    indexing.forget_index()
    with django_db_blocker.unblock():
        report = import_articles(actor="test", items=read_path(HELP_CENTER))
        indexing.sync_index()
    yield {(a.key, a.language): a for a in report.articles}
    with django_db_blocker.unblock():
        Article.objects.all().delete()
        connection.ops.execute_sql_flush(connection.ops.sql_flush(no_style(), [AuditEvent._meta.db_table]))
    indexing.forget_index()
