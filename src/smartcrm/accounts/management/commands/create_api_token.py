"""``smartcrm create_api_token USERNAME NAME``: print a new API token once (only its hash is kept)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from smartcrm.accounts.models import User
from smartcrm.accounts.services import create_api_token


class Command(BaseCommand):
    help = "Create an API token acting as USERNAME (with that user's role) and print it once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("name", help="what the token is for, e.g. 'shop sync'")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {options['username']!r}")
        token, raw = create_api_token(user=user, name=options["name"][:100], actor="cli:create_api_token")
        self.stderr.write(f"Token {token.prefix}… for {user.username} ({user.role}); it is shown only once:")
        self.stdout.write(raw)
