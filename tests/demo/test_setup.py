"""The demo set-up refuses to run where its published passwords would be a hole."""

from __future__ import annotations

import pytest


@pytest.mark.django_db
def test_demo_is_refused_in_production(monkeypatch) -> None:
    from django.core.management import CommandError, call_command

    monkeypatch.setenv("SMARTCRM_ENV", "production")
    with pytest.raises(CommandError, match="published passwords"):
        call_command("demo")
