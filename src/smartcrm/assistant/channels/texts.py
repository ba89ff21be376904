"""What the channels write around the assistant's words, in English and Chinese."""

from __future__ import annotations

PHRASES: dict[str, dict[str, str]] = {
    "acknowledge": {
        "en": "Hello,\n\nthank you for your message. We have opened ticket #{ticket} and a colleague will answer "
        "you soon. To add anything, reply to this email and keep [#{ticket}] in the subject.",
        "zh-Hans": "您好：\n\n感谢您的来信。我们已创建工单 #{ticket}，同事会尽快回复您。如需补充，请直接回复本邮件，并保留主题中的 [#{ticket}]。",
    },
    "answer_intro": {
        "en": "While you wait, our help center may already answer your question:",
        "zh-Hans": "在等待期间，帮助中心的这篇文章也许能解答您的问题：",
    },
    "answer_outro": {
        "en": "If this answers your question, there is nothing more to do. If not, reply and a colleague will "
        "help.",
        "zh-Hans": "如果问题已解决，您无需再做什么；如果没有，请回复本邮件，同事会继续为您处理。",
    },
    "signature": {
        "en": "— The customer service team (automatic reply)",
        "zh-Hans": "—— 客服团队（自动回复）",
    },
    "agent_footer": {
        "en": "Ticket #{ticket}. Reply to this email to answer.",
        "zh-Hans": "工单 #{ticket}。直接回复本邮件即可。",
    },
    "telegram_welcome": {
        "en": "Hello! Ask me about shipping, returns, payment or your order, in English or Chinese. Write "
        '"human" at any time to reach a person.',
        "zh-Hans": "您好！您可以用中文或英文咨询配送、退货、付款或订单问题。随时发送“人工”即可转接人工客服。",
    },
}


def say(key: str, language: str, **values: object) -> str:
    phrase = PHRASES[key]
    return phrase.get(language, phrase["en"]).format(**values)
