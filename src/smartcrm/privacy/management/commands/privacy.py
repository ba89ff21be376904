"""``smartcrm privacy export <customer_id>`` and ``smartcrm privacy erase <customer_id>``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartcrm.core.errors import NotFoundError, ServiceValidationError
from smartcrm.customers.selectors import get_customer
from smartcrm.privacy import services


class Command(BaseCommand):
    help = "A customer's data: export everything held about them (zip), or erase it."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        export = commands.add_parser("export", help="write a zip of JSON and CSV files")
        export.add_argument("customer_id", type=int)
        export.add_argument("-o", "--output", help="the zip file (default customer-<id>-data.zip)")
        erase = commands.add_parser("erase", help="remove or anonymise the customer's personal data")
        erase.add_argument("customer_id", type=int)
        erase.add_argument("--yes", action="store_true", help="do it (without, only say what would happen)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            customer = get_customer(options["customer_id"])
        except NotFoundError as exc:
            raise CommandError(f"No customer {options['customer_id']}.") from exc
        actor = "cli:privacy"
        if options["command"] == "export":
            path = Path(options["output"] or f"customer-{customer.pk}-data.zip")
            path.write_bytes(services.export_personal_data(actor=actor, customer=customer))
            path.chmod(0o600)
            self.stdout.write(f"Wrote {path} ({path.stat().st_size:,} bytes).")
            return
        if not options["yes"]:
            self.stdout.write(
                f"This erases customer {customer.pk}'s personal data for good (orders stay, anonymised). "
                "Run again with --yes to do it."
            )
            sys.exit(2)
        try:
            removed = services.erase_personal_data(actor=actor, customer=customer)
        except ServiceValidationError as exc:
            raise CommandError("; ".join(exc.errors.values())) from exc
        summary = ", ".join(f"{n} {k}" for k, n in sorted(removed.items())) or "nothing else held"
        self.stdout.write(f"Erased customer {customer.pk}: {summary}.")
