"""Health, readiness and metrics endpoints for load balancers and Prometheus (docs/deploy.md)."""

from __future__ import annotations

import hmac
from collections.abc import Mapping

import redis
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from smartcrm.accounts.access import public
from smartcrm.core import health, metrics
from smartcrm.core.queues import QUEUES
from smartcrm.intelligence.selectors import last_refresh_finished_at

LOOPBACK = frozenset({"127.0.0.1", "::1"})


@public("liveness only: says the process answers, reads nothing")
@require_safe
@never_cache
def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


@public("readiness: the state of the database, Redis and migrations, no data and no error text")
@require_safe
@never_cache
def readyz(request: HttpRequest) -> HttpResponse:
    checks = health.readiness()
    ready = health.is_ready(checks)
    return JsonResponse(
        {"status": "ok" if ready else "unavailable", "checks": checks}, status=200 if ready else 503
    )


def _metrics_allowed(request: HttpRequest) -> bool:
    """The bearer token when one is set; without one, only a direct loopback client (not one a
    proxy on this machine forwards, which may come from anywhere)."""
    token = settings.SMARTCRM_METRICS_TOKEN
    if token:
        given = request.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    return request.META.get("REMOTE_ADDR") in LOOPBACK and "X-Forwarded-For" not in request.headers


def _queue_lengths() -> Mapping[tuple[str, ...], float]:
    if not settings.REDIS_URL:
        return {}
    client = redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=2, socket_connect_timeout=2)
    try:
        return {(queue,): float(client.llen(queue)) for queue in QUEUES}
    except redis.RedisError:
        return {}  # /readyz reports Redis; the gauge is absent rather than wrong
    finally:
        client.close()


@public("Prometheus scrape: the bearer token SMARTCRM_METRICS_TOKEN, or a loopback client when unset")
@require_safe
@never_cache
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not _metrics_allowed(request):
        return HttpResponse("metrics: a bearer token is required\n", status=401, content_type="text/plain")
    refreshed = last_refresh_finished_at()
    age: dict[tuple[str, ...], float] = {}
    if refreshed is not None:
        age[()] = (timezone.now() - refreshed).total_seconds()
    body = metrics.exposition(
        settings.DATA_DIR / "metrics",
        [
            (
                "smartcrm_celery_queue_length",
                "Messages waiting in a Celery queue",
                _queue_lengths(),
                ("queue",),
            ),
            (
                "smartcrm_refresh_age_seconds",
                "Seconds since the latest successful training or scoring run finished",
                age,
                (),
            ),
        ],
    )
    return HttpResponse(body, content_type=metrics.CONTENT_TYPE)
