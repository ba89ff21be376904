"""Uploaded import files: kept private, and only as long as a run may need them.

A wizard or API upload is written under ``MEDIA_ROOT/imports/<random>/`` in a directory only the
server's user may open (0700) as a file only it may read (0600), encrypted with the key of the
PII columns (``core.filecrypt``): it holds customers' contact details. An import, the wizard's
check and preview read it through :func:`readable`, which decrypts it into a file without a
name (``O_TMPFILE``: the kernel frees it when the reading process ends, killed or not), reached
through a symlink of the upload's name in a private temporary directory. It is deleted as soon as it
has no use: at once when it cannot be read (the upload is refused), when its run is done, and —
for runs that failed or were cancelled (a resume reads the file again) and drafts never started
— after ``SMARTCRM_IMPORT_RETENTION_DAYS``. Files given to ``smartcrm import`` are the user's own
and never touched.
"""

from __future__ import annotations

import os
import secrets
import shutil
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import get_valid_filename
from django.utils.translation import gettext

from smartcrm.core import filecrypt
from smartcrm.core.crypto import DecryptionError
from smartcrm.core.pii import keyring
from smartcrm.imports.errors import ImportFileError


def uploads_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "imports"


def save_upload(upload: UploadedFile) -> Path:
    """Write the upload, encrypted, to a fresh private directory; the file's path."""
    root = uploads_dir()
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    directory = root / secrets.token_hex(8)
    directory.mkdir(mode=0o700)
    name = get_valid_filename(Path(upload.name or "upload").name)[:200] or "upload"
    path = directory / name
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        filecrypt.encrypt_to(keyring(), upload.chunks(), handle, upload.size or 0)
    return path


def plain_size(path: str | Path) -> int:
    """The size of the file as uploaded (before encryption)."""
    with Path(path).open("rb") as handle:
        if not filecrypt.is_encrypted(handle):
            return Path(path).stat().st_size
        return filecrypt.read_header(handle)[2]


@contextmanager
def readable(path: str | Path) -> Iterator[Path]:
    """A path to read the file at: an encrypted upload decrypted for as long as the block runs;
    any other file (one given to ``smartcrm import``, an upload stored before encryption) as it is."""
    path = Path(path)
    try:
        source = path.open("rb")
    except OSError:
        yield path  # the readers report a missing or unreadable file in their own words
        return
    with source:
        if not filecrypt.is_encrypted(source):  # by its header: another process's data dir too
            source.close()
            yield path
            return
        with tempfile.TemporaryFile() as plain, tempfile.TemporaryDirectory() as links:
            try:
                filecrypt.decrypt_to(keyring(), source, plain)
            except DecryptionError as exc:
                message = gettext("The stored upload cannot be decrypted (%(reason)s).") % {"reason": exc}
                raise ImportFileError(message) from exc
            plain.flush()
            link = Path(links) / path.name
            link.symlink_to(f"/proc/{os.getpid()}/fd/{plain.fileno()}")
            yield link


def is_upload(path: str | Path) -> bool:
    """Whether the file is one of ours (an upload), not a file given to ``smartcrm import``."""
    try:
        return Path(path).resolve().parent.parent == uploads_dir().resolve()
    except OSError:
        return False


def discard(path: str | Path) -> None:
    """Delete an upload and its directory (the run's error report included)."""
    if is_upload(path):
        shutil.rmtree(Path(path).parent, ignore_errors=True)


def delete_file(path: str | Path) -> None:
    """Delete an upload's data but keep its directory's error report (the run's page links it)."""
    if is_upload(path):
        Path(path).unlink(missing_ok=True)


def expired_dirs(now: float | None = None) -> list[Path]:
    """Upload directories older than the retention period."""
    root = uploads_dir()
    if not root.is_dir():
        return []
    cutoff = (now or time.time()) - settings.SMARTCRM_IMPORT_RETENTION_DAYS * 86400
    return [d for d in root.iterdir() if d.is_dir() and d.stat().st_mtime < cutoff]
