"""Signs of life of a running job, so that a job whose process died can be told from a slow one.

A long job (an import, a de-duplication run, a campaign, a workflow run, a training run) runs
inside :func:`beating`: its record gets the worker's id (``host:pid``) and a ``heartbeat_at``
that a small thread renews every quarter of the lease (``SMARTCRM_JOB_LEASE_SECONDS``) while
the job runs, whatever the job is doing (a model fit can take minutes between progress
reports). A process killed with SIGKILL stops beating with it.

:func:`is_stale` is the sweeper's test (``recovery.py``): no beat for longer than the lease, or
a worker on this host whose process is gone (then there is no need to wait for the lease: a
restarted server or worker on the same machine recovers its runs at once). A worker on another
host is judged by the lease alone.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.db import connections, models
from django.utils import timezone

from smartcrm.core.connection import reconnect_if_broken

logger = logging.getLogger("smartcrm.heartbeat")

HOST = socket.gethostname()[:100]


def worker_id() -> str:
    """This process, as recorded on the runs it works on."""
    return f"{HOST}:{os.getpid()}"


def lease() -> timedelta:
    return timedelta(seconds=settings.SMARTCRM_JOB_LEASE_SECONDS)


def process_gone(worker: str) -> bool:
    """Whether ``worker`` (``host:pid``) is a process of this host that no longer runs."""
    host, _, pid_text = worker.rpartition(":")
    if host != HOST or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:  # alive, someone else's
        return False
    stat = Path(f"/proc/{pid}/stat")
    try:  # a killed child its parent has not reaped yet is a zombie: gone all the same
        return stat.read_text().rsplit(")", 1)[1].split()[0] == "Z"
    except (OSError, IndexError):
        return False


def is_stale(heartbeat_at: datetime | None, worker: str, now: datetime | None = None) -> bool:
    """A running record whose worker has stopped: silent past the lease, or its process gone."""
    now = now or timezone.now()
    silent = heartbeat_at is None or heartbeat_at < now - lease()
    return silent or (bool(worker) and process_gone(worker))


@contextmanager
def beating(model: type[models.Model], pk: int) -> Iterator[None]:
    """Record this worker on row ``pk`` of ``model`` (fields ``worker``, ``heartbeat_at``) and
    renew ``heartbeat_at`` in the background until the block ends."""
    me = worker_id()
    rows = model._default_manager.filter(pk=pk)
    rows.update(worker=me, heartbeat_at=timezone.now())
    stop = threading.Event()
    every = max(lease().total_seconds() / 4, 0.05)

    def beat() -> None:
        try:
            while not stop.wait(every):
                try:
                    rows.filter(worker=me).update(heartbeat_at=timezone.now())
                except Exception as exc:  # a database hiccup: the next beat tries again
                    logger.warning("heartbeat on %s %s failed: %s", model.__name__, pk, type(exc).__name__)
                    reconnect_if_broken()  # on a fresh connection if this one was lost
        finally:
            connections.close_all()  # this thread's connection

    thread = threading.Thread(target=beat, name=f"heartbeat-{model.__name__}-{pk}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=10)
