"""The assistant's conversations as staff see them: what was asked, what it answered and why
(cited articles, tools, handoff reasons), and the ticket a person took it over on."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from smartcrm.accounts.roles import Capability
from smartcrm.assistant import selectors
from smartcrm.assistant.models import ConversationState
from smartcrm.web.access import capability_required


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
    context = {"conversation": item, "messages_list": selectors.transcript(item)}
    return render(request, "web/assistant/detail.html", context)
