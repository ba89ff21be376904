"""Writes for shop connections: validated, audited (the secret never in the audit trail)."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.translation import gettext as _

from smartcrm.core import audit
from smartcrm.core.actors import Actor
from smartcrm.core.audit import AuditAction
from smartcrm.core.errors import ServiceValidationError
from smartcrm.integrations.models import Platform, ShopConnection

DOMAIN = re.compile(r"[a-z0-9]([a-z0-9.-]{0,198}[a-z0-9])?(:\d{1,5})?")


@transaction.atomic
def connect_shop(
    *,
    actor: Actor,
    platform: str,
    shop_domain: str,
    secret: str,
    name: str = "",
    default_region: str = "US",
    default_currency: str = "USD",
) -> tuple[ShopConnection, bool]:
    """Create the connection for ``(platform, shop_domain)`` or replace its secret and defaults.

    Returns the connection and whether it was created.
    """
    errors: dict[str, str] = {}
    domain = shop_domain.strip().lower().removeprefix("https://").removeprefix("http://").rstrip("/")
    if platform not in Platform.values:
        errors["platform"] = _("Must be one of: %(choices)s.") % {"choices": ", ".join(Platform.values)}
    if not DOMAIN.fullmatch(domain):
        errors["shop_domain"] = _("Give the shop's host name, e.g. my-shop.myshopify.com.")
    if len(secret.strip()) < 8:
        errors["secret"] = _("The secret must have at least 8 characters.")
    region, currency = default_region.strip().upper(), default_currency.strip().upper()
    if len(region) != 2 or not region.isalpha():
        errors["default_region"] = _("Use a two-letter ISO country code.")
    if len(currency) != 3 or not currency.isalpha():
        errors["default_currency"] = _("Use a three-letter ISO currency code.")
    if len(name) > 100:
        errors["name"] = _("At most %(n)s characters.") % {"n": 100}
    if errors:
        raise ServiceValidationError(errors)
    connection, created = ShopConnection.objects.update_or_create(
        platform=platform,
        shop_domain=domain,
        defaults={
            "secret": secret.strip(),
            "name": name.strip() or domain,
            "default_region": region,
            "default_currency": currency,
            "is_active": True,
        },
    )
    audit.record(
        actor,
        AuditAction.CREATE if created else AuditAction.UPDATE,
        connection,
        changes={"platform": platform, "shop_domain": domain, "secret": "set"},
    )
    return connection, created
