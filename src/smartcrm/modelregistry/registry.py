"""The model registry: versioned artifacts, atomic activation, one-command rollback.

Scoring loads the active artifact of a kind and checks its SHA-256; the engine model itself
refuses a frame whose feature schema differs from the one it was trained on.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

import smartcrm
from smartcrm.core import audit
from smartcrm.core.actors import Actor
from smartcrm.core.audit import AuditAction
from smartcrm.core.errors import NotFoundError
from smartcrm.modelregistry.models import ModelKind, ModelVersion


class ArtifactIntegrityError(RuntimeError):
    """A stored artifact does not match the checksum recorded when it was registered."""


@dataclass(frozen=True)
class TrainingRecord:
    kind: ModelKind
    artifact: bytes
    engine: str
    trained_as_of: date
    data_hash: str
    metrics: dict[str, Any]
    feature_schema: dict[str, Any]
    training_window_start: date | None = None


@transaction.atomic
def register(record: TrainingRecord, *, actor: Actor, activate: bool = True) -> ModelVersion:
    """Store a new version of a kind (numbered after the last); activate it unless told not to.

    Two concurrent registrations of one kind collide on the (kind, version) constraint rather
    than share a number.
    """
    last = ModelVersion.objects.filter(kind=record.kind).aggregate(m=Max("version"))["m"] or 0
    version = ModelVersion(
        kind=record.kind,
        version=last + 1,
        trained_as_of=record.trained_as_of,
        training_window_start=record.training_window_start,
        data_hash=record.data_hash,
        code_version=smartcrm.__version__,
        engine=record.engine,
        feature_schema=record.feature_schema,
        metrics=record.metrics,
        artifact_sha256=hashlib.sha256(record.artifact).hexdigest(),
    )
    version.artifact.save(f"{record.kind}-v{version.version}.json", ContentFile(record.artifact), save=False)
    version.save()
    audit.record(
        actor, AuditAction.REGISTER_MODEL, version, changes={"kind": record.kind, "version": version.version}
    )
    if activate:
        activate_version(version_id=version.pk, actor=actor)
        version.refresh_from_db()
    return version


@transaction.atomic
def activate_version(*, version_id: int, actor: Actor) -> ModelVersion:
    """Make this version the active one of its kind, in one transaction."""
    version = ModelVersion.objects.select_for_update().filter(pk=version_id).first()
    if version is None:
        raise NotFoundError(f"model version {version_id}")
    previous = ModelVersion.objects.select_for_update().filter(kind=version.kind, is_active=True).first()
    if previous is not None and previous.pk == version.pk:
        return version
    if previous is not None:
        previous.is_active = False
        previous.save(update_fields=["is_active"])
    version.is_active = True
    version.activated_at = timezone.now()
    version.save(update_fields=["is_active", "activated_at"])
    audit.record(
        actor,
        AuditAction.ACTIVATE_MODEL,
        version,
        changes={"kind": version.kind, "from": previous.version if previous else None, "to": version.version},
    )
    return version


@transaction.atomic
def activate_together(version_ids: list[int], *, actor: Actor) -> list[ModelVersion]:
    """Activate several versions (of different kinds) in one transaction: all or none."""
    return [activate_version(version_id=pk, actor=actor) for pk in version_ids]


def rollback(*, kind: str, actor: Actor) -> ModelVersion:
    """Re-activate the version before the active one."""
    active = ModelVersion.objects.filter(kind=kind, is_active=True).first()
    if active is None:
        raise NotFoundError(f"no active {kind} model to roll back from")
    previous = ModelVersion.objects.filter(kind=kind, version__lt=active.version).order_by("-version").first()
    if previous is None:
        raise NotFoundError(f"{kind} v{active.version} is the first version; nothing to roll back to")
    return activate_version(version_id=previous.pk, actor=actor)


@transaction.atomic
def deactivate(*, kind: str, actor: Actor) -> ModelVersion:
    """Leave ``kind`` with no active version (for text sentiment: back to the shipped default)."""
    active = ModelVersion.objects.select_for_update().filter(kind=kind, is_active=True).first()
    if active is None:
        raise NotFoundError(f"no active {kind} model to deactivate")
    active.is_active = False
    active.save(update_fields=["is_active"])
    changes = {"kind": kind, "from": active.version, "to": None}
    audit.record(actor, AuditAction.DEACTIVATE_MODEL, active, changes=changes)
    return active


def active_version(kind: str) -> ModelVersion | None:
    return ModelVersion.objects.filter(kind=kind, is_active=True).first()


def load_artifact(version: ModelVersion) -> bytes:
    with version.artifact.open("rb") as handle:
        data = handle.read()
    if hashlib.sha256(data).hexdigest() != version.artifact_sha256:
        raise ArtifactIntegrityError(f"{version}: the artifact does not match its recorded checksum")
    return data


def data_hash(*frames: Any) -> str:
    """A stable fingerprint of the training extract (pandas frames), for the model card."""
    import pandas as pd

    digest = hashlib.sha256()
    for frame in frames:
        digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()
