"""The import wizard's steps, for the web UI and the API: upload, inspect, map, preview, run, cancel, resume.

An upload is stored privately under ``MEDIA_ROOT/imports/<random>/`` (``uploads``) and recorded
as an ``ImportRun`` in status ``draft``; nothing is imported until ``start``. The run then goes
through the same ``services.run_request`` as the CLI, on a worker.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone
from django.utils.translation import gettext as _

from smartcrm.core import audit
from smartcrm.core.actors import Actor
from smartcrm.core.audit import AuditAction
from smartcrm.core.errors import ServiceValidationError
from smartcrm.imports import jobs, uploads
from smartcrm.imports.errors import ImportFileError
from smartcrm.imports.kinds import IMPORTERS
from smartcrm.imports.mapping import suggest_mapping
from smartcrm.imports.models import ImportRun, ImportStatus, MappingTemplate
from smartcrm.imports.reader import Column, Row, open_table
from smartcrm.imports.request import ImportRequest
from smartcrm.imports.result import ImportResult
from smartcrm.imports.services import run_request
from smartcrm.imports.sources import detect_format, records
from smartcrm.imports.wording import row_message

PREVIEW_ROWS = 20
HEADER_SEARCH = 20


@dataclass
class Inspection:
    """What the wizard shows after an upload: how the file reads and a suggested mapping."""

    format: str
    header_row: int
    header: list[str]
    suggestion: dict[str, str]
    columns: tuple[Column, ...]


def max_upload_bytes() -> int:
    return int(settings.SMARTCRM_IMPORT_MAX_UPLOAD_MB) * 1024 * 1024


def store_upload(*, actor: Actor, kind: str, upload: UploadedFile, system: str = "import") -> ImportRun:
    """Keep an uploaded file for a later run (``uploads``: private, deleted when no longer needed).

    Refuses unknown kinds, files over the size limit and files that cannot be read at all; a
    refused upload leaves nothing behind, neither the file nor a run."""
    errors: dict[str, str] = {}
    if kind not in IMPORTERS:
        errors["kind"] = _("Choose one of: %(choices)s.") % {"choices": ", ".join(IMPORTERS)}
    system = system.strip() or "import"
    if len(system) > 40:
        errors["system"] = _("At most 40 characters.")
    if upload.size is not None and upload.size > max_upload_bytes():
        errors["file"] = _("The file is larger than %(megabytes)s MB.") % {
            "megabytes": f"{max_upload_bytes() // 2**20:,}"
        }
    if errors:
        raise ServiceValidationError(errors)
    purge_expired_uploads()
    path = uploads.save_upload(upload)
    try:
        with uploads.readable(path) as plain:
            inspect_file(plain, kind)
    except ImportFileError as exc:
        uploads.discard(path)
        raise ServiceValidationError({"file": row_message(str(exc))}) from exc
    except BaseException:
        uploads.discard(path)
        raise
    run = ImportRun.objects.create(
        kind=kind,
        file_name=path.name,
        file_path=str(path),
        system=system,
        actor=audit.user_of(actor),
        status=ImportStatus.DRAFT,
    )
    audit.record(actor, AuditAction.UPLOAD, run, changes={"kind": kind, "bytes": uploads.plain_size(path)})
    return run


def purge_expired_uploads() -> None:
    """Delete uploads past the retention period, and the drafts that were never started."""
    for directory in uploads.expired_dirs():
        shutil.rmtree(directory, ignore_errors=True)
    cutoff = timezone.now() - timedelta(days=settings.SMARTCRM_IMPORT_RETENTION_DAYS)
    ImportRun.objects.filter(status=ImportStatus.DRAFT, started_at__lt=cutoff).delete()


def inspect_run(run: ImportRun) -> Inspection:
    """Detect the encoding, delimiter and header row, and suggest a mapping for the header's cells."""
    with uploads.readable(run.file_path) as plain:
        return inspect_file(plain, run.kind, run.mapping)


def inspect_file(path: Path, kind: str, mapping: dict[str, str] | None = None) -> Inspection:
    """:func:`inspect_run` for a file; ``ImportFileError`` when it cannot be read at all."""
    columns = IMPORTERS[kind].columns
    fmt = detect_format(path)
    try:
        table = open_table(path, columns, scan=False)
        header_row, header = table.header_row, table.header
    except ImportFileError:
        # No header the built-in names recognise: offer the first filled row for mapping by hand.
        header_row, header = _first_filled(path, fmt)
    suggestion = suggest_mapping(header, columns)
    if mapping:
        suggestion = {cell: mapping.get(cell, "") for cell in header}
    return Inspection(fmt.description, header_row, header, suggestion, columns)


