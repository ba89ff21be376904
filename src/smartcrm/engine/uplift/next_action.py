"""The next best action for one customer, from the scores already stored, with its reason.

The rules, first match wins (thresholds in :class:`Thresholds`; the shop's own distribution
sets the "top 10%" and "top 20%" lines):

1. **Nothing** when the customer has not been scored yet.
2. **Win-back offer** when churn risk is in the top 10% of customers *and* the 12-month CLV is
   in the top 20%: worth paying to keep — unless the shop has an uplift model (trained on its
   own campaigns) and it predicts that contacting this customer changes nothing or puts them
   off (persuadability ≤ 0): then **nothing**, since the offer would be spent on someone who
   buys, or leaves, either way.
3. **Nothing** when churn risk is in the top 10% but the CLV is not high: an offer would likely
   cost more than the customer returns (a win-back workflow can still cover them in bulk).
4. **Review request** when the last order was placed within ``review_days`` (30) and the
   customer has reviewed nothing since.
5. **VIP thank-you** when the CLV is in the top 20% and churn risk is low (below 0.30).
6. **Cross-sell** the top recommended product when the 30-day purchase propensity is at least
   ``propensity_min`` (0.30) and there is a recommendation.
7. **Nothing** otherwise: no signal strong enough to act on.

Every action carries a reason a person can read, with the figures that decided it. No Django.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from smartcrm.engine.wording import gettext_noop

CHURN_LOW = 0.30


class Action(enum.StrEnum):
    WIN_BACK = "win_back"
    VIP_THANKS = "vip_thanks"
    CROSS_SELL = "cross_sell"
    REVIEW_REQUEST = "review_request"
    NOTHING = "nothing"

    @property
    def label(self) -> str:
        return LABELS[self]


LABELS = {
    Action.WIN_BACK: gettext_noop("Win-back offer"),
    Action.VIP_THANKS: gettext_noop("VIP thank-you"),
    Action.CROSS_SELL: gettext_noop("Cross-sell"),
    Action.REVIEW_REQUEST: gettext_noop("Review request"),
    Action.NOTHING: gettext_noop("Nothing for now"),
}
NOT_SCORED = gettext_noop("Not scored yet: the next scoring run will suggest an action.")
NO_SIGNAL = gettext_noop("No signal strong enough to act on: leave them be for now.")


@dataclass(frozen=True)
class Thresholds:
    churn_top: float | None  # churn risk at which a customer is in the shop's top 10%
    clv_high: float | None  # 12-month CLV at which a customer is in the shop's top 20%
    propensity_min: float = 0.30
    review_days: int = 30


@dataclass(frozen=True)
class Signals:
    """What is known of one customer (``None`` where not scored)."""

    scored: bool
    churn_risk: float | None = None
    clv_12m: float | None = None
    propensity_30d: float | None = None
    recommended_product: str | None = None
    recommendation_reason: str = ""
    days_since_last_order: int | None = None
    reviewed_since_last_order: bool = False
    # Predicted uplift of contacting them (probability points; None without an uplift model).
    persuadability: float | None = None


@dataclass(frozen=True)
class NextAction:
    action: Action
    reason: str
    product: str | None = None  # the product to offer, for a cross-sell

    @property
    def label(self) -> str:
        return self.action.label


def _money(value: float, currency: str) -> str:
    return f"{currency}{value:,.0f}"


def _points(uplift: float) -> str:
    """A predicted uplift (a probability difference) in percentage points: "+2.1 pp"."""
    return f"{'+' if uplift >= 0 else '−'}{abs(uplift) * 100:.1f} pp"


def next_action(signals: Signals, thresholds: Thresholds, *, currency: str = "$") -> NextAction:
    if not signals.scored:
        return NextAction(Action.NOTHING, NOT_SCORED)
    churn, clv = signals.churn_risk, signals.clv_12m
    churn_top = churn is not None and thresholds.churn_top is not None and churn >= thresholds.churn_top
    clv_high = clv is not None and thresholds.clv_high is not None and clv >= thresholds.clv_high
    if churn_top and clv_high:
        facts = (
            f"Churn risk {churn:.2f} is in the top 10% and 12-month CLV {_money(clv or 0, currency)} is in "
            f"the top 20%"
        )
        uplift = signals.persuadability
        if uplift is None:
            return NextAction(Action.WIN_BACK, f"{facts}: worth a win-back offer.")
        if uplift <= 0:
            return NextAction(
                Action.NOTHING,
                f"{facts}, but the uplift model predicts an offer would not change what they do "
                f"({_points(uplift)}): save it for someone it would persuade.",
            )
        return NextAction(
            Action.WIN_BACK,
            f"{facts}, and the uplift model predicts an offer raises their chance to buy by "
            f"{_points(uplift)}: worth a win-back offer.",
        )
    if churn_top:
        value = f"12-month CLV {_money(clv, currency)}" if clv is not None else "an unknown 12-month CLV"
        return NextAction(
            Action.NOTHING,
            f"Churn risk {churn:.2f} is in the top 10%, but {value} is below the top 20%: an offer would "
            f"likely cost more than it returns.",
        )
    days = signals.days_since_last_order
    if days is not None and days <= thresholds.review_days and not signals.reviewed_since_last_order:
        return NextAction(
            Action.REVIEW_REQUEST,
            f"Ordered {days} day{'s' if days != 1 else ''} ago and has not written a review since: "
            f"ask for one.",
        )
    if clv_high and churn is not None and churn < CHURN_LOW:
        return NextAction(
            Action.VIP_THANKS,
            f"12-month CLV {_money(clv or 0, currency)} is in the top 20% and churn risk {churn:.2f} is low: "
            f"say thank you.",
        )
    propensity = signals.propensity_30d
    if propensity is not None and propensity >= thresholds.propensity_min and signals.recommended_product:
        because = f" ({signals.recommendation_reason})" if signals.recommendation_reason else ""
        return NextAction(
            Action.CROSS_SELL,
            f"Likely to buy within 30 days (propensity {propensity:.2f}): suggest "
            f"{signals.recommended_product}{because}.",
            product=signals.recommended_product,
        )
    return NextAction(Action.NOTHING, NO_SIGNAL)
