"""A gunicorn config hook for the demo: the local mail sink runs in gunicorn's master process
for as long as the server does (``smartcrm demo`` replaces itself with gunicorn, so a thread
started before would not survive). Loaded with ``-c python:smartcrm.demo.gunicorn_mail_sink``."""

from __future__ import annotations

from typing import Any


def when_ready(server: Any) -> None:
    from smartcrm.core.mail_sink import sink_folder, start_sink

    if start_sink() is None:
        server.log.info("mail sink: the port is taken; mail goes to whatever listens there")
    else:
        server.log.info("mail sink: keeping the demo's mail in %s", sink_folder())