def _first_filled(path: Path, fmt: Any) -> tuple[int, list[str]]:
    for number, record in enumerate(records(path, fmt), start=1):
        if any(cell.strip() for cell in record):
            return number, record
        if number >= HEADER_SEARCH:
            break
    raise ImportFileError(_("The file is empty."))


def save_mapping(
    run: ImportRun, mapping: dict[str, str], *, actor: Actor, template_name: str = ""
) -> ImportRun:
    """Keep the confirmed mapping on the run (and as a named template); checks it is usable."""
    columns = IMPORTERS[run.kind].columns
    known = {c.name for c in columns}
    chosen = {cell: name for cell, name in mapping.items() if name}
    errors: dict[str, str] = {}
    problems = []
    unknown = sorted(set(chosen.values()) - known)
    if unknown:
        problems.append(_("Unknown column(s): %(choices)s.") % {"choices": ", ".join(unknown)})
    targets = list(chosen.values())
    twice = sorted({name for name in targets if targets.count(name) > 1})
    if twice:
        problems.append(
            _("Each column may be chosen once; chosen twice: %(choices)s.") % {"choices": ", ".join(twice)}
        )
    missing = [c.name for c in columns if c.required and c.name not in targets]
    if missing:
        problems.append(_("Map the required column(s): %(choices)s.") % {"choices": ", ".join(missing)})
    if problems:
        errors["__all__"] = " ".join(problems)
    template_name = template_name.strip()
    if len(template_name) > 100:
        errors["template_name"] = _("At most 100 characters.")
    if errors:
        raise ServiceValidationError(errors)
    run.mapping = chosen
    run.save(update_fields=["mapping"])
    if template_name:
        MappingTemplate.objects.update_or_create(
            kind=run.kind,
            name=template_name,
            defaults={"mapping": chosen, "created_by": audit.user_of(actor)},
        )
    return run


@dataclass
class Preview:
    result: ImportResult
    rows: list[Row]


def preview_run(run: ImportRun, *, actor: Actor, rows: int = PREVIEW_ROWS) -> Preview:
    """Validate the first ``rows`` rows exactly as the run will (a dry run: nothing is kept)."""
    with uploads.readable(run.file_path) as plain:
        request = ImportRequest(
            run.kind, plain, actor, system=run.system, dry_run=True, mapping=run.mapping or None, limit=rows
        )
        result = run_request(request)
        table = open_table(plain, IMPORTERS[run.kind].columns, mapping=run.mapping or None, scan=False)
        table.scan()
        sample: list[Row] = []
        for row in table.rows():
            sample.append(row)
            if len(sample) >= rows:
                break
    return Preview(result, sample)


def start_run(run: ImportRun, *, actor: Actor) -> ImportRun:
    """Queue a draft run for a worker (once this transaction commits)."""
    if run.status != ImportStatus.DRAFT:
        raise ServiceValidationError({"__all__": _("This import has already been started.")})
    run.status = ImportStatus.QUEUED
    run.save(update_fields=["status"])
    audit.record(actor, AuditAction.START, run, changes={"kind": run.kind})
    jobs.run_import.on_commit(run.pk)
    return run


def cancel_run(run: ImportRun, *, actor: Actor) -> ImportRun:
    """Ask a running import to stop after its current batch (the writing loop checks between
    batches); a queued or interrupted one stops at once."""
    if run.status not in (ImportStatus.QUEUED, ImportStatus.RUNNING, ImportStatus.INTERRUPTED):
        raise ServiceValidationError(
            {"__all__": _("Only a queued, running or interrupted import can be cancelled.")}
        )
    updated = ImportRun.objects.filter(
        pk=run.pk, status__in=(ImportStatus.QUEUED, ImportStatus.INTERRUPTED)
    ).update(status=ImportStatus.CANCELLED, cancel_requested=True)
    if not updated:
        ImportRun.objects.filter(pk=run.pk).update(cancel_requested=True)
    audit.record(actor, AuditAction.CANCEL, run)
    run.refresh_from_db()
    return run


def resume_run(run: ImportRun, *, actor: Actor) -> ImportRun:
    """Queue a cancelled, failed or interrupted run again; it continues after its last committed
    batch (an orders run starts over and skips the orders it wrote)."""
    if not run.resumable:
        raise ServiceValidationError(
            {"__all__": _("Only a cancelled, failed or interrupted import can be resumed.")}
        )
    run.status, run.cancel_requested = ImportStatus.QUEUED, False
    run.save(update_fields=["status", "cancel_requested"])
    audit.record(actor, AuditAction.RESUME, run, changes={"after_row": run.last_row})
    jobs.run_import.on_commit(run.pk)
    return run
