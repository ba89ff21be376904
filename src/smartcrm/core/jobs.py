"""Starting background work from a service without importing the app's task module.

A task module imports the services it runs (``tasks`` → ``services``), so a service must not
import the tasks back: that is an import circle, and it hides which way the code depends. A
service that hands work to a worker starts a ``Job`` instead. Each app declares its jobs in its
``jobs.py`` and connects them to its Celery tasks in ``AppConfig.ready``::

    # imports/jobs.py
    run_import: Job[[int]] = Job("smartcrm.imports.run_import")

    # imports/apps.py, ready()
    jobs.run_import.connect(tasks.run_import.delay)

    # imports/services.py
    jobs.run_import.on_commit(run.pk)

A test (or a tool) can ``connect`` another sender. Jobs take ids, like the tasks they start.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, ParamSpec

from django.db import transaction

P = ParamSpec("P")


class JobNotConnected(LookupError):
    """A job was started before its app connected it to a task (the app is not ready?)."""


class Job(Generic[P]):
    """A named piece of background work; ``connect`` says how it is sent, ``send`` sends it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._sender: Callable[P, object] | None = None

    def connect(self, sender: Callable[P, object]) -> None:
        """Send this job with ``sender`` (usually a Celery task's ``delay``) from now on."""
        self._sender = sender

    @property
    def connected(self) -> bool:
        return self._sender is not None

    def send(self, *args: P.args, **kwargs: P.kwargs) -> None:
        """Hand the job over now."""
        if self._sender is None:
            raise JobNotConnected(f"The job {self.name} is not connected to a task.")
        self._sender(*args, **kwargs)

    def on_commit(self, *args: P.args, **kwargs: P.kwargs) -> None:
        """Hand the job over once the current transaction commits (at once outside one)."""
        transaction.on_commit(lambda: self.send(*args, **kwargs))

    def __repr__(self) -> str:
        return f"<Job {self.name}{'' if self.connected else ' (not connected)'}>"
