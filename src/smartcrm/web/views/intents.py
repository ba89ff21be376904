"""Shop-defined intents: the list with a box to try a message against them, and the editor."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from smartcrm.accounts.roles import Capability
from smartcrm.core.errors import NotFoundError, ServiceValidationError
from smartcrm.knowledge import selectors
from smartcrm.knowledge.intent_matching import match_intent
from smartcrm.knowledge.models import Intent
from smartcrm.knowledge.services import IntentInput, save_intent
from smartcrm.web.access import capability_required, current_user
from smartcrm.web.forms import add_service_errors
from smartcrm.web.knowledge_forms import IntentForm, IntentTryForm


@capability_required(Capability.EDIT_KNOWLEDGE)
def intent_list(request: HttpRequest) -> HttpResponse:
    trial = IntentTryForm(request.GET) if "text" in request.GET else IntentTryForm(initial={"language": "en"})
    matched = None
    if trial.is_bound and trial.is_valid():
        matched = match_intent(trial.cleaned_data["text"], trial.cleaned_data["language"])
    context = {"intents": selectors.intents(), "trial": trial, "matched": matched}
    return render(request, "web/knowledge/intents.html", context)


def _editor(request: HttpRequest, form: IntentForm, intent: Intent | None, status: int = 200) -> HttpResponse:
    return render(request, "web/knowledge/intent_edit.html", {"form": form, "intent": intent}, status=status)


def _save(request: HttpRequest, intent: Intent | None) -> HttpResponse:
    form = IntentForm(request.POST)
    if not form.is_valid():
        return _editor(request, form, intent, status=400)
    data = form.cleaned_data
    try:
        saved = save_intent(
            actor=current_user(request),
            data=IntentInput(
                data["name"], data["language"], form.phrase_list(), data["response"], data["active"]
            ),
            intent_id=intent.pk if intent else None,
        )
    except ServiceValidationError as exc:
        add_service_errors(form, exc)
        return _editor(request, form, intent, status=400)
    except NotFoundError as exc:
        raise Http404("No such intent") from exc
    messages.success(
        request,
        _("Intent “%(name)s” saved; the assistant uses it from the next message.") % {"name": saved.name},
    )
    return redirect("web:intent_list")


@capability_required(Capability.EDIT_KNOWLEDGE)
def intent_new(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        return _save(request, None)
    return _editor(request, IntentForm(initial={"language": "en", "active": True}), None)


@capability_required(Capability.EDIT_KNOWLEDGE)
def intent_edit(request: HttpRequest, intent_id: int) -> HttpResponse:
    intent = selectors.intent(intent_id)
    if intent is None:
        raise Http404("No such intent")
    if request.method == "POST":
        return _save(request, intent)
    initial = {
        "name": intent.name,
        "language": intent.language,
        "phrases": "\n".join(intent.phrases),
        "response": intent.response,
        "active": intent.active,
    }
    return _editor(request, IntentForm(initial=initial), intent)
