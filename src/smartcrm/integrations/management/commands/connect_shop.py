"""``smartcrm connect_shop shopify|woocommerce DOMAIN``: record a shop and its webhook secret.

The secret is read from an environment variable (``--secret-env``) or standard input, never
from the command line, where other users of the machine could see it in the process list.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartcrm.core.errors import ServiceValidationError
from smartcrm.integrations.connections import connect_shop
from smartcrm.integrations.models import Platform


class Command(BaseCommand):
    help = "Connect a Shopify or WooCommerce shop (secret from --secret-env or stdin); print its webhook URL."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("platform", choices=Platform.values)
        parser.add_argument("shop_domain", help="e.g. my-shop.myshopify.com or shop.example.com")
        parser.add_argument("--secret-env", help="name of an environment variable holding the secret")
        parser.add_argument("--name", default="")
        parser.add_argument("--region", default="US", help="default region for local phone numbers")
        parser.add_argument("--currency", default="USD")
        parser.add_argument("--base-url", default="https://YOUR-SMARTCRM-HOST", help="to print the full URL")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["secret_env"]:
            secret = os.environ.get(options["secret_env"], "")
            if not secret:
                raise CommandError(f"the environment variable {options['secret_env']} is empty or unset")
        else:
            if sys.stdin.isatty():
                self.stderr.write("Paste the webhook secret and press Enter: ", ending="")
            secret = sys.stdin.readline().strip()
        try:
            connection, created = connect_shop(
                actor="cli:connect_shop",
                platform=options["platform"],
                shop_domain=options["shop_domain"],
                secret=secret,
                name=options["name"],
                default_region=options["region"],
                default_currency=options["currency"],
            )
        except ServiceValidationError as exc:
            raise CommandError("; ".join(f"{k}: {v}" for k, v in exc.errors.items())) from exc
        verb = "Connected" if created else "Updated"
        self.stderr.write(f"{verb} {connection} (id {connection.pk}). Point the shop's webhooks at:")
        self.stdout.write(f"{options['base_url'].rstrip('/')}/hooks/{connection.platform}/{connection.pk}")
