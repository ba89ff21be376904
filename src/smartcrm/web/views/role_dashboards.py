"""The dashboards per role (sales, support, marketing, and the manager's with all three), as
tabs; each figure links to the list of the records behind it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from smartcrm.accounts.roles import ROLE_LABELS, Role
from smartcrm.readmodels.role_dashboards import (
    board_of,
    boards_for,
    capability_of,
    home_board,
    role_dashboard,
)
from smartcrm.web.access import capability_per, current_user, signed_in_required
from smartcrm.web.role_dashboard_charts import marketing_view, sales_view, support_view


@signed_in_required
def dashboards_home(request: HttpRequest) -> HttpResponse:
    """The board of the user's role (the main dashboard when they may open none)."""
    board = home_board(current_user(request))
    return redirect("web:role_dashboard", board=board.value) if board else redirect("web:dashboard")


@capability_per("board", capability_of)
def role_dashboard_page(request: HttpRequest, board: str) -> HttpResponse:
    data = role_dashboard(board_of(board), timezone.localdate())
    tabs = [(b.value, ROLE_LABELS[Role(b.value)]) for b in boards_for(current_user(request))]
    return render(
        request,
        "web/dashboards/board.html",
        {
            "board": data.board.value,
            "board_label": ROLE_LABELS[Role(data.board.value)],
            "tabs": tabs,
            "sales": sales_view(data.sales) if data.sales else None,
            "support": support_view(data.support) if data.support else None,
            "marketing": marketing_view(data.marketing) if data.marketing else None,
        },
    )
