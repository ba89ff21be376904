"""Each rule of the next best action, its order, and its reason."""

from __future__ import annotations

import pytest

from smartcrm.engine.recs.reasons import BOUGHT_WITH, recommendation_reason
from smartcrm.engine.uplift.next_action import Action, Signals, Thresholds, next_action

LINES = Thresholds(churn_top=0.7, clv_high=500.0)


def test_not_scored_means_nothing() -> None:
    nba = next_action(Signals(scored=False), LINES)
    assert nba.action is Action.NOTHING and "Not scored" in nba.reason


def test_valuable_and_leaving_gets_a_win_back_offer_with_the_figures() -> None:
    nba = next_action(Signals(scored=True, churn_risk=0.82, clv_12m=640.0, days_since_last_order=3), LINES)
    assert nba.action is Action.WIN_BACK
    assert nba.label == "Win-back offer"
    assert nba.reason == (
        "Churn risk 0.82 is in the top 10% and 12-month CLV $640 is in the top 20%: worth a win-back offer."
    )


def test_with_an_uplift_model_the_offer_goes_only_to_the_persuadable() -> None:
    leaving = {"scored": True, "churn_risk": 0.82, "clv_12m": 640.0}
    persuadable = next_action(Signals(**leaving, persuadability=0.031), LINES)
    assert persuadable.action is Action.WIN_BACK
    assert persuadable.reason == (
        "Churn risk 0.82 is in the top 10% and 12-month CLV $640 is in the top 20%, and the uplift model "
        "predicts an offer raises their chance to buy by +3.1 pp: worth a win-back offer."
    )
    for uplift in (0.0, -0.012):
        unmoved = next_action(Signals(**leaving, persuadability=uplift), LINES)
        assert unmoved.action is Action.NOTHING
        assert "would not change what they do" in unmoved.reason
    assert "−1.2 pp" in next_action(Signals(**leaving, persuadability=-0.012), LINES).reason


def test_leaving_but_low_value_is_left_alone() -> None:
    nba = next_action(Signals(scored=True, churn_risk=0.9, clv_12m=40.0, propensity_30d=0.9), LINES)
    assert nba.action is Action.NOTHING
    assert "$40" in nba.reason and "cost more" in nba.reason


def test_recent_order_without_a_review_asks_for_one() -> None:
    signals = Signals(scored=True, churn_risk=0.1, clv_12m=900.0, days_since_last_order=1)
    nba = next_action(signals, LINES)
    assert nba.action is Action.REVIEW_REQUEST and "1 day ago" in nba.reason
    reviewed = Signals(
        scored=True, churn_risk=0.1, clv_12m=900.0, days_since_last_order=1, reviewed_since_last_order=True
    )
    assert next_action(reviewed, LINES).action is Action.VIP_THANKS
    stale = Signals(scored=True, churn_risk=0.5, days_since_last_order=31)
    assert next_action(stale, LINES).action is Action.NOTHING


def test_vip_thanks_needs_high_value_and_low_risk() -> None:
    assert next_action(Signals(scored=True, churn_risk=0.1, clv_12m=500.0), LINES).action is Action.VIP_THANKS
    assert next_action(Signals(scored=True, churn_risk=0.4, clv_12m=900.0), LINES).action is Action.NOTHING


@pytest.mark.parametrize(
    ("propensity", "product", "expected"),
    [
        (0.45, "Green tea", Action.CROSS_SELL),
        (0.29, "Green tea", Action.NOTHING),
        (0.9, None, Action.NOTHING),
    ],
)
def test_cross_sell_needs_propensity_and_a_recommendation(
    propensity: float, product: str | None, expected: Action
) -> None:
    signals = Signals(
        scored=True,
        churn_risk=0.2,
        clv_12m=100.0,
        propensity_30d=propensity,
        recommended_product=product,
        recommendation_reason=recommendation_reason(BOUGHT_WITH, {"product": "Teapot"}),
    )
    nba = next_action(signals, LINES)
    assert nba.action is expected
    if expected is Action.CROSS_SELL:
        assert nba.product == "Green tea"
        assert nba.reason == (
            "Likely to buy within 30 days (propensity 0.45): suggest Green tea (bought with Teapot)."
        )


def test_no_thresholds_yet_never_claims_a_top_share() -> None:
    nba = next_action(Signals(scored=True, churn_risk=0.99, clv_12m=10_000.0), Thresholds(None, None))
    assert nba.action is Action.NOTHING and "top" not in nba.reason
