"""The assistant's conversations as staff see them: what was asked, what it answered and why
(cited articles, tools, handoff reasons), and the ticket a person took it over on; the report
(deflection, handoff reasons, suggestion use, unanswered questions turned into drafts)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartcrm.accounts.roles import Capability
from smartcrm.assistant import identity, selectors
from smartcrm.assistant.drafting import draft_article_for_questions
from smartcrm.assistant.models import ConversationState
from smartcrm.assistant.reports import assistant_report
from smartcrm.attachments.models import OwnerKind
from smartcrm.attachments.selectors import of_record
from smartcrm.core.errors import ServiceValidationError
from smartcrm.core.pii import mask_email
from smartcrm.web.access import capability_required, current_user

REPORT_PERIODS = (7, 30, 90, 365)


@capability_required(Capability.VIEW_TICKETS)
def conversation_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    state = state if state in ConversationState.values else ""
    context = {
        "conversations": selectors.conversations(state=state)[:200],
        "state": state,
        "states": ConversationState.choices,
    }
    return render(request, "web/assistant/list.html", context)


@capability_required(Capability.VIEW_TICKETS)
def conversation_detail(request: HttpRequest, conversation_id: int) -> HttpResponse:
    item = selectors.conversation(conversation_id)
    if item is None:
        raise Http404("No such conversation")
    context = {
        "conversation": item,
        "messages_list": selectors.transcript(item),
        "files": of_record(OwnerKind.CONVERSATION, item.pk),
    }
    return render(request, "web/assistant/detail.html", context)


@capability_required(Capability.VIEW_TICKETS)
def assistant_report_page(request: HttpRequest) -> HttpResponse:
    days = request.GET.get("days", "30")
    days_n = int(days) if days.isdigit() and int(days) in REPORT_PERIODS else 30
    context = {"report": assistant_report(days=days_n), "days": days_n, "periods": REPORT_PERIODS}
    return render(request, "web/assistant/report.html", context)


@require_POST
@capability_required(Capability.EDIT_KNOWLEDGE)
def draft_from_unanswered(request: HttpRequest) -> HttpResponse:
    ids = [int(v) for v in request.POST.getlist("message") if v.isdigit()]
    try:
        article = draft_article_for_questions(actor=current_user(request), message_ids=ids)
    except ServiceValidationError as exc:
        messages.error(request, " ".join(str(m) for m in exc.errors.values()))
        return redirect("web:assistant_report")
    messages.success(request, _("Draft article created from the questions; write the answer and publish it."))
    return redirect("web:article_edit", article_id=article.pk)


# The demo page is a shop's page as the widget meets it: a CSP without 'unsafe-inline'.
SHOP_PAGE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'self'; form-action 'self'"
)


@capability_required(Capability.VIEW_TICKETS)
def widget_demo(request: HttpRequest) -> HttpResponse:
    """A pretend shop page with the chat widget's script tag, in English or Chinese; with
    ``?signed_in=1`` (and the identity secret set) as the shop's site would embed it for the
    customer of the latest order, logged in there."""
    language = "zh-Hans" if request.GET.get("lang", "").lower().startswith("zh") else "en"
    order = selectors.order_to_try()
    customer = order.customer if order is not None else None
    # The customer's address in clear, and posing as them, only for roles that may see contact details.
    sees_pii = current_user(request).can(Capability.VIEW_PII)
    signed_in = (
        sees_pii
        and request.GET.get("signed_in") == "1"
        and bool(settings.SMARTCRM_ASSISTANT_IDENTITY_SECRET)
        and customer is not None
        and bool(customer.email)
    )
    context = {
        "language": language,
        "order": order,
        "customer": customer,
        "customer_email": (customer.email if sees_pii else mask_email(customer.email)) if customer else "",
        "sees_pii": sees_pii,
        "identity_token": identity.sign_identity(customer.email) if signed_in and customer else "",
        "crm_url": request.build_absolute_uri("/").rstrip("/"),
        "can_sign": bool(settings.SMARTCRM_ASSISTANT_IDENTITY_SECRET),
    }
    response = render(request, "web/assistant/widget_demo.html", context)
    response["Content-Security-Policy"] = SHOP_PAGE_POLICY
    return response
