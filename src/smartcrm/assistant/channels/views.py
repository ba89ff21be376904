"""Telegram's webhook URL. It authenticates by the secret header, not by a session, so it is
CSRF-exempt and lives under ``/hooks/`` beside the shops' webhooks."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from smartcrm.accounts.access import public

from . import telegram_hook


@public("Telegram's webhook, authenticated by the bot's secret token header")
@csrf_exempt
@require_POST
def telegram_webhook(request: HttpRequest, bot_id: str) -> HttpResponse:
    status = telegram_hook.receive_update(bot_id=bot_id, headers=request.headers, body=request.body)
    return HttpResponse(status=status)
