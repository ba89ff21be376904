"""What the assistant says, in English and Chinese (the conversation's language picks)."""

from __future__ import annotations

PHRASES: dict[str, dict[str, str]] = {
    "identify": {
        "en": "I can look that up. Please send the email address you ordered with and your order number "
        "(for example: me@example.com #10023).",
        "zh-Hans": "我可以帮您查询。请发送下单时使用的邮箱和订单号（例如：me@example.com #10023）。",
    },
    "identify_refused": {
        "en": "Sorry, I could not match that email address and order number. Please check both and try again.",
        "zh-Hans": "抱歉，邮箱和订单号对不上。请核对后再试一次。",
    },
    "identify_blocked": {
        "en": "I could not confirm who you are, so I am passing you to a colleague who can help.",
        "zh-Hans": "我无法确认您的身份，现在为您转接人工客服。",
    },
    "identified": {
        "en": "Thank you, I found your account.",
        "zh-Hans": "谢谢，已找到您的账户。",
    },
    "order_status": {
        "en": "Order #{number} (placed {placed}): {status}.",
        "zh-Hans": "订单 #{number}（下单日期 {placed}）：{status}。",
    },
    "shipped": {"en": " Shipped on {date}.", "zh-Hans": " 已于 {date} 发货。"},
    "no_orders": {
        "en": "I cannot find an order on your account yet.",
        "zh-Hans": "您的账户下暂时没有订单。",
    },
    "unknown_order": {
        "en": "I cannot find that order number on your account. Your latest order is #{latest}.",
        "zh-Hans": "您的账户下没有找到这个订单号。您最近的订单是 #{latest}。",
    },
    "return_started": {
        "en": "I have opened return request #{ticket} for order #{number}. A colleague will send you the return "
        "label; you can keep using this chat.",
        "zh-Hans": "已为订单 #{number} 创建退货申请 #{ticket}。同事会把退货面单发给您，您可以继续在这里咨询。",
    },
    "return_not_possible": {
        "en": "Order #{number} is {status}, so it cannot be returned yet. I have passed your question to a colleague.",
        "zh-Hans": "订单 #{number} 当前状态为{status}，暂时不能退货。已为您转接人工客服。",
    },
    "ticket_opened": {
        "en": "I have opened ticket #{ticket} with our conversation. A colleague will answer here and by email.",
        "zh-Hans": "已创建工单 #{ticket} 并附上我们的对话记录。同事会在这里和邮件中回复您。",
    },
    "handoff": {
        "en": "I am passing you to a colleague (ticket #{ticket}); they can see our conversation and will answer "
        "here.",
        "zh-Hans": "正在为您转接人工客服（工单 #{ticket}），同事可以看到我们的对话，并会在这里回复您。",
    },
    "handoff_needs_email": {
        "en": "A colleague will help you. Please leave your email address so they can reach you.",
        "zh-Hans": "人工客服会为您处理。请留下您的邮箱，方便同事联系您。",
    },
    "with_a_person": {
        "en": "Thanks, a colleague has your message and will answer here.",
        "zh-Hans": "收到，同事会在这里回复您。",
    },
    "clarify": {
        "en": "I am not sure I understood. Is your question about one of these?",
        "zh-Hans": "我不太确定您的问题，是关于以下哪一项？",
    },
    "clarify_open": {
        "en": "I am not sure I understood. Could you tell me a bit more (for example, an order number or the "
        "product)?",
        "zh-Hans": "我不太确定您的问题，能再具体说一下吗（例如订单号或商品）？",
    },
    "source": {"en": "Source: {title}", "zh-Hans": "来源：{title}"},
    "agent_greeting": {"en": "Hello,", "zh-Hans": "您好，"},
    "agent_closing": {
        "en": "If anything is still unclear, just reply to this message.",
        "zh-Hans": "如果还有任何疑问，直接回复这条消息即可。",
    },
}


def say(key: str, language: str, **values: object) -> str:
    phrase = PHRASES[key]
    return phrase.get(language, phrase["en"]).format(**values)
