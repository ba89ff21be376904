"""Prometheus metrics: request latency, Celery task durations, queue lengths (docs/deploy.md).

Under gunicorn and Celery's prefork pool each process counts on its own, so ``smartcrm serve``
and ``smartcrm worker`` set ``PROMETHEUS_MULTIPROC_DIR`` (``$SMARTCRM_DATA_DIR/metrics/web`` and
``…/worker``) before the processes start: prometheus_client then keeps every process's
counts in files there, and a scrape of ``/metrics`` merges the files of every directory under
``$SMARTCRM_DATA_DIR/metrics`` — the web processes' and those of a worker on the same machine
with the same data directory. Without the variable (``runserver``, the tests) the counts are
this process's own.

Labels are a view's name, a status class and a task's name: never a path, a query or an id,
so no customer data and no unbounded label values.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

from celery.signals import task_postrun, task_prerun
from django.http import HttpRequest, HttpResponse
from prometheus_client import REGISTRY, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

REQUEST_SECONDS = Histogram(
    "smartcrm_http_request_duration_seconds",
    "Time to answer a request, by view name and status class",
    ["view", "status"],
    buckets=(0.01, 0.025, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0, 2.5, 5.0, 10.0),
)
TASK_SECONDS = Histogram(
    "smartcrm_celery_task_duration_seconds",
    "Time a background task ran, by task name and outcome",
    ["task", "state"],
    buckets=(0.05, 0.25, 1.0, 5.0, 30.0, 120.0, 600.0, 1800.0, 3600.0, 4 * 3600.0),
)


def prepare_multiprocess_dir(directory: Path) -> None:
    """Make ``directory`` this process tree's metrics directory, without the files of processes
    that are gone (a restart starts the counts of those again; Prometheus' ``rate`` copes)."""
    directory.mkdir(parents=True, exist_ok=True)
    for path in directory.glob("*.db"):
        pid = path.stem.rsplit("_", 1)[-1]
        if not pid.isdigit() or not _alive(int(pid)):
            path.unlink(missing_ok=True)
    os.environ[MULTIPROC_ENV] = str(directory)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class MetricsMiddleware:
    """Times every request; the label is the view's URL name (``unmatched`` for a 404 on no route)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        response = self.get_response(request)
        match = request.resolver_match
        view = (match.view_name or match._func_path) if match is not None else "unmatched"
        REQUEST_SECONDS.labels(view, f"{response.status_code // 100}xx").observe(
            time.perf_counter() - started
        )
        return response


_started: dict[str, float] = {}


@task_prerun.connect
def _task_started(task_id: str | None = None, **_: Any) -> None:
    if task_id:
        _started[task_id] = time.perf_counter()


@task_postrun.connect
def _task_finished(task_id: str | None = None, task: Any = None, state: str | None = None, **_: Any) -> None:
    started = _started.pop(task_id or "", None)
    if started is not None and task is not None:
        TASK_SECONDS.labels(task.name, state or "UNKNOWN").observe(time.perf_counter() - started)


class _Gauges:
    """Values read at scrape time (queue lengths, refresh age), as one collector."""

    def __init__(
        self, gauges: Iterable[tuple[str, str, Mapping[tuple[str, ...], float], tuple[str, ...]]]
    ) -> None:
        self.gauges = list(gauges)

    def collect(self) -> Iterable[Metric]:
        for name, documentation, values, labels in self.gauges:
            family = GaugeMetricFamily(name, documentation, labels=list(labels))
            for label_values, value in values.items():
                family.add_metric(list(label_values), value)
            yield family


class _Merged:
    """Every process's counts from every metrics directory under ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def collect(self) -> Iterable[Metric]:
        files = [str(p) for p in sorted(self.root.glob("*/*.db"))]
        return MultiProcessCollector.merge(files, accumulate=True)


def exposition(
    metrics_root: Path, gauges: Iterable[tuple[str, str, Mapping[tuple[str, ...], float], tuple[str, ...]]]
) -> bytes:
    """The Prometheus text of the counted metrics plus ``gauges`` (name, help, values, labels)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(_Merged(metrics_root) if os.environ.get(MULTIPROC_ENV) else REGISTRY)
    registry.register(_Gauges(gauges))
    return generate_latest(registry)
