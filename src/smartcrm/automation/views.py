"""A webhook workflow's inbound URL: ``POST /hooks/workflows/<secret token>`` with a JSON body.

The token in the URL is the credential (as with a shop's webhook, CSRF-exempt and outside
``/api/v1``). An ``Idempotency-Key`` header makes a repeated call start nothing new.
"""

from __future__ import annotations

import json

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from smartcrm.accounts.access import public
from smartcrm.automation import services
from smartcrm.automation.models import Workflow

MAX_BODY = 64 * 1024


@public("a workflow's inbound webhook, named by its unguessable secret token in the URL")
@csrf_exempt
@require_POST
def inbound(request: HttpRequest, token: str) -> JsonResponse:
    if len(request.body) > MAX_BODY:
        return JsonResponse({"error": "body too large"}, status=413)
    try:
        payload = json.loads(request.body or b"{}")
    except ValueError:
        return JsonResponse({"error": "the body is not JSON"}, status=400)
    if not isinstance(payload, dict):
        return JsonResponse({"error": "the body is a JSON object"}, status=400)
    try:
        run = services.receive_webhook(
            token=token, payload=payload, delivery_id=request.headers.get("Idempotency-Key", "")
        )
    except Workflow.DoesNotExist:
        return JsonResponse({"error": "no such workflow"}, status=404)
    return JsonResponse({"run": run.pk if run else None, "started": run is not None}, status=202)
