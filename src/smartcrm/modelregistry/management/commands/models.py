"""``smartcrm models list | activate ID | rollback KIND | deactivate KIND``: the registry from the shell."""

from __future__ import annotations

import argparse
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartcrm.core.errors import NotFoundError
from smartcrm.modelregistry import registry
from smartcrm.modelregistry.models import ModelKind, ModelVersion


class Command(BaseCommand):
    help = "List model versions, activate one, or roll a kind back to its previous version."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True, parser_class=argparse.ArgumentParser)
        sub.add_parser("list", help="every version, newest first")
        activate = sub.add_parser("activate", help="make a version the active one of its kind")
        activate.add_argument("version_id", type=int)
        back = sub.add_parser("rollback", help="re-activate the version before the active one")
        back.add_argument("kind", choices=ModelKind.values)
        off = sub.add_parser(
            "deactivate", help="leave a kind with no active version (sentiment: back to the default)"
        )
        off.add_argument("kind", choices=ModelKind.values)

    def handle(self, *args: Any, **options: Any) -> None:
        actor = "cli:models"
        try:
            if options["action"] == "activate":
                version = registry.activate_version(version_id=options["version_id"], actor=actor)
                self.stdout.write(f"Active: {version}")
            elif options["action"] == "deactivate":
                version = registry.deactivate(kind=options["kind"], actor=actor)
                self.stdout.write(f"Deactivated {version}; no {version.kind} version is active.")
            elif options["action"] == "rollback":
                version = registry.rollback(kind=options["kind"], actor=actor)
                self.stdout.write(f"Rolled back; active: {version}")
            else:
                for v in ModelVersion.objects.all():
                    metric = ", ".join(f"{k}={val}" for k, val in list(v.metrics.items())[:3])
                    flag = "*" if v.is_active else " "
                    self.stdout.write(
                        f"{flag} #{v.pk:<4} {v.kind:<15} v{v.version:<3} {v.trained_as_of} {metric}"
                    )
        except NotFoundError as exc:
            raise CommandError(str(exc)) from exc
