"""The inbound webhook URLs. They authenticate by the shop's HMAC, not by a session or token,
so they are CSRF-exempt and live outside ``/api/v1``."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from smartcrm.accounts.access import public
from smartcrm.integrations import inbound


@public("a shop's webhook, authenticated by its HMAC signature with the connection's secret")
@csrf_exempt
@require_POST
def shop_webhook(request: HttpRequest, platform: str, shop: str) -> JsonResponse:
    answer = inbound.receive(platform=platform, shop=shop, headers=request.headers, body=request.body)
    return JsonResponse(answer.body, status=answer.status)
