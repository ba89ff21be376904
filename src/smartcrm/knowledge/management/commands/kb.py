"""``smartcrm kb import PATH``: load a folder of Markdown/HTML articles or a FAQ CSV into the help
center; ``smartcrm kb list``: the articles, by key and language."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartcrm.knowledge import selectors
from smartcrm.knowledge.imports import import_articles
from smartcrm.knowledge.models import ArticleStatus
from smartcrm.knowledge.reading import read_path


class Command(BaseCommand):
    help = "Manage the help center: import articles (Markdown, HTML, FAQ CSV) or list them."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, parser_class=argparse.ArgumentParser)
        load = sub.add_parser("import", help="import a file or a folder (recursively)")
        load.add_argument("path", help="a .md/.html/.csv file or a folder of them")
        load.add_argument(
            "--status",
            choices=[ArticleStatus.DRAFT, ArticleStatus.PUBLISHED],
            default=ArticleStatus.PUBLISHED,
            help="status of articles whose file does not say (default: published)",
        )
        sub.add_parser("list", help="list the articles")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["action"] == "list":
            for article in selectors.articles():
                line = f"{article.key:40} {article.language:8} {article.status:10} v{article.version}"
                self.stdout.write(f"{line}  {article.title}")
            return
        path = Path(options["path"])
        if not path.exists():
            raise CommandError(f"no such file or folder: {path}")
        report = import_articles(actor="cli:kb", items=read_path(path, status=options["status"]))
        for error in report.errors:
            self.stderr.write(f"{error.where}: {error.field}: {error.message}")
        self.stdout.write(
            f"{report.created} created, {report.updated} updated, {report.unchanged} unchanged, "
            f"{report.failed} refused"
        )
        if report.failed and not (report.created or report.updated or report.unchanged):
            raise CommandError("nothing could be imported")
