"""Starting background work from a service without importing the app's task module.

A task module imports the services it runs (``tasks`` → ``services``), so a service must not
import the tasks back: that is an import circle, and it hides which way the code depends. A
service that hands work to a worker starts a ``Job`` instead. Each app declares its jobs in its
``jobs.py`` and connects them to its Celery tasks in ``AppConfig.ready``::

    # imports/jobs.py
    run_import: Job[[int]] = Job("smartcrm.imports.run_import")

    # imports/apps.py, ready()
    jobs.run_import.connect_task("smartcrm.imports.tasks.run_import")

    # imports/services.py
    jobs.run_import.on_commit(run.pk)

``connect_task`` names the task by dotted path and imports it at the first send: a task module
imports its app's services and, through them, the engines (pandas, scikit-learn…), which a web
worker or a CLI command that never starts the job should not pay for at start-up. A test (or a
tool) can ``connect`` another sender. Jobs take ids, like the tasks they start.

Where the job runs: with Redis, on a Celery worker; without, in the web server on the embedded
background runner (``background.py``) once it is started, and inline everywhere else (the
commands, the tests), where Celery is eager.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, ParamSpec

from django.db import transaction
from django.utils.module_loading import import_string

from smartcrm.core import background

P = ParamSpec("P")


class JobNotConnected(LookupError):
    """A job was started before its app connected it to a task (the app is not ready?)."""


class Job(Generic[P]):
    """A named piece of background work; ``connect`` says how it is sent, ``send`` sends it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._sender: Callable[P, object] | None = None
        self._task_path: str | None = None

    def connect(self, sender: Callable[P, object]) -> None:
        """Send this job with ``sender`` from now on."""
        self._sender, self._task_path = sender, None

    def connect_task(self, path: str) -> None:
        """Send this job with the ``delay`` of the Celery task at ``path``, imported at first send."""
        self._sender, self._task_path = None, path

    @property
    def connected(self) -> bool:
        return self._sender is not None or self._task_path is not None

    def send(self, *args: P.args, **kwargs: P.kwargs) -> None:
        """Hand the job over now (to the embedded runner's threads when it is started)."""
        if self._sender is None and self._task_path is not None:
            self._sender = import_string(self._task_path).delay
        sender = self._sender
        if sender is None:
            raise JobNotConnected(f"The job {self.name} is not connected to a task.")
        if background.runner.started:
            background.runner.submit(self.name, lambda: sender(*args, **kwargs))
        else:
            sender(*args, **kwargs)

    def on_commit(self, *args: P.args, **kwargs: P.kwargs) -> None:
        """Hand the job over once the current transaction commits (at once outside one)."""
        transaction.on_commit(lambda: self.send(*args, **kwargs))

    def __repr__(self) -> str:
        return f"<Job {self.name}{'' if self.connected else ' (not connected)'}>"
