"""Import articles into the help center: from a folder, uploaded files or a FAQ table.

Every good article is saved (one transaction each: a bad one never undoes a good one); every
unreadable file, row or refused field is reported with where it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from smartcrm.core.actors import Actor
from smartcrm.core.errors import ServiceValidationError
from smartcrm.knowledge.models import Article, ArticleSource
from smartcrm.knowledge.reading import Read, ReadError
from smartcrm.knowledge.services import save_article


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[ReadError] = field(default_factory=list)
    articles: list[Article] = field(default_factory=list)

    @property
    def failed(self) -> int:
        return len(self.errors)


def import_articles(*, actor: Actor, items: Iterable[Read]) -> ImportReport:
    report = ImportReport()
    for item in items:
        if isinstance(item, ReadError):
            report.errors.append(item)
            continue
        existed = Article.objects.filter(key=item.key, language=item.language).exists()
        try:
            article, changed = save_article(
                actor=actor, data=item, source=ArticleSource.IMPORT, note="import"
            )
        except ServiceValidationError as exc:
            where = f"{item.key} ({item.language})"
            report.errors.extend(ReadError(where, name, message) for name, message in exc.errors.items())
            continue
        report.articles.append(article)
        if not changed:
            report.unchanged += 1
        elif existed:
            report.updated += 1
        else:
            report.created += 1
    return report
