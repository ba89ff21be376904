"""Explanations kept as data (a code, its English template, the values) read in the reader's
language: a propensity model's reasons, anomaly alerts and cluster labels, on the pages and in
the API (which follows Accept-Language); rows stored before the data was kept show their text."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
import pandas as pd
import pytest
from django.test import Client
from django.utils import translation

from smartcrm.accounts.roles import Role
from smartcrm.engine.anomalies.metric_detector import explain as metric_explanation
from smartcrm.engine.anomalies.order_detector import OrderAnomalyDetector, order_features
from smartcrm.engine.propensity.explain import Factor, explanation
from smartcrm.engine.propensity.labels import RFM_TEMPLATES
from smartcrm.engine.reasons import Reason
from smartcrm.engine.recs.reasons import BOUGHT_WITH, recommendation_reason
from smartcrm.engine.segments.describe import cluster_labels
from smartcrm.engine.uplift.next_action import Signals, Thresholds, next_action
from smartcrm.insights.models import Alert
from smartcrm.intelligence.wording import explained, metric_name, score_explanation
from tests.api.client import ApiClient
from tests.web.scores import scored_customer

CHURN = explanation(
    [
        Factor("recency_days", 210.0, 0.31),
        Factor("frequency", 4.0, 0.12),
        Factor("orders_last_90d", 0.0, -0.05),
    ],
    "Churn risk",
    RFM_TEMPLATES,
)


def _zh(reason: Reason) -> str:
    with translation.override("zh-hans"):
        return explained(reason.as_json(), reason.english())


def test_the_engine_still_writes_the_english_sentence() -> None:
    assert CHURN.english() == (
        "Churn risk is higher because: no purchase for 210 days (+0.31); orders so far: 4 (+0.12). "
        "Lower because: orders in the last 90 days: 0 (−0.05)."
    )
    assert CHURN.code == "score.higher_and_lower"


def test_a_churn_explanation_reads_in_chinese_and_in_english() -> None:
    assert _zh(CHURN) == (
        "流失风险偏高，原因：已 210 天未购买（+0.31）；累计订单：4（+0.12）。"
        "拉低的因素：最近 90 天订单数：0（−0.05）。"
    )
    with translation.override("en"):
        assert explained(CHURN.as_json()) == CHURN.english()


def test_a_metric_alert_reads_in_chinese() -> None:
    reason = metric_explanation(
        "revenue", "down", -0.61, (date(2025, 6, 3), date(2025, 6, 5), 3), "1,020.00", "2,615.38"
    )
    assert reason.english().startswith(
        "Revenue was 61% below the expected level from 2025-06-03 to 2025-06-05"
    )
    assert _zh(reason) == (
        "收入在 2025-06-03 至 2025-06-05（共 3 天）期间比预期水平低 61%：每天 1,020.00，"
        "而根据前几周（按相同的星期规律）预计约为 2,615.38。"
    )
    with translation.override("zh-hans"):
        assert metric_name("ticket_volume") == "工单量"
        assert metric_name("something_else") == "something_else"


def _orders(n: int = 400) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(3)
    placed = pd.Timestamp("2025-01-01", tz="UTC") + pd.to_timedelta(rng.integers(0, 200 * 24, n), unit="h")
    orders = pd.DataFrame(
        {"id": np.arange(1, n + 1), "customer_id": rng.integers(1, 80, n), "placed_at": placed,
         "total": rng.normal(60, 10, n).round(2), "channel": "web"}
    )  # fmt: skip
    lines = pd.DataFrame(
        {"order_id": orders["id"], "quantity": rng.integers(1, 3, n), "unit_price": rng.normal(30, 5, n)}
    )
    # One order far off the shop's usual: a huge total of many units.
    orders.loc[n - 1, "total"] = 25_000.0
    lines.loc[n - 1, ["quantity", "unit_price"]] = [400, 62.5]
    return orders, lines


def test_an_order_alert_reads_in_chinese_with_the_channel_named() -> None:
    orders, lines = _orders()
    features = order_features(orders, lines)
    found = OrderAnomalyDetector(random_state=0).fit(features).alerts(features)
    alert = next(a for a in found if a.order_id == len(orders))
    assert alert.reason is not None and alert.explanation == alert.reason.english()
    assert alert.explanation.startswith(
        f"Order {len(orders)} looks unlike the shop's usual orders: unusually high"
    )
    text = _zh(alert.reason)
    assert text.startswith(f"订单 {len(orders)} 与本店的常见订单不同：作为网店订单，")
    assert "异常偏高" in text and "unusually" not in text


def test_a_cluster_label_reads_in_chinese() -> None:
    z = pd.DataFrame({"orders_count": [1.0, -1.0], "avg_basket_items": [-0.8, 0.0]})
    none = pd.DataFrame(index=z.index)
    channels = pd.DataFrame({"mobile": [0.9, 0.2], "web": [0.1, 0.8]})
    labels = cluster_labels(
        z, none, pd.Series(dtype=float), channels, pd.Series({"mobile": 0.3, "web": 0.7}), {}
    )
    assert _zh(labels[0]) == "常购、小单量的跨品类顾客，主要通过移动应用购买"
    # Most of the shop buys on the web: saying so of a cluster tells nothing.
    assert _zh(labels[1]) == "偶尔购买的跨品类顾客"


def test_a_row_stored_before_the_data_was_kept_shows_its_text() -> None:
    with translation.override("zh-hans"):
        assert explained({}, "Churn risk is higher because: something old.") == (
            "Churn risk is higher because: something old."
        )
        # Data of a shape no engine writes falls back to the stored text rather than failing.
        assert explained({"params": {}}, "stored text") == "stored text"


@pytest.mark.django_db
def test_the_api_gives_reasons_in_the_requests_language(token_for: Any) -> None:
    customer = scored_customer(
        "Grace Hopper",
        churn_reasons=CHURN.english(),
        cluster_label=cluster_labels(
            pd.DataFrame({"orders_count": [1.0]}), pd.DataFrame(index=[0]), pd.Series(dtype=float),
            pd.DataFrame(index=[0]), pd.Series(dtype=float), {},
        )[0].english(),
        explanations={
            "churn": CHURN.as_json(),
            "cluster": Reason("cluster.described", "{words} {noun}", {
                "words": Reason("cluster.word", "frequent"),
                "noun": Reason("cluster.across_categories", "shoppers across categories"),
            }).as_json(),
        },
    )  # fmt: skip
    _, raw = token_for(Role.ADMIN)
    chinese = ApiClient(raw, HTTP_ACCEPT_LANGUAGE="zh-Hans").get(f"/customers/{customer.pk}/scores").json()
    assert chinese["churn_reasons"].startswith("流失风险偏高，原因：已 210 天未购买")
    assert chinese["cluster_label"] == "常购的跨品类顾客"
    assert chinese["explanations"]["churn"]["code"] == "score.higher_and_lower"
    english = ApiClient(raw, HTTP_ACCEPT_LANGUAGE="en").get(f"/customers/{customer.pk}/scores").json()
    assert english["churn_reasons"] == CHURN.english()
    assert english["cluster_label"] == "frequent shoppers across categories"


@pytest.mark.django_db
def test_the_360_and_the_alerts_page_show_chinese_reasons(make_user: Any) -> None:
    customer = scored_customer("王伟", churn_reasons=CHURN.english(), explanations={"churn": CHURN.as_json()})
    reason = metric_explanation("revenue", "down", -0.61, (date(2025, 6, 3), date(2025, 6, 3), 1), "10", "26")
    Alert.objects.create(
        key="metric:revenue:2025-06-03", kind="metric", metric="revenue", first_day=date(2025, 6, 3),
        last_day=date(2025, 6, 3), severity="high", score=8.2, explanation=reason.english(),
        explanation_data=reason.as_json(),
    )  # fmt: skip
    user = make_user(Role.ADMIN)
    user.language = "zh-hans"
    user.save(update_fields=["language"])
    client = Client()
    client.force_login(user)
    page = client.get(f"/customers/{customer.pk}/").content.decode()
    assert "流失风险偏高，原因：已 210 天未购买（+0.31）" in page
    assert "is higher because" not in page
    insights = client.get("/insights/").content.decode()
    assert "收入在 2025-06-03 当天比预期水平低 61%" in insights
    assert "below the expected level" not in insights
    with translation.override("zh-hans"):
        score = customer.score
        assert score_explanation(score, "churn").startswith("流失风险偏高")


def test_a_next_best_action_reads_in_chinese_with_the_recommendations_reason() -> None:
    lines = Thresholds(churn_top=0.8, clv_high=500.0)
    signals = Signals(
        scored=True, churn_risk=0.2, clv_12m=100.0, propensity_30d=0.62, recommended_product="黄铜齿轮",
        recommendation_reason=recommendation_reason(BOUGHT_WITH, {"product": "齿轮润滑油"}),
        days_since_last_order=40,
    )  # fmt: skip
    nba = next_action(signals, lines)
    assert (
        nba.reason
        == "Likely to buy within 30 days (propensity 0.62): suggest 黄铜齿轮 (bought with 齿轮润滑油)."
    )
    assert (
        _zh(nba.explanation) == "30 天内很可能购买（倾向 0.62）：推荐 黄铜齿轮（常与 齿轮润滑油 一起购买）。"
    )
    vip = next_action(Signals(scored=True, churn_risk=0.1, clv_12m=900.0, days_since_last_order=90), lines)
    assert _zh(vip.explanation) == "12 个月 CLV $900 位于前 20%，且流失风险 0.10 较低：向其表示感谢。"
