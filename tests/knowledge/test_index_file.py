"""The saved help-center index is only taken for the database it was built from: a data
directory shared by two databases (two test workers, a restored copy) rebuilds instead of
answering from the other database's articles."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from smartcrm.engine import pickled
from smartcrm.engine.retrieval import Article as IndexedArticle
from smartcrm.engine.retrieval import KnowledgeIndex
from smartcrm.knowledge import indexing

pytestmark = pytest.mark.django_db


def _write(database: str) -> None:
    index = KnowledgeIndex(encoders={"*": None}).fit(
        [IndexedArticle("1", "en", "Engraving", "We engrave rings.", ())]
    )
    saved = indexing.SavedIndex(index, {"1": ("en", 1, "2026-01-01T00:00:00+00:00")}, database)
    path = indexing._path()
    path.parent.mkdir(parents=True, exist_ok=True)
    pickled.write_atomically(
        path, pickled.dump(saved, model_type=indexing.SAVED_TYPE, format_version=indexing.SAVED_FORMAT)
    )


def test_another_databases_index_is_not_loaded(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path
    indexing.forget_index()
    _write("some_other_database")
    indexing._load()
    assert indexing._state.index is None and indexing._state.versions == {}  # rebuilt on next sync
    assert indexing.sync_index().article_ids() == set()  # this database has no articles
    indexing.forget_index()
    _write(indexing._database())
    indexing._load()
    assert indexing._state.versions == {"1": ("en", 1, "2026-01-01T00:00:00+00:00")}
    indexing.forget_index()
