"""Reads of the registry for the model cards (web and API): one query, artifacts never read."""

from __future__ import annotations

from dataclasses import dataclass, field

from smartcrm.modelregistry.models import ModelKind, ModelVersion


@dataclass
class KindVersions:
    kind: str
    title: str
    versions: list[ModelVersion] = field(default_factory=list)

    @property
    def active(self) -> ModelVersion | None:
        return next((v for v in self.versions if v.is_active), None)


def model_versions(*, kind: str | None = None) -> list[KindVersions]:
    """Every registered version, grouped by kind (in the order of ModelKind), the active one
    first, then newest first. One query; the artifact itself is never read."""
    queryset = ModelVersion.objects.defer("artifact").order_by("kind", "-is_active", "-version")
    if kind:
        queryset = queryset.filter(kind=kind)
    groups = {k.value: KindVersions(k.value, str(k.label)) for k in ModelKind if not kind or k.value == kind}
    for version in queryset:
        groups.setdefault(version.kind, KindVersions(version.kind, version.kind)).versions.append(version)
    return [g for g in groups.values() if g.versions]
