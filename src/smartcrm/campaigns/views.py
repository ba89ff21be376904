"""The public ends of campaign mail, without staff login: the unsubscribe link (a GET page that
asks, a POST that unsubscribes: RFC 8058's one-click POST from the mail client, or the page's
button) and the bounce/complaint webhook of an email service (a shared secret header)."""

from __future__ import annotations

import hmac
import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from smartcrm.accounts.access import public

from . import feedback, services
from .mail import send_of

MAX_BODY = 64 * 1024


@public("a recipient's one-click unsubscribe, authenticated by the link's signed token")
@csrf_exempt  # the mail client's one-click POST has no session; the signed token is the proof
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    if send_of(token) is None:
        return render(request, "campaigns/unsubscribe.html", {"state": "unknown"}, status=404)
    if request.method == "GET":  # link scanners and prefetchers GET: that must not unsubscribe
        return render(request, "campaigns/unsubscribe.html", {"state": "ask", "token": token})
    services.unsubscribe(token, source="one-click" if b"One-Click" in request.body[:200] else "page")
    return render(request, "campaigns/unsubscribe.html", {"state": "done"})


@public("the mail provider's bounce and complaint webhook, authenticated by its shared secret")
@csrf_exempt
@require_POST
def feedback_webhook(request: HttpRequest) -> HttpResponse:
    """``{"event": "bounce" | "complaint" | "unsubscribe", "email": "..."}`` (or a list of them),
    with ``X-Smartcrm-Secret`` set to SMARTCRM_CAMPAIGN_WEBHOOK_SECRET."""
    secret = str(settings.SMARTCRM_CAMPAIGN_WEBHOOK_SECRET)
    given = request.headers.get("X-Smartcrm-Secret", "")
    if not secret or not hmac.compare_digest(given.encode(), secret.encode()):
        return HttpResponse(status=403)
    if len(request.body) > MAX_BODY:
        return HttpResponse(status=413)
    try:
        payload = json.loads(request.body)
    except ValueError:
        return HttpResponse(status=400)
    events = payload if isinstance(payload, list) else [payload]
    suppressed = 0
    for item in events:
        if not isinstance(item, dict) or item.get("event") not in feedback.EVENTS or not item.get("email"):
            return HttpResponse(status=400)
        suppressed += feedback.receive_event(str(item["event"]), str(item["email"])[:320]).suppressed
    return JsonResponse({"suppressed": suppressed})
