"""Where attachment files live: the ``attachments`` storage of ``STORAGES`` (settings.py).

Under ``DATA_DIR/attachments`` by default, or an S3-compatible bucket (django-storages). Keys
are made here from random ids, never from the uploaded name. No URL of this storage is ever
given out: files are served by the attachment views, which check the role first.
"""

from __future__ import annotations

import shutil
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.files.base import ContentFile
from django.core.files.storage import Storage, storages
from django.utils import timezone


def attachment_storage() -> Storage:
    return storages["attachments"]


def new_key(folder: str, extension: str) -> str:
    return f"{folder}/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.{extension}"


def save(key: str, data: bytes) -> str:
    return attachment_storage().save(key, ContentFile(data))


def delete(*keys: str) -> None:
    """Remove the files (after the rows that named them are gone); a missing file is fine."""
    store = attachment_storage()
    for key in keys:
        if key:
            store.delete(key)


def read(key: str) -> bytes:
    with attachment_storage().open(key, "rb") as handle:
        return bytes(handle.read())


@contextmanager
def local_copy(key: str, suffix: str) -> Iterator[Path]:
    """The file as a temporary local one (readers take a path; S3 has none), removed after."""
    with tempfile.TemporaryDirectory(prefix="smartcrm-attachment-") as folder:
        path = Path(folder) / f"file{suffix}"
        with attachment_storage().open(key, "rb") as source, path.open("wb") as target:
            shutil.copyfileobj(source, target)
        yield path
