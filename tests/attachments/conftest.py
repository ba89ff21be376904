"""Attachments are stored under a temporary folder per test (the ``attachments`` storage)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from smartcrm.attachments import services
from smartcrm.attachments.models import Attachment


@pytest.fixture(autouse=True)
def attachment_folder(settings: Any, tmp_path: Path) -> Path:
    folder = tmp_path / "attachments"
    settings.STORAGES = {
        **settings.STORAGES,
        "attachments": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder), "base_url": None},
        },
    }
    return folder


@pytest.fixture
def add(django_capture_on_commit_callbacks: Any) -> Callable[..., Attachment]:
    """``services.add_attachment`` with its reading job run on commit, as a worker would; the
    attachment comes back as the job left it."""

    def add_now(**kwargs: Any) -> Attachment:
        with django_capture_on_commit_callbacks(execute=True):
            attachment = services.add_attachment(**kwargs)
        attachment.refresh_from_db()
        return attachment

    return add_now
