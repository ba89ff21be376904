"""Text analysis pages: the inbox by urgency and the feedback overview (topics, aspects, quotes)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from smartcrm.accounts.roles import Capability
from smartcrm.attachments.models import OwnerKind
from smartcrm.attachments.selectors import latest
from smartcrm.collaboration.models import ListKind
from smartcrm.core.pagination import paginate
from smartcrm.textanalysis.selectors import cached_feedback_overview, inbox_by_urgency
from smartcrm.web.access import capability_required, current_user
from smartcrm.web.forms import InboxFilterForm
from smartcrm.web.views.common import render_list

SPARK_W, SPARK_H = 160, 32


@capability_required(Capability.VIEW_TICKETS)
def inbox_urgency(request: HttpRequest) -> HttpResponse:
    form = InboxFilterForm(request.GET)
    args = form.selector_args(current_user(request).pk)
    page = paginate(
        inbox_by_urgency(**{k: v for k, v in args.items() if k != "page"}), number=args["page"], size=50
    )
    return render_list(
        request,
        "web/textanalysis/inbox.html",
        "web/inbox/_results.html",
        {"form": form, "page": page},
        list_kind=ListKind.TICKETS,
    )


def _sparkline(values: list[float], top: float | None = None) -> str:
    """SVG polyline points for a weekly series (drawn server-side, no JavaScript), scaled to
    ``top`` (default: the series' maximum)."""
    if len(values) < 2:
        return ""
    top = top or max(max(values), 1)
    step = SPARK_W / (len(values) - 1)
    return " ".join(
        f"{i * step:.1f},{SPARK_H - 2 - (v / top) * (SPARK_H - 4):.1f}" for i, v in enumerate(values)
    )


@capability_required(Capability.VIEW_TICKETS)
def feedback(request: HttpRequest) -> HttpResponse:
    overview = cached_feedback_overview(days=180)
    for topic in overview["topics"]:
        topic["spark"] = _sparkline(topic["trend"])
    aspect_rows = [
        {**row, "weeks": len(row["weekly_negative_share"]),
         "spark": _sparkline(row["weekly_negative_share"], top=1.0)}
        for row in overview["aspect_summary"]
    ]  # fmt: skip
    context = {
        "overview": overview,
        "aspect_rows": aspect_rows,
        "spark_w": SPARK_W,
        "spark_h": SPARK_H,
        "files": latest([OwnerKind.REVIEW, OwnerKind.TICKET_MESSAGE]),
    }
    return render(request, "web/textanalysis/feedback.html", context)
