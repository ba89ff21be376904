"""The one decorator every smartcrm background task is declared with (after Sentry's base task).

A task declared with ``smartcrm_task``:

* is bound (``self`` first), so it can report progress with ``self.update_state``;
* acknowledges its message only when done, so a worker that dies mid-way hands it on;
* retries with exponential backoff and jitter when the database drops or locks
  (``OperationalError``/``InterfaceError``), which is why tasks must be idempotent;
* logs its name, attempt, outcome and duration, and never its arguments or exception messages
  (database errors can quote row values), so no PII reaches the logs.

Tasks take ids, never model instances, and look their objects up themselves.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar

from celery import Task
from django.conf import settings
from django.db import InterfaceError, OperationalError
from django.utils import translation

from smartcrm.celery import app

logger = logging.getLogger("smartcrm.tasks")

RETRY_ON: tuple[type[Exception], ...] = (OperationalError, InterfaceError)
R = TypeVar("R")


def smartcrm_task(
    *, name: str, max_retries: int = 3, retry_backoff_max: int = 120, **options: Any
) -> Callable[[Callable[..., R]], Any]:
    """Declare a Celery task the smartcrm way; ``name`` is its stable, dotted name."""

    def decorator(func: Callable[..., R]) -> Any:
        @functools.wraps(func)
        def timed(self: Task, *args: Any, **kwargs: Any) -> R:
            started = time.monotonic()
            outcome = "failed"
            try:
                # In the shop's default language, as on a worker (which has no request): what a
                # task stores (import errors, run logs) is translated when it is shown, so a task
                # run inline from a Chinese reader's request stores the same as on a worker.
                with translation.override(settings.LANGUAGE_CODE):
                    result = func(self, *args, **kwargs)
            except RETRY_ON as exc:
                outcome = f"hit {type(exc).__name__}"
                raise
            except Exception as exc:
                outcome = f"failed with {type(exc).__name__}"
                raise
            else:
                outcome = "done"
                return result
            finally:
                logger.info(
                    "task %s [%s] %s in %.2fs (attempt %d)",
                    name,
                    self.request.id or "inline",
                    outcome,
                    time.monotonic() - started,
                    self.request.retries + 1,
                )

        # Registered on smartcrm's app itself, so importing a task module is enough to configure
        # Celery from the Django settings (eager without REDIS_URL, Redis with it).
        return app.task(
            bind=True,
            name=name,
            acks_late=True,
            autoretry_for=RETRY_ON,
            max_retries=max_retries,
            retry_backoff=True,
            retry_backoff_max=retry_backoff_max,
            retry_jitter=True,
            **options,
        )(timed)

    return decorator


@smartcrm_task(name="smartcrm.core.sweep_stale_runs")
def sweep_stale_runs(self: Task) -> dict[str, int]:
    """Find the runs whose worker died and mark or resend them (core/recovery.py; beat)."""
    from smartcrm.core import recovery

    return recovery.sweep()


@smartcrm_task(name="smartcrm.core.anchor_audit_head")
def anchor_audit_head(self: Task) -> int:
    """Append the audit chain's head to the anchor file and the log (core/audit_anchor.py; beat)."""
    from smartcrm.core import audit_anchor

    anchor = audit_anchor.write_anchor()
    return anchor.seq if anchor else 0
