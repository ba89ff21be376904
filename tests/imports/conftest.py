"""Helpers for the import tests: a small CSV corpus written into tmp_path, and a CLI runner."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    """Write text (or bytes) to a file; text is UTF-8 unless ``encoding`` says otherwise."""
    counter = iter(range(1_000_000))

    def write(content: str | bytes, name: str = "", encoding: str = "utf-8") -> Path:
        path = tmp_path / (name or f"file{next(counter)}.csv")
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_bytes(content.encode(encoding))
        return path

    return write


@dataclass
class CommandRun:
    stdout: str
    stderr: str


@pytest.fixture
def run_command() -> Callable[..., CommandRun]:
    def run(*args: Any) -> CommandRun:
        out, err = StringIO(), StringIO()
        call_command("import", *[str(a) for a in args], stdout=out, stderr=err)
        return CommandRun(out.getvalue(), err.getvalue())

    return run
