"""``smartcrm serve``: the web application under gunicorn (the production WSGI server)."""

from __future__ import annotations

import os
import sys
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from smartcrm.core.metrics import prepare_multiprocess_dir

MAX_WORKERS = 12  # beyond this, more machines (docs/deploy.md) rather than more processes on one
KEEP_ALIVE_SECONDS = 75


def default_workers(cores: int | None = None) -> int:
    """gunicorn's rule of thumb, 2 × cores + 1, capped: each process holds its own memory."""
    cores = cores if cores is not None else len(os.sched_getaffinity(0))
    return min(2 * cores + 1, MAX_WORKERS)


def gunicorn_argv(host: str, port: int, workers: int, threads: int, mail_sink: bool = False) -> list[str]:
    sink = ["-c", "python:smartcrm.demo.gunicorn_mail_sink"] if mail_sink else []
    json_logs = settings.SMARTCRM_LOG_FORMAT == "json"
    logger_class = "JsonAccessLogger" if json_logs else "RedactingAccessLogger"
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "smartcrm.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--access-logfile",
        "-",
        # Query values of searches and contact fields never reach the access log.
        "--logger-class",
        f"smartcrm.core.access_log.{logger_class}",
        "--graceful-timeout",
        "5",
        # An idle keep-alive connection stays open longer than clients and load balancers keep
        # theirs (60 s is common): with gunicorn's 2 s, a request sent as the server closed the
        # connection failed with a reset (bench.load, 200 users: 22 of 9,683 requests).
        "--keep-alive",
        str(KEEP_ALIVE_SECONDS),
        *sink,
    ]


def serve(host: str, port: int, workers: int = 2, threads: int = 4, *, mail_sink: bool = False) -> None:
    """Replace this process with gunicorn, so signals (Ctrl-C, SIGTERM) reach it directly.

    Static files are served by WhiteNoise straight from the apps (``WHITENOISE_USE_FINDERS``),
    so no ``collectstatic`` step is needed before starting. ``mail_sink`` (the demo) runs the
    local mail sink in gunicorn's master process. The workers count metrics in files under the
    data directory, which ``/metrics`` merges (core/metrics.py).
    """
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smartcrm.settings")
    prepare_multiprocess_dir(settings.DATA_DIR / "metrics" / "web")
    argv = gunicorn_argv(host, port, workers, threads, mail_sink)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execv(sys.executable, argv)  # noqa: S606 - our own interpreter, fixed arguments


class Command(BaseCommand):
    help = "Serve smartcrm with gunicorn (default http://127.0.0.1:8000)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help=f"worker processes (default 2 × cores + 1, at most {MAX_WORKERS})",
        )
        parser.add_argument("--threads", type=int, default=4, help="threads per worker (default 4)")

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(f"smartcrm: serving http://{options['host']}:{options['port']}/")
        workers = options["workers"] or default_workers()
        self.stdout.write(f"smartcrm: {workers} worker processes × {options['threads']} threads")
        serve(options["host"], options["port"], workers, options["threads"])
