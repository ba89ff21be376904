from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from smartcrm.core.errors import NotFoundError
from smartcrm.core.models import AuditEvent
from smartcrm.modelregistry import registry
from smartcrm.modelregistry.models import ModelKind, ModelVersion

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path


def record(payload: bytes = b'{"model": 1}') -> registry.TrainingRecord:
    return registry.TrainingRecord(
        kind=ModelKind.CHURN,
        artifact=payload,
        engine="PropensityModel/1",
        trained_as_of=date(2026, 11, 1),
        data_hash="0" * 64,
        metrics={"roc_auc": 0.85},
        feature_schema={"columns": ["recency"]},
    )


def test_versions_number_up_and_activation_swaps_atomically() -> None:
    first = registry.register(record(b"one"), actor="t")
    second = registry.register(record(b"two"), actor="t")
    assert (first.version, second.version) == (1, 2)
    assert registry.active_version(ModelKind.CHURN) == second
    assert registry.load_artifact(second) == b"two"
    assert ModelVersion.objects.filter(kind=ModelKind.CHURN, is_active=True).count() == 1
    assert AuditEvent.objects.filter(action="activate_model").count() == 2


def test_rollback_reactivates_the_previous_version_and_refuses_past_the_first() -> None:
    first = registry.register(record(b"one"), actor="t")
    registry.register(record(b"two"), actor="t")
    assert registry.rollback(kind=ModelKind.CHURN, actor="t") == first
    with pytest.raises(NotFoundError, match="first version"):
        registry.rollback(kind=ModelKind.CHURN, actor="t")


def test_deactivate_leaves_no_active_version_and_is_audited() -> None:
    first = registry.register(record(b"one"), actor="t")
    assert registry.deactivate(kind=ModelKind.CHURN, actor="t") == first
    assert registry.active_version(ModelKind.CHURN) is None
    assert AuditEvent.objects.filter(action="deactivate_model").count() == 1
    with pytest.raises(NotFoundError, match="no active churn model"):
        registry.deactivate(kind=ModelKind.CHURN, actor="t")
    out = io.StringIO()
    registry.activate_version(version_id=first.pk, actor="t")
    call_command("models", "deactivate", "churn", stdout=out)
    assert "no churn version is active" in out.getvalue()


def test_the_database_allows_one_active_version_per_kind() -> None:
    registry.register(record(), actor="t")
    extra = registry.register(record(), actor="t", activate=False)
    extra.is_active = True
    with pytest.raises(IntegrityError), transaction.atomic():
        extra.save(update_fields=["is_active"])


def test_a_tampered_artifact_is_refused() -> None:
    version = registry.register(record(b"original"), actor="t")
    with open(version.artifact.path, "wb") as handle:
        handle.write(b"tampered")
    with pytest.raises(registry.ArtifactIntegrityError):
        registry.load_artifact(version)


def test_models_command_lists_activates_and_rolls_back() -> None:
    first = registry.register(record(b"one"), actor="t")
    registry.register(record(b"two"), actor="t")
    out = io.StringIO()
    call_command("models", "list", stdout=out)
    assert "churn" in out.getvalue() and "roc_auc=0.85" in out.getvalue()
    call_command("models", "rollback", "churn", stdout=out)
    assert registry.active_version(ModelKind.CHURN) == first
    with pytest.raises(CommandError):
        call_command("models", "activate", "999999", stdout=out)


def test_staged_versions_switch_on_together_or_not_at_all() -> None:
    """What ``smartcrm train`` does: versions registered inactive, activated in one transaction."""
    churn_v1 = registry.register(record(b"churn 1"), actor="t")
    clv_v1 = registry.register(replace(record(b"clv 1"), kind=ModelKind.CLV), actor="t")
    churn_v2 = registry.register(record(b"churn 2"), actor="t", activate=False)
    clv_v2 = registry.register(replace(record(b"clv 2"), kind=ModelKind.CLV), actor="t", activate=False)
    assert {registry.active_version(k) for k in (ModelKind.CHURN, ModelKind.CLV)} == {churn_v1, clv_v1}
    with pytest.raises(NotFoundError):  # one of them cannot be switched: none is
        registry.activate_together([churn_v2.pk, clv_v2.pk, 999_999], actor="t")
    assert {registry.active_version(k) for k in (ModelKind.CHURN, ModelKind.CLV)} == {churn_v1, clv_v1}
    registry.activate_together([churn_v2.pk, clv_v2.pk], actor="t")
    assert {registry.active_version(k) for k in (ModelKind.CHURN, ModelKind.CLV)} == {churn_v2, clv_v2}
