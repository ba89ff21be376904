"""``smartcrm create_api_token USERNAME NAME [--scope customers:read ...] [--expires-days N]``:
print a new API token once (only its hash is kept)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from smartcrm.accounts import scopes
from smartcrm.accounts.models import User
from smartcrm.accounts.services import create_api_token
from smartcrm.core.errors import ServiceValidationError


class Command(BaseCommand):
    help = "Create an API token acting as USERNAME (within that user's role) and print it once."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("name", help="what the token is for, e.g. 'shop sync'")
        parser.add_argument(
            "--scope",
            action="append",
            dest="scopes",
            metavar="AREA:read|write",
            help=f"repeat for each; default every area. Areas: {', '.join(scopes.AREAS)}",
        )
        parser.add_argument("--expires-days", type=int, default=90, help="0: never expires (default 90)")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {options['username']!r}")
        days = options["expires_days"]
        try:
            token, raw = create_api_token(
                user=user,
                name=options["name"][:100],
                actor="cli:create_api_token",
                scopes=options["scopes"] or [scopes.ALL],
                expires_at=timezone.now() + timedelta(days=days) if days > 0 else None,
            )
        except ServiceValidationError as exc:
            raise CommandError(str(exc)) from exc
        expires = token.expires_at.date() if token.expires_at else "never"
        self.stderr.write(
            f"Token {token.prefix}… for {user.username} ({user.role}), "
            f"scopes: {scopes.describe(token.scopes)}, expires: {expires}; it is shown only once:"
        )
        self.stdout.write(raw)
