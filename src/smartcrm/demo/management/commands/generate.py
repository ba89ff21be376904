"""``smartcrm generate``: load a synthetic shop (see smartcrm.synth) into the database."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from smartcrm.customers.models import Customer
from smartcrm.demo.loader import LoadStats, ShopLoader
from smartcrm.synth.spec import ShopSpec


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--end-date must look like YYYY-MM-DD, not {value!r}") from exc


class Command(BaseCommand):
    help = "Generate a realistic two-year history of a synthetic shop (deterministic by seed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--customers", type=int, default=5_000, help="number of customers (default 5000)")
        parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
        parser.add_argument(
            "--end-date", type=_date, default=None, help="last day of history (default today)"
        )
        parser.add_argument("--products", type=int, default=500, help="catalogue size (default 500)")
        parser.add_argument("--chunk-size", type=int, default=20_000, help="customers per transaction")
        parser.add_argument("--append", action="store_true", help="add to a database that has customers")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["customers"] < 1:
            raise CommandError("--customers must be at least 1")
        if not options["append"] and Customer.objects.exists():
            raise CommandError(
                "This database already has customers. Use --append to add a generated shop to them, "
                "or point DATABASE_URL (or SMARTCRM_DATA_DIR) at an empty database."
            )
        try:
            spec = ShopSpec(
                n_customers=options["customers"],
                seed=options["seed"],
                end=options["end_date"] or timezone.localdate(),
                n_products=options["products"],
                chunk_size=options["chunk_size"],
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        stats = generate_shop(spec, progress=not options["no_progress"], stderr=self.stderr._out)
        self.stdout.write(self.style.SUCCESS(summary(stats)))


def generate_shop(spec: ShopSpec, *, progress: bool = True, stderr: Any = None) -> LoadStats:
    return ShopLoader(spec, progress=progress, progress_file=stderr).run()


def summary(stats: LoadStats) -> str:
    counts = ", ".join(f"{name.replace('_', ' ')} {n:,}" for name, n in stats.rows.items() if n)
    return (
        f"Generated a shop (seed {stats.spec.seed}, history to {stats.spec.end}) in {stats.seconds:.1f} s: "
        f"{counts}.\n"
        f"{stats.total_rows:,} rows at {stats.rows_per_second:,.0f} rows/s; "
        f"{stats.order_lines_per_second:,.0f} order lines/s."
    )
