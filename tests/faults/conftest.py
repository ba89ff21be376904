"""Kill -9 for real: smartcrm processes (a web server, ``smartcrm train``, a Celery worker)
started on the PostgreSQL test database, killed with SIGKILL mid-job, then recovered. Every
process a test starts is killed at its end whatever happens (``processes``)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

import pytest

from tests.campaigns.conftest import smtp  # noqa: F401 - the real SMTP server fixture
from tests.faults.processes import kill9


@pytest.fixture
def processes() -> Iterator[list[subprocess.Popen[bytes]]]:
    """Processes a test starts; whatever is still alive at the end is killed."""
    started: list[subprocess.Popen[bytes]] = []
    yield started
    for process in started:
        if process.poll() is None:
            kill9(process)
