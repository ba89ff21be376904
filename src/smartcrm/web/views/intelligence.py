"""Customer intelligence: the segment explorer and the model cards (with activation and
rollback for admins)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartcrm.accounts.roles import Capability
from smartcrm.core.errors import NotFoundError
from smartcrm.intelligence import refresh, selectors
from smartcrm.intelligence.models import RefreshRun, RunKind
from smartcrm.modelregistry import registry
from smartcrm.modelregistry import selectors as registry_selectors
from smartcrm.modelregistry.models import ModelKind
from smartcrm.modelregistry.robustness import robustness_for
from smartcrm.web.access import capability_required, current_user

CALIBRATION_COLUMNS = ("bin", "mean_predicted", "observed", "n")
# The reliability plot: a square of PLOT px with a margin for the axis labels.
PLOT, MARGIN = 180, 24


@capability_required(Capability.VIEW_CUSTOMERS)
def segment_explorer(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "web/intelligence/segments.html",
        {
            "status": selectors.scoring_status(),
            "segments": selectors.segment_summary(),
            "clusters": selectors.cluster_summary(),
            "movement": selectors.latest_segment_movement(),
        },
    )


@dataclass
class MetricRow:
    """One metric: a scalar ``value``, a nested table ``rows``, or a list of records ``table``."""

    key: str
    value: str = ""
    rows: list[MetricRow] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    table: list[list[str]] = field(default_factory=list)


def _scalar(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    if value is None:
        return "—"
    if isinstance(value, str | int | bool):
        return str(value)
    return json.dumps(value, ensure_ascii=False, default=str)


def metric_rows(metrics: dict[str, Any], *, skip: frozenset[str] = frozenset()) -> list[MetricRow]:
    """Metrics as rows for a table: nested dicts become sub-tables, lists of records tables."""
    result = []
    for key, value in metrics.items():
        if key in skip:
            continue
        if isinstance(value, dict):
            result.append(MetricRow(str(key), rows=metric_rows(value)))
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            columns = list(dict.fromkeys(k for record in value for k in record))
            table = [[_scalar(record.get(c)) for c in columns] for record in value]
            result.append(MetricRow(str(key), columns=[str(c) for c in columns], table=table))
        elif isinstance(value, list):
            result.append(MetricRow(str(key), value=", ".join(_scalar(v) for v in value)))
        else:
            result.append(MetricRow(str(key), value=_scalar(value)))
    return result


@dataclass(frozen=True)
class Calibration:
    rows: list[dict[str, Any]]
    points: list[tuple[float, float, float]]  # x, y, radius in SVG units
    size: int = PLOT + 2 * MARGIN
    low: int = MARGIN
    high: int = MARGIN + PLOT


def calibration(metrics: dict[str, Any]) -> Calibration | None:
    """The reliability table and plot points, if the metrics carry a well-formed calibration."""
    raw = metrics.get("calibration")
    if not isinstance(raw, list) or not raw:
        return None
    rows, points = [], []
    largest = max((r.get("n") or 0 for r in raw if isinstance(r, dict)), default=0) or 1
    for record in raw:
        if not isinstance(record, dict):
            return None
        try:
            predicted, observed = float(record["mean_predicted"]), float(record["observed"])
        except (KeyError, TypeError, ValueError):
            return None
        n = record.get("n")
        rows.append({"bin": record.get("bin", ""), "mean_predicted": predicted, "observed": observed, "n": n})
        x = MARGIN + min(max(predicted, 0.0), 1.0) * PLOT
        y = MARGIN + (1 - min(max(observed, 0.0), 1.0)) * PLOT
        radius = 2.5 + 4.5 * ((n or 0) / largest) ** 0.5
        points.append((round(x, 1), round(y, 1), round(radius, 1)))
    return Calibration(rows=rows, points=points)


@dataclass(frozen=True)
class Card:
    version: Any
    metrics: list[MetricRow]
    calibration: Calibration | None
    columns: list[str]


def _columns(schema: dict[str, Any]) -> list[str]:
    columns = schema.get("columns", []) if isinstance(schema, dict) else []
    if isinstance(columns, dict):
        return [f"{k} ({v})" for k, v in columns.items()]
    return [str(c) for c in columns] if isinstance(columns, list) else []


@capability_required(Capability.VIEW_MODELS)
def model_cards(request: HttpRequest) -> HttpResponse:
    groups = [
        (
            group,
            [
                Card(
                    version=v,
                    metrics=metric_rows(
                        v.metrics if isinstance(v.metrics, dict) else {}, skip=frozenset({"calibration"})
                    ),
                    calibration=calibration(v.metrics) if isinstance(v.metrics, dict) else None,
                    columns=_columns(v.feature_schema),
                )
                for v in group.versions
            ],
            robustness_for(group.kind),
        )
        for group in registry_selectors.model_versions()
    ]
    return render(
        request,
        "web/intelligence/models.html",
        {"groups": groups, "kinds": ModelKind.choices, "refreshes": selectors.recent_refreshes()},
    )


@require_POST
@capability_required(Capability.MANAGE_MODELS)
def refresh_start(request: HttpRequest) -> HttpResponse:
    kind = request.POST.get("kind") or RunKind.SCORES
    if kind not in RunKind.values:
        messages.error(request, _("There is no such kind of refresh."))
        return redirect("web:model_cards")
    refresh.start_refresh(actor=current_user(request), kind=kind)
    messages.success(request, _("Refresh queued: its chunks show below as workers take them."))
    return redirect("web:model_cards")


@require_POST
@capability_required(Capability.MANAGE_MODELS)
def refresh_cancel(request: HttpRequest, refresh_id: int) -> HttpResponse:
    try:
        refresh.cancel(run_id=refresh_id, actor=current_user(request))
    except RefreshRun.DoesNotExist:
        messages.error(request, _("That refresh no longer exists."))
    except refresh.RefreshStateError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Refresh cancelled; the previous scores stay."))
    return redirect("web:model_cards")


@require_POST
@capability_required(Capability.MANAGE_MODELS)
def refresh_retry(request: HttpRequest, refresh_id: int) -> HttpResponse:
    try:
        refresh.retry(run_id=refresh_id, actor=current_user(request))
    except RefreshRun.DoesNotExist:
        messages.error(request, _("That refresh no longer exists."))
    except refresh.RefreshStateError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The failed chunks were sent again."))
    return redirect("web:model_cards")


@require_POST
@capability_required(Capability.MANAGE_MODELS)
def model_activate(request: HttpRequest, version_id: int) -> HttpResponse:
    try:
        version = registry.activate_version(version_id=version_id, actor=current_user(request))
    except NotFoundError:
        messages.error(request, _("That model version no longer exists."))
    else:
        messages.success(
            request,
            _("%(kind)s v%(version)s is now active.")
            % {"kind": version.get_kind_display(), "version": version.version},
        )
    return redirect("web:model_cards")


@require_POST
@capability_required(Capability.MANAGE_MODELS)
def model_rollback(request: HttpRequest, kind: str) -> HttpResponse:
    if kind not in ModelKind.values:
        messages.error(request, _("No such model kind."))
        return redirect("web:model_cards")
    try:
        version = registry.rollback(kind=kind, actor=current_user(request))
    except NotFoundError as exc:
        messages.error(request, _("Nothing to roll back to: %(reason)s.") % {"reason": exc})
    else:
        messages.success(
            request,
            _("Rolled back: %(kind)s v%(version)s is active again.")
            % {"kind": version.get_kind_display(), "version": version.version},
        )
    return redirect("web:model_cards")
