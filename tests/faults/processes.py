"""Starting smartcrm processes on the PostgreSQL test database and killing them with SIGKILL.

Nothing here may hang the suite: every wait has a deadline, and a process that exits early fails
the test with its log.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from django.db import connection

REPO = Path(__file__).resolve().parents[2]

#: Every test here: a process killed mid-job must share the database with the test.
ON_POSTGRES = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="a killed process needs a database shared with the test"
)


def start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """Start ``smartcrm`` with these arguments in a process group of its own (killed as one)."""
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "smartcrm", *command],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )


def kill9(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL the process and everything it started; reap it."""
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:  # not a group leader: the process alone
        process.kill()
    process.wait(timeout=30)


def wait_until(
    condition: Callable[[], bool], *, timeout: float, process: subprocess.Popen[bytes], log: Path, what: str
) -> None:
    """Poll ``condition`` until it holds; fail with the log if the process exits or time runs out."""
    deadline = time.monotonic() + timeout
    while not condition():
        if process.poll() is not None:
            pytest.fail(
                f"the process exited ({process.returncode}) before {what}:\n{log.read_text()[-4000:]}"
            )
        if time.monotonic() > deadline:
            pytest.fail(f"no {what} within {timeout}s:\n{log.read_text()[-4000:]}")
        time.sleep(0.02)


def kill_mid_run(run_id: int, worker: subprocess.Popen[bytes], log: Path) -> None:
    """SIGKILL a fan-out worker once one chunk of the run is done and another is running, and
    check the run was caught before its end."""
    from smartcrm.intelligence.models import ChunkStatus, RefreshChunk

    chunks = RefreshChunk.objects.filter(run_id=run_id)

    def midway() -> bool:
        return (
            chunks.filter(status=ChunkStatus.DONE).exists()
            and chunks.filter(status=ChunkStatus.RUNNING).exists()
        )

    wait_until(midway, timeout=600, process=worker, log=log, what="a chunk done and one running")
    os.kill(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)
    assert chunks.exclude(status=ChunkStatus.DONE).exists(), "killed too late to prove anything"
