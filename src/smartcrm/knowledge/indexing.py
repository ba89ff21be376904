"""The help center's search index, kept in step with the published articles.

The index (:class:`smartcrm.engine.retrieval.KnowledgeIndex`) lives in each process and on disk
(``$SMARTCRM_DATA_DIR/knowledge/index.bin``, so a new process does not re-embed everything).
Every search first syncs it: one query lists the published articles with their version, and
only the articles that are new, changed, unpublished or deleted since the index last saw them
are re-embedded or dropped. An edit in the editor is searchable at the next question, in any
process, with no rebuild.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import connection

from smartcrm.engine import pickled
from smartcrm.engine.retrieval import Article as IndexedArticle
from smartcrm.engine.retrieval import Decision, KnowledgeIndex
from smartcrm.knowledge.models import Article
from smartcrm.knowledge.selectors import published_articles

logger = logging.getLogger(__name__)
_lock = threading.Lock()


SAVED_TYPE = "smartcrm.knowledge.SavedIndex"
SAVED_FORMAT = 2

# What the index holds of one article: its language, version and last change (the change time
# tells apart two articles that got the same id and version, e.g. after a database was reset).
Seen = tuple[str, int, str]


@dataclass
class SavedIndex:
    """The index, per article id what it holds, and the database it was built from (a data
    directory shared by two databases — a test worker each, a restored copy — must not take
    the other's index for its own)."""

    index: KnowledgeIndex | None = None
    versions: dict[str, Seen] = field(default_factory=dict)
    database: str = ""


_state = SavedIndex()


def _path() -> Path:
    return Path(settings.DATA_DIR) / "knowledge" / "index.bin"


def _as_indexed(article: Article) -> IndexedArticle:
    return IndexedArticle(str(article.pk), article.language, article.title, article.body, tuple(article.tags))


def _load() -> None:
    path = _path()
    if _state.index is not None or not path.exists():
        return
    try:
        saved = pickled.load(
            path.read_bytes(), SavedIndex, model_type=SAVED_TYPE, format_version=SAVED_FORMAT
        )
    except (ValueError, OSError) as exc:  # another format or version: rebuild
        logger.warning("knowledge index at %s not loaded (%s); rebuilding", path, exc)
        return
    if saved.database != _database():
        return  # another database's index: rebuild from this one
    _state.index, _state.versions = saved.index, saved.versions


def _database() -> str:
    return str(connection.settings_dict["NAME"])


def _save() -> None:
    saved = SavedIndex(_state.index, dict(_state.versions), _database())
    pickled.write_atomically(_path(), pickled.dump(saved, model_type=SAVED_TYPE, format_version=SAVED_FORMAT))


def sync_index() -> KnowledgeIndex:
    """The index with every published article as it is now (re-embedding only what changed)."""
    with _lock:
        _load()
        rows = published_articles().values_list("pk", "language", "version", "updated_at")
        published = {
            str(pk): (language, version, changed.isoformat()) for pk, language, version, changed in rows
        }
        if _state.index is not None and published == _state.versions:
            return _state.index
        changed = [pk for pk, seen in published.items() if _state.versions.get(pk) != seen]
        gone = [(pk, seen[0]) for pk, seen in _state.versions.items() if pk not in published]
        articles = {str(a.pk): a for a in Article.objects.filter(pk__in=[int(pk) for pk in changed])}
        if _state.index is None:
            _state.index = KnowledgeIndex().fit(_as_indexed(a) for a in articles.values())
        else:
            for pk, language in gone:
                _state.index.remove_article(pk, language)
            for pk in changed:
                old = _state.versions.get(pk)
                if old is not None and old[0] != published[pk][0]:
                    _state.index.remove_article(pk, old[0])
                _state.index.upsert_article(_as_indexed(articles[pk]))
        _state.versions = published
        logger.info("knowledge index: %d article(s) re-embedded, %d dropped", len(changed), len(gone))
        _save()
        return _state.index


def search(query: str, language: str) -> Decision:
    return sync_index().answer(query, language)


def forget_index() -> None:
    """Drop the in-process index (tests; a data directory that changed under the process)."""
    with _lock:
        _state.index, _state.versions = None, {}
