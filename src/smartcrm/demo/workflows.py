"""The demo shop's four workflows, enabled and working: a win-back when churn risk crosses 0.7,
a review request ten days after an order, a welcome for customers who become Champions, and a
birthday greeting on the morning of each customer's birthday (planned for everyone with one).

They are created before the demo campaign plants its orders, so each planted order plans its
customer's review request; the set-up then runs the sweeper once, and the review requests that
are already due run (their emails go to the local mail sink), so the workflow pages show real
runs and logs. The win-back and VIP workflows fire at the next scoring refresh that moves a
customer across their line.
"""

from __future__ import annotations

from typing import Any

from smartcrm.automation.models import Workflow
from smartcrm.automation.services import create_workflow

HELLO_EN = '{{ first_name|default:"there" }}'
HELLO_ZH = '{{ first_name|default:"您好" }}'

WIN_BACK: dict[str, Any] = {
    "name": "Win-back: churn risk above 0.7",
    "trigger": {"type": "score", "score": "churn_risk", "above": 0.7},
    "conditions": {"field": "customer.orders_count", "op": ">=", "value": 1},
    "steps": [
        {
            "action": "send_email",
            "subject": {"en": "We miss you", "zh": "好久不见"},
            "body": {
                "en": f"Hi {HELLO_EN},\n\nIt has been a while. Here is 10% off your next order with the "
                "code COMEBACK10.\n\nThe shop team",
                "zh": f"{HELLO_ZH}：\n\n好久不见！下次购物使用优惠码 COMEBACK10 可享 9 折。\n\n店铺团队",
            },
            "rate_limit_per_hour": 500,
        },
        {"wait": {"days": 7}},
        {
            "if": {"field": "score.clv_12m", "op": ">", "value": 300},
            "then": [
                {"action": "create_task", "title": "Call {{ first_name }} (win-back)", "due_in_days": 2}
            ],
            "else": [{"action": "add_tag", "tag": "winback-sent"}],
        },
    ],
}
REVIEW_REQUEST: dict[str, Any] = {
    "name": "Review request 10 days after an order",
    "trigger": {"type": "time", "schedule": "after_last_order", "days": 10, "at": "10:00"},
    "conditions": None,
    "steps": [
        {
            "action": "send_email",
            "subject": {"en": "How is your order?", "zh": "您对订单满意吗？"},
            "body": {
                "en": f"Hi {HELLO_EN},\n\nWe hope you like what you bought. A short review helps other "
                "customers choose.\n\nThe shop team",
                "zh": f"{HELLO_ZH}：\n\n希望您喜欢这次购买的商品。写一条简短的评价，"
                "可以帮助其他顾客选择。\n\n店铺团队",
            },
        },
    ],
}
VIP_WELCOME: dict[str, Any] = {
    "name": "VIP welcome: became a Champion",
    "trigger": {"type": "score", "score": "segment", "to": "Champions"},
    "conditions": None,
    "steps": [
        {"action": "add_tag", "tag": "vip"},
        {
            "action": "send_email",
            "subject": {"en": "Welcome to our VIP circle", "zh": "欢迎成为 VIP 会员"},
            "body": {
                "en": f"Hi {HELLO_EN},\n\nThank you for being one of our best customers: express "
                "shipping is on us from now on.\n\nThe shop team",
                "zh": f"{HELLO_ZH}：\n\n感谢您一直以来的支持，今后所有订单免费享受快递配送。\n\n店铺团队",
            },
        },
        {"action": "notify_staff", "role": "manager", "message": "{{ first_name }} became a Champion."},
    ],
}
BIRTHDAY: dict[str, Any] = {
    "name": "Birthday greeting",
    "trigger": {"type": "time", "schedule": "before_birthday", "days": 0, "at": "09:00"},
    "conditions": None,
    "steps": [
        {
            "action": "send_email",
            "subject": {"en": "Happy birthday!", "zh": "生日快乐！"},
            "body": {
                "en": f"Hi {HELLO_EN},\n\nHappy birthday from all of us. Your next order ships free this "
                "week.\n\nThe shop team",
                "zh": f"{HELLO_ZH}：\n\n祝您生日快乐！本周下单免运费。\n\n店铺团队",
            },
        },
    ],
}
WORKFLOWS = (WIN_BACK, REVIEW_REQUEST, VIP_WELCOME, BIRTHDAY)


def demo_workflows() -> int:
    """Create and enable the workflows once; returns how many were created."""
    if Workflow.objects.exists():
        return 0
    for item in WORKFLOWS:
        create_workflow(
            actor="demo",
            name=item["name"],
            trigger=item["trigger"],
            steps=item["steps"],
            conditions=item["conditions"],
            enabled=True,
        )
    return len(WORKFLOWS)
