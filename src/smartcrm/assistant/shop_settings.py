"""The shop's assistant settings (one row): read them, and change them with an audit event.

The Telegram bot token and the webhook's secret are encrypted at rest and never appear in the
audit trail, a page or a log: a change is recorded as ``"changed"``.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from smartcrm.core import audit
from smartcrm.core.actors import Actor
from smartcrm.core.audit import AuditAction
from smartcrm.core.errors import ServiceValidationError

from .models import AssistantSettings, EmailAutoReply

SENSITIVE = frozenset({"telegram_bot_token", "telegram_webhook_secret"})
# What @BotFather hands out: the bot's numeric id, a colon, 35 characters.
BOT_TOKEN = re.compile(r"\d{3,20}:[A-Za-z0-9_-]{30,64}")


def current() -> AssistantSettings:
    """The settings row, made with the defaults the first time it is read."""
    row, _created = AssistantSettings.objects.get_or_create(pk=1)
    return row


def always_hand_off() -> bool:
    """The environment (``SMARTCRM_ASSISTANT_ALWAYS_HAND_OFF=1``) forces it on; else the page."""
    return bool(settings.SMARTCRM_ASSISTANT_ALWAYS_HAND_OFF) or current().always_hand_off


def new_webhook_secret() -> str:
    """Telegram accepts 1–256 characters of ``A-Za-z0-9_-``; token_urlsafe gives just those."""
    return secrets.token_urlsafe(32)


@transaction.atomic
def update_settings(*, actor: Actor, values: dict[str, Any]) -> dict[str, Any]:
    """Change the given settings; an empty ``telegram_bot_token`` keeps the stored one (the form
    never shows it), ``clear_telegram_bot_token`` removes it. Returns what changed."""
    row = AssistantSettings.objects.select_for_update().get(pk=current().pk)
    errors: dict[str, str] = {}
    cleaned: dict[str, Any] = {}
    if "email_auto_reply" in values:
        if values["email_auto_reply"] not in EmailAutoReply.values:
            errors["email_auto_reply"] = _("Must be one of: %(choices)s.") % {
                "choices": ", ".join(EmailAutoReply.values)
            }
        cleaned["email_auto_reply"] = values["email_auto_reply"]
    for flag in ("always_hand_off", "telegram_enabled"):
        if flag in values:
            cleaned[flag] = bool(values[flag])
    token = str(values.get("telegram_bot_token") or "").strip()
    if values.get("clear_telegram_bot_token"):
        cleaned["telegram_bot_token"], cleaned["telegram_webhook_secret"] = "", ""
        cleaned["telegram_enabled"] = False
    elif token:
        if not BOT_TOKEN.fullmatch(token):
            errors["telegram_bot_token"] = _("Not a bot token from @BotFather (123456:ABC…).")
        elif token != row.telegram_bot_token:
            cleaned["telegram_bot_token"], cleaned["telegram_webhook_secret"] = token, new_webhook_secret()
    if cleaned.get("telegram_enabled") and not (cleaned.get("telegram_bot_token", row.telegram_bot_token)):
        errors["telegram_enabled"] = _("Give the bot's token to switch the Telegram channel on.")
    if errors:
        raise ServiceValidationError(errors)
    changes = audit.diff(row, cleaned, SENSITIVE)
    if changes:
        row.save()
        audit.record(actor, AuditAction.UPDATE, row, changes=changes)
    return changes
