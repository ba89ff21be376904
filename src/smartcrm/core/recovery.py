"""The stale-run sweeper: runs whose worker died are found and marked, or handed on.

A worker killed with SIGKILL (or a server restarted mid-job, a machine that lost power) leaves
its run ``running`` forever: nothing in the dead process can say otherwise. Every long job
beats on its record (``heartbeat.py``); each app that has such runs registers a recoverer in
its ``AppConfig.ready``::

    recovery.register("imports", "smartcrm.imports.recovery.recover_stale")

A recoverer takes the sweep's time, finds its running records that :func:`heartbeat.is_stale`
calls stale, and either marks them ``interrupted`` with a message saying what was kept and how
to go on (imports, de-duplication, training: a person decides), or sends their job again when
going on is safe by construction (campaign sends and workflow steps are exactly once). Each
change is a conditional UPDATE on the values it read, so two sweepers, or a sweeper and a
worker that was only slow, never both win.

The sweep runs when a web server or a Celery worker starts, every lease period (the embedded
runner's timer; Celery beat's ``smartcrm.core.sweep_stale_runs``), and on demand with
``smartcrm recover``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime

from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger("smartcrm.recovery")

Recoverer = Callable[[datetime], int]

_recoverers: dict[str, str] = {}


def register(name: str, path: str) -> None:
    """Sweep with the function at ``path`` (imported at the first sweep) under ``name``."""
    _recoverers[name] = path


def registered() -> dict[str, str]:
    return dict(_recoverers)


def sweep(now: datetime | None = None) -> dict[str, int]:
    """Run every recoverer; how many stale runs each found. One failing does not stop the rest."""
    now = now or timezone.now()
    found: dict[str, int] = {}
    for name, path in sorted(_recoverers.items()):
        recover: Recoverer = import_string(path)
        try:
            found[name] = recover(now)
        except Exception as exc:
            logger.error("recovering stale %s runs failed with %s", name, type(exc).__name__)
            found[name] = -1
        if found[name] > 0:
            logger.warning("recovered %d stale %s runs", found[name], name)
    return found
