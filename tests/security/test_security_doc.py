"""docs/security.md shows the permission matrix as the code has it, and lists every encrypted column."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command

from smartcrm.accounts.matrix import markdown
from smartcrm.core.rotation import encrypted_columns

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"
START, END = "<!-- matrix:start -->\n", "<!-- matrix:end -->"


def test_the_documented_matrix_is_the_generated_one() -> None:
    text = DOC.read_text(encoding="utf-8")
    documented = text[text.index(START) + len(START) : text.index(END)]
    assert documented == markdown(), "regenerate it: smartcrm security matrix --markdown"


def test_the_command_prints_the_matrix(capsys: pytest.CaptureFixture[str]) -> None:
    call_command("security", "matrix", "--markdown")
    printed = capsys.readouterr().out
    assert printed == markdown()
    assert "| `view_pii` | ✓ | ✓ | ✓ | ✓ | – | – |" in printed


def test_every_encrypted_column_is_in_the_key_table() -> None:
    text = DOC.read_text(encoding="utf-8")
    for model, fields in encrypted_columns():
        for field in fields:
            assert f"`{model._meta.label_lower}.{field.name}`" in text
