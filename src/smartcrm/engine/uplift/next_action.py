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

from smartcrm.engine.reasons import Reason, phrase
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
# The reasons' templates (codes ``next_action.*``); ``{facts}`` is TOP_BOTH.
# The shares are values: a "%" followed by a space reads as a Python format in the catalogs.
TOP_BOTH = gettext_noop(
    "Churn risk {churn} is in the top {churn_share} and 12-month CLV {clv} is in the top {clv_share}"
)
WIN_BACK = gettext_noop("{facts}: worth a win-back offer.")
NOT_PERSUADED = gettext_noop(
    "{facts}, but the uplift model predicts an offer would not change what they do ({uplift}): "
    "save it for someone it would persuade."
)
PERSUADED = gettext_noop(
    "{facts}, and the uplift model predicts an offer raises their chance to buy by {uplift}: "
    "worth a win-back offer."
)
CLV_VALUE = gettext_noop("12-month CLV {clv}")
UNKNOWN_CLV = gettext_noop("an unknown 12-month CLV")
TOP_CHURN_ONLY = gettext_noop(
    "Churn risk {churn} is in the top 10%, but {value} is below the top 20%: an offer would likely "
    "cost more than it returns."
)
REVIEW = {
    "one": gettext_noop("Ordered {days} day ago and has not written a review since: ask for one."),
    "many": gettext_noop("Ordered {days} days ago and has not written a review since: ask for one."),
}
VIP = gettext_noop(
    "12-month CLV {clv} is in the top {clv_share} and churn risk {churn} is low: say thank you."
)
CROSS_SELL = gettext_noop("Likely to buy within 30 days (propensity {propensity}): suggest {product}.")
CROSS_SELL_BECAUSE = gettext_noop(
    "Likely to buy within 30 days (propensity {propensity}): suggest {product} ({because})."
)


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
    recommendation_reason: Reason | None = None  # the recommendation's own (engine.recs.reasons)
    days_since_last_order: int | None = None
    reviewed_since_last_order: bool = False
    # Predicted uplift of contacting them (probability points; None without an uplift model).
    persuadability: float | None = None


@dataclass(frozen=True)
class NextAction:
    action: Action
    explanation: Reason  # why, as data (``reason`` is its English)
    product: str | None = None  # the product to offer, for a cross-sell

    @property
    def label(self) -> str:
        return self.action.label

    @property
    def reason(self) -> str:
        return self.explanation.english()


def _money(value: float, currency: str) -> str:
    return f"{currency}{value:,.0f}"


def _points(uplift: float) -> str:
    """A predicted uplift (a probability difference) in percentage points: "+2.1 pp"."""
    return f"{'+' if uplift >= 0 else '−'}{abs(uplift) * 100:.1f} pp"


def next_action(signals: Signals, thresholds: Thresholds, *, currency: str = "$") -> NextAction:
    if not signals.scored:
        return NextAction(Action.NOTHING, phrase("next_action.not_scored", NOT_SCORED))
    churn, clv = signals.churn_risk, signals.clv_12m
    churn_top = churn is not None and thresholds.churn_top is not None and churn >= thresholds.churn_top
    clv_high = clv is not None and thresholds.clv_high is not None and clv >= thresholds.clv_high
    if churn_top and clv_high:
        facts = phrase(
            "next_action.top_both", TOP_BOTH, churn=f"{churn:.2f}", churn_share="10%",
            clv=_money(clv or 0, currency), clv_share="20%",
        )  # fmt: skip
        uplift = signals.persuadability
        if uplift is None:
            return NextAction(Action.WIN_BACK, phrase("next_action.win_back", WIN_BACK, facts=facts))
        if uplift <= 0:
            return NextAction(
                Action.NOTHING,
                phrase("next_action.not_persuaded", NOT_PERSUADED, facts=facts, uplift=_points(uplift)),
            )
        return NextAction(
            Action.WIN_BACK, phrase("next_action.persuaded", PERSUADED, facts=facts, uplift=_points(uplift))
        )
    if churn_top:
        value = (
            phrase("next_action.clv", CLV_VALUE, clv=_money(clv, currency))
            if clv is not None
            else phrase("next_action.unknown_clv", UNKNOWN_CLV)
        )
        return NextAction(
            Action.NOTHING,
            phrase("next_action.top_churn_only", TOP_CHURN_ONLY, churn=f"{churn:.2f}", value=value),
        )
    days = signals.days_since_last_order
    if days is not None and days <= thresholds.review_days and not signals.reviewed_since_last_order:
        number = "one" if days == 1 else "many"
        return NextAction(
            Action.REVIEW_REQUEST, phrase(f"next_action.review_{number}", REVIEW[number], days=str(days))
        )
    if clv_high and churn is not None and churn < CHURN_LOW:
        return NextAction(
            Action.VIP_THANKS,
            phrase(
                "next_action.vip", VIP, clv=_money(clv or 0, currency), clv_share="20%", churn=f"{churn:.2f}"
            ),
        )
    propensity = signals.propensity_30d
    if propensity is not None and propensity >= thresholds.propensity_min and signals.recommended_product:
        product = signals.recommended_product
        if signals.recommendation_reason is not None:
            reason = phrase(
                "next_action.cross_sell_because", CROSS_SELL_BECAUSE,
                propensity=f"{propensity:.2f}", product=product, because=signals.recommendation_reason,
            )  # fmt: skip
        else:
            reason = phrase(
                "next_action.cross_sell", CROSS_SELL, propensity=f"{propensity:.2f}", product=product
            )
        return NextAction(Action.CROSS_SELL, reason, product=product)
    return NextAction(Action.NOTHING, phrase("next_action.no_signal", NO_SIGNAL))
