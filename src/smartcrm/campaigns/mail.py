"""A campaign's email for one customer: the template in their language with merge fields, an
unsubscribe link in the body, and the RFC 2369 / RFC 8058 headers with a signed token.

The token names the CampaignSend (signed with the secret key, salted), so an unsubscribe link
works once per recipient without a login and cannot be forged for another customer.
"""

from __future__ import annotations

from email.utils import parseaddr
from urllib.parse import quote

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMessage

from smartcrm.core.merge_fields import render

from .models import Campaign

MERGE_FIELDS = ("first_name", "last_name", "name", "city", "country")
SALT = "smartcrm.campaigns.unsubscribe"
FOOTER = {
    "en": "You receive this because you agreed to hear from us. Unsubscribe: {url}",
    "zh-Hans": "您收到此邮件是因为您同意接收我们的消息。退订：{url}",
}


def language_of(customer_language: str, campaign: Campaign) -> str:
    """zh-Hans when the customer reads Chinese and the campaign has a Chinese version."""
    if customer_language.lower().startswith("zh") and campaign.subject_zh and campaign.body_zh:
        return "zh-Hans"
    return "en"


def token_for(send_id: int) -> str:
    return signing.Signer(salt=SALT).sign(str(send_id))


def send_of(token: str) -> int | None:
    """The CampaignSend id a token names, or None if it is not one of ours."""
    try:
        value = signing.Signer(salt=SALT).unsign(token)
    except signing.BadSignature:
        return None
    return int(value) if value.isdigit() else None


def unsubscribe_url(token: str) -> str:
    return f"{settings.SMARTCRM_PUBLIC_URL.rstrip('/')}/unsubscribe/{quote(token, safe='')}/"


def from_address() -> str:
    return str(settings.SMARTCRM_CAMPAIGN_FROM_EMAIL)


def unsubscribe_address() -> str:
    configured = str(settings.SMARTCRM_UNSUBSCRIBE_EMAIL)
    if configured:
        return configured
    domain = parseaddr(from_address())[1].rpartition("@")[2] or "localhost"
    return f"unsubscribe@{domain}"


def values_of(customer: object) -> dict[str, object]:
    return {name: getattr(customer, name, "") for name in MERGE_FIELDS}


def rendered(campaign: Campaign, language: str, values: dict[str, object]) -> tuple[str, str]:
    """(subject, body) of ``campaign`` in ``language`` for one customer's merge values."""
    subject = campaign.subject_zh if language == "zh-Hans" else campaign.subject_en
    body = campaign.body_zh if language == "zh-Hans" else campaign.body_en
    return " ".join(render(subject, values).split()), render(body, values)


def build(
    campaign: Campaign, *, send_id: int, customer: object, recipient: str, language: str
) -> EmailMessage:
    token = token_for(send_id)
    url = unsubscribe_url(token)
    subject, body = rendered(campaign, language, values_of(customer))
    domain = parseaddr(from_address())[1].rpartition("@")[2] or "localhost"
    mailto = f"mailto:{unsubscribe_address()}?subject={quote('unsubscribe ' + token)}"
    return EmailMessage(
        subject=subject,
        body=f"{body.rstrip()}\n\n--\n{FOOTER[language].format(url=url)}\n",
        from_email=from_address(),
        to=[recipient],
        headers={
            "Message-ID": f"<smartcrm.c{campaign.pk}.s{send_id}@{domain}>",
            "List-Unsubscribe": f"<{mailto}>, <{url}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            "Auto-Submitted": "auto-generated",
        },
    )
