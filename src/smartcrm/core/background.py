"""The embedded background runner: jobs off the web request when there is no broker.

With Redis (``REDIS_URL``) a job is a Celery message and a worker process runs it. Without
(the embedded default: the demo, a small shop) Celery is eager, and calling a task runs it
right there: before this runner, a 20,000-row import ran inside the upload's request and held
a server thread for over a minute. The web server (``smartcrm.wsgi``) starts this runner in
each of its processes; from then on a job sent after a commit runs on a small pool of threads
beside the request threads and the request answers at once with the run ``queued``. The UI and
the API poll the run record, as they do with Celery.

Each job runs in a thread of its own with its own database connections, closed when the job
ends (a thread that keeps a connection would hold it open for the life of the process).
Nothing else starts the runner: the ``smartcrm`` commands, the Celery worker and the tests run
jobs inline, as before, so their results are there when the call returns. A test that wants the
runner starts one and ``drain``\\ s it (``tests/core/test_background.py``).

A process killed mid-job leaves its run ``running``; the stale-run sweeper (``recovery.py``)
finds it by its heartbeat, and the runner sweeps when it starts and every lease period. The
runner also runs the periodic jobs apps register with :func:`register_periodic` (the SLA breach
check), which Celery beat schedules when there is a broker.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait

from django.conf import settings
from django.db import connections
from django.utils.module_loading import import_string

logger = logging.getLogger("smartcrm.background")


class BackgroundRunner:
    """A pool of ``workers`` threads that run jobs; ``drain`` waits for those submitted so far."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self._pool: ThreadPoolExecutor | None = None
        self._pending: set[Future[None]] = set()
        self._lock = threading.Lock()
        self._timers: dict[str, threading.Timer] = {}

    @property
    def started(self) -> bool:
        return self._pool is not None

    def start(self, *, sweep_every: float | None = None, periodic: bool = False) -> None:
        """Take jobs from now on; with ``sweep_every`` (seconds) also sweep stale runs now and then,
        with ``periodic`` also run the registered periodic jobs."""
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="smartcrm-job")
        if sweep_every:
            self._schedule("stale-run sweep", _sweep_stale_runs, 0.0, sweep_every)
        for name, (path, every) in sorted(_periodic.items()) if periodic else ():
            self._schedule(name, _imported(path), every, every)

    def submit(self, name: str, work: Callable[[], object]) -> None:
        """Run ``work`` on a pool thread; a failure is logged by the job's name and type only."""
        pool = self._pool
        if pool is None:
            raise RuntimeError("the background runner is not started")

        def run() -> None:
            try:
                work()
            except Exception as exc:  # the run record says what failed; the log names no values
                logger.error("background job %s failed with %s", name, type(exc).__name__)
            finally:
                connections.close_all()  # this thread's connections only

        future = pool.submit(run)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._forget)

    def _forget(self, future: Future[None]) -> None:
        with self._lock:
            self._pending.discard(future)

    def drain(self, timeout: float = 60.0) -> None:
        """Wait until every job submitted so far (and any job those submit) has finished."""
        while True:
            with self._lock:
                pending = set(self._pending)
            if not pending:
                return
            _, not_done = wait(pending, timeout=timeout)
            if not_done:
                raise TimeoutError(f"{len(not_done)} background jobs still running after {timeout}s")

    def stop(self, *, wait_for_jobs: bool = True) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
            timers, self._timers = self._timers, {}
        for timer in timers.values():
            timer.cancel()
        if pool is not None:
            pool.shutdown(wait=wait_for_jobs)

    def _schedule(self, name: str, work: Callable[[], object], delay: float, every: float) -> None:
        """Run ``work`` after ``delay`` seconds, then every ``every`` seconds while started."""

        def run() -> None:
            try:
                work()
            except Exception as exc:  # a database that is down now may be up at the next run
                logger.error("periodic job %s failed with %s", name, type(exc).__name__)
            finally:
                connections.close_all()
                if self.started:
                    self._schedule(name, work, every, every)

        timer = threading.Timer(delay, run)
        timer.daemon = True
        with self._lock:
            self._timers[name] = timer
        timer.start()


def _sweep_stale_runs() -> None:
    from smartcrm.core import recovery

    recovery.sweep()


def _imported(path: str) -> Callable[[], object]:
    def run() -> object:
        work: Callable[[], object] = import_string(path)
        return work()

    return run


# The periodic jobs Celery beat runs with a broker, which the embedded runner runs itself
# without one: name → (dotted path of a function without arguments, seconds between runs).
# Each app registers its own in ``AppConfig.ready``.
_periodic: dict[str, tuple[str, float]] = {}


def register_periodic(name: str, path: str, *, every: float) -> None:
    """Run the function at ``path`` every ``every`` seconds in the embedded mode."""
    _periodic[name] = (path, every)


#: The runner of this process; started by the web server in the embedded mode only.
runner = BackgroundRunner(workers=2)


def start_embedded() -> bool:
    """Start this process's runner when there is no broker (the web server calls this)."""
    if settings.REDIS_URL or not settings.SMARTCRM_BACKGROUND_THREADS:
        return False
    runner.workers = settings.SMARTCRM_BACKGROUND_THREADS
    runner.start(sweep_every=float(settings.SMARTCRM_JOB_LEASE_SECONDS), periodic=True)
    return True
