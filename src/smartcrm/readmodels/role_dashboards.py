"""The dashboards per role: which ones a user may open, and the figures of one.

A role's dashboard needs the capability to read its records (the pipeline, the inbox, the
campaigns); the manager's shows the three. Each is built from its own read model.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from smartcrm.accounts.models import User
from smartcrm.accounts.roles import Capability, Role
from smartcrm.core.errors import NotFoundError
from smartcrm.readmodels.marketing_dashboard import MarketingDashboard, marketing_dashboard
from smartcrm.readmodels.sales_dashboard import SalesDashboard, sales_dashboard
from smartcrm.readmodels.support_dashboard import SupportDashboard, support_dashboard


class Board(StrEnum):
    SALES = "sales"
    SUPPORT = "support"
    MARKETING = "marketing"
    MANAGER = "manager"


# The capability each board needs. The manager's shows the three others: it is for the roles
# that lead the teams, which read every team's records (tests/web/test_role_dashboards.py).
NEEDS: dict[Board, Capability] = {
    Board.SALES: Capability.VIEW_PIPELINE,
    Board.SUPPORT: Capability.VIEW_TICKETS,
    Board.MARKETING: Capability.MANAGE_CAMPAIGNS,
    Board.MANAGER: Capability.MANAGE_TEAMS,
}
SECTIONS = {
    Board.SALES: (Board.SALES,),
    Board.SUPPORT: (Board.SUPPORT,),
    Board.MARKETING: (Board.MARKETING,),
    Board.MANAGER: (Board.SALES, Board.SUPPORT, Board.MARKETING),
}
# The board a role lands on; other roles land on the manager's, or the first they may open.
HOME = {Role.SALES: Board.SALES, Role.SUPPORT: Board.SUPPORT, Role.MARKETING: Board.MARKETING}


def board_of(name: str) -> Board:
    """The board named in a URL; an unknown name is not found."""
    try:
        return Board(name)
    except ValueError as exc:
        raise NotFoundError(f"dashboard {name}") from exc


def capability_of(name: str) -> Capability:
    return NEEDS[board_of(name)]


def boards_for(user: User) -> list[Board]:
    """The boards ``user`` may open, in tab order."""
    return [b for b in Board if user.can(NEEDS[b])]


def home_board(user: User) -> Board | None:
    """The user's role's board when they may open it, else the first they may (None: none)."""
    allowed = boards_for(user)
    preferred = HOME.get(user.role, Board.MANAGER)  # type: ignore[call-overload]
    return preferred if preferred in allowed else next(iter(allowed), None)


@dataclass(frozen=True)
class RoleDashboard:
    board: Board
    sales: SalesDashboard | None
    support: SupportDashboard | None
    marketing: MarketingDashboard | None


def role_dashboard(board: Board, today: date) -> RoleDashboard:
    """The figures of ``board`` (its sections only) as of ``today``."""
    sections = SECTIONS[board]
    return RoleDashboard(
        board=board,
        sales=sales_dashboard(today) if Board.SALES in sections else None,
        support=support_dashboard(today) if Board.SUPPORT in sections else None,
        marketing=marketing_dashboard() if Board.MARKETING in sections else None,
    )
