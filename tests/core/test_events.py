"""Each domain app's events name their handlers by dotted path: every path must resolve, and
the work a handler returns runs only after the commit."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

import smartcrm
from smartcrm.core import events

HANDLER = re.compile(r'"(smartcrm\.\w+\.events\.\w+)"')


def _named_handlers() -> list[str]:
    root = Path(smartcrm.__file__).parent
    return sorted({m for f in root.glob("*/events.py") for m in HANDLER.findall(f.read_text())})


def test_every_named_handler_exists() -> None:
    names = _named_handlers()
    assert "smartcrm.textanalysis.events.ticket_message_added" in names
    for name in names:
        assert callable(events._handler(name)), name


@pytest.mark.django_db(transaction=True)
def test_the_work_runs_after_the_commit_and_never_on_rollback(monkeypatch: Any) -> None:
    from django.db import transaction

    ran: list[int] = []
    monkeypatch.setattr(events, "_handler", lambda path: lambda obj: lambda: ran.append(obj))
    with transaction.atomic():
        events.announce(1, "smartcrm.any.events.handler")
        assert ran == []
    assert ran == [1]

    def rolled_back() -> None:
        with transaction.atomic():
            events.announce(2, "smartcrm.any.events.handler")
            raise RuntimeError

    with pytest.raises(RuntimeError):
        rolled_back()
    assert ran == [1]
