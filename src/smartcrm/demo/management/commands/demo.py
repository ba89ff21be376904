"""``smartcrm demo``: set up the embedded demo (first time only) and serve it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartcrm.core.mail_sink import sink_folder
from smartcrm.demo.management.commands.generate import summary
from smartcrm.demo.management.commands.serve import serve
from smartcrm.demo.setup import DEMO_CUSTOMERS, DEMO_SEED, DemoRefusedError, login_table, prepare_demo


class Command(BaseCommand):
    help = "Run the demo: migrate, generate a shop once, create one login per role, serve on :8000."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--customers", type=int, default=DEMO_CUSTOMERS)
        parser.add_argument("--seed", type=int, default=DEMO_SEED)
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--no-serve", action="store_true", help="set up, print the logins, exit")

    def handle(self, *args: Any, **options: Any) -> None:
        db = settings.DATABASES["default"]
        self.stdout.write(f"smartcrm demo: database {db['ENGINE'].rsplit('.', 1)[-1]} {db['NAME']}")
        try:
            state = prepare_demo(customers=options["customers"], seed=options["seed"], out=self.stdout)
        except DemoRefusedError as exc:
            raise CommandError(str(exc)) from exc
        if state.generated is not None:
            self.stdout.write(summary(state.generated))
        else:
            self.stdout.write("Found an existing demo shop; reusing it.")
        url = f"http://{options['host']}:{options['port']}"
        self.stdout.write(
            "\n"
            + self.style.SUCCESS(f"smartcrm is ready at {url}/")
            + "\nDemo logins (local demo only; one per role):\n"
            + login_table(state.logins)
            + f"\nThe chat widget on a pretend shop page (signed in as staff): {url}/chat/demo/\n"
            + f"Mail the demo sends stays in a local mail sink ({sink_folder()}); read it at "
            + f"{url}/campaigns/outbox/\n"
        )
        if not options["no_serve"]:
            serve(options["host"], options["port"], mail_sink=True)
