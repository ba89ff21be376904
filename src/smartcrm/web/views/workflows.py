"""Workflows: the list, the step-list editor (conditions as a sentence, a preview on sample
customers), starting a manual workflow, and each run's log with retry.

The definition is edited as readable JSON beside its rendering; the step list adds and removes
steps one at a time. Every saved change is the workflow's next version.
"""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from smartcrm.accounts.roles import Capability
from smartcrm.automation import actions, rules, selectors, services, triggers
from smartcrm.automation.context import all_fields
from smartcrm.automation.models import RunStatus, Workflow, WorkflowRun
from smartcrm.core.errors import ServiceValidationError
from smartcrm.web.access import capability_required, current_user

NEW_DEFINITION: dict[str, Any] = {
    "trigger": {"type": "manual"},
    "conditions": {},
    "steps": [{"action": "add_tag", "tag": "example"}],
}
# What the "add a step" form's one text box means for each action.
DETAIL_KEY = {
    "add_tag": "tag",
    "remove_tag": "tag",
    "create_task": "title",
    "call_webhook": "url",
    "assign_owner": "username",
}


def _workflow(workflow_id: int) -> Workflow:
    found = selectors.workflows().filter(pk=workflow_id).first()
    if found is None:
        raise Http404("No such workflow")
    return found


def _json(text: str, field: str, errors: dict[str, str]) -> Any:
    try:
        return json.loads(text or "null")
    except json.JSONDecodeError as exc:
        errors[field] = f"Not valid JSON ({exc.msg}, line {exc.lineno})."
        return None


def _step_from_form(action: str, detail: str) -> dict[str, Any]:
    detail = detail.strip()
    if action in DETAIL_KEY:
        return {"action": action, DETAIL_KEY[action]: detail}
    if action == "wait":
        return {"wait": {"days": int(detail) if detail.isdigit() else 1}}
    if action == "send_email":
        return {"action": action, "subject": {"en": detail}, "body": {"en": detail}}
    if action == "notify_staff":
        return {"action": action, "role": "manager", "message": detail}
    if action == "open_ticket":
        return {"action": action, "subject": detail, "body": detail}
    if action == "set_field":
        field, _, value = detail.partition("=")
        return {"action": action, "field": field.strip(), "value": value.strip()}
    return {"action": action, "campaign_id": int(detail) if detail.isdigit() else None}


@capability_required(Capability.VIEW_WORKFLOWS)
def workflow_list(request: HttpRequest) -> HttpResponse:
    rows = [
        {
            "workflow": w,
            "trigger": triggers.sentence(w.current_version.trigger) if w.current_version else "",
            "conditions": rules.sentence(w.current_version.conditions) if w.current_version else "",
        }
        for w in selectors.workflows()
    ]
    runs = selectors.runs()[:25]
    return render(request, "web/workflows/list.html", {"rows": rows, "runs": runs})


def _editor(
    request: HttpRequest, workflow: Workflow | None, definition: dict[str, Any], **extra: Any
) -> HttpResponse:
    conditions = definition.get("conditions") or {}
    found = definition.get("steps")
    steps: list[dict[str, Any]] = found if isinstance(found, list) else []
    samples = selectors.sample_customers()
    context = {
        "workflow": workflow,
        "name": extra.pop("name", workflow.name if workflow else ""),
        "trigger_json": json.dumps(definition.get("trigger"), indent=2, ensure_ascii=False),
        "conditions_json": json.dumps(conditions, indent=2, ensure_ascii=False),
        "steps_json": json.dumps(steps, indent=2, ensure_ascii=False),
        "trigger_sentence": triggers.sentence(definition.get("trigger") or {}),
        "conditions_sentence": rules.sentence(conditions) if not rules.problems(conditions) else "",
        "step_lines": selectors.step_lines(steps) if not services.steps_problems(steps) else [],
        "preview": selectors.preview(conditions, steps, samples)
        if not rules.problems(conditions) and not services.steps_problems(steps)
        else [],
        "actions": [(k, a.label) for k, a in actions.ACTIONS.items()],
        "trigger_examples": [
            (triggers.sentence(t), json.dumps(t, ensure_ascii=False)) for t in triggers.EXAMPLES
        ],
        "fields": all_fields(),
        "runs": selectors.runs(workflow.pk)[:25] if workflow else [],
        "versions": workflow.versions.all()[:10] if workflow else [],
        "errors": extra.pop("errors", {}),
        **extra,
    }
    return render(request, "web/workflows/edit.html", context, status=400 if context["errors"] else 200)


def _definition(workflow: Workflow) -> dict[str, Any]:
    version = workflow.current_version
    assert version is not None  # every saved workflow has one
    return {"trigger": version.trigger, "conditions": version.conditions, "steps": version.steps}


@capability_required(Capability.EDIT_WORKFLOWS)
def workflow_new(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _editor(request, None, NEW_DEFINITION)
    errors: dict[str, str] = {}
    definition = {k: _json(request.POST.get(k, ""), k, errors) for k in ("trigger", "conditions", "steps")}
    name = request.POST.get("name", "")
    if not errors:
        try:
            workflow = services.create_workflow(actor=current_user(request), name=name, **definition)
        except ServiceValidationError as exc:
            errors = dict(exc.errors)
        else:
            messages.success(
                request, _("Workflow “%(name)s” saved (version 1, disabled).") % {"name": workflow.name}
            )
            return redirect("web:workflow_edit", workflow.pk)
    return _editor(
        request, None, {k: v for k, v in definition.items() if v is not None}, errors=errors, name=name
    )


@capability_required(Capability.VIEW_WORKFLOWS)
def workflow_edit(request: HttpRequest, workflow_id: int) -> HttpResponse:
    workflow = _workflow(workflow_id)
    if request.method != "POST":
        return _editor(request, workflow, _definition(workflow))
    if not current_user(request).can(Capability.EDIT_WORKFLOWS):
        return render(request, "web/forbidden.html", {"capability": Capability.EDIT_WORKFLOWS}, status=403)
    errors: dict[str, str] = {}
    definition = {k: _json(request.POST.get(k, ""), k, errors) for k in ("trigger", "conditions", "steps")}
    if not errors:
        try:
            services.update_workflow(
                actor=current_user(request),
                workflow=workflow,
                name=request.POST.get("name", ""),
                **definition,
            )
        except ServiceValidationError as exc:
            errors = dict(exc.errors)
        else:
            messages.success(request, _("Saved."))
            return redirect("web:workflow_edit", workflow.pk)
    return _editor(request, workflow, {k: v for k, v in definition.items() if v is not None}, errors=errors)


def _save_steps(request: HttpRequest, workflow: Workflow, steps: list[dict[str, Any]]) -> HttpResponse:
    try:
        services.update_workflow(actor=current_user(request), workflow=workflow, steps=steps)
    except ServiceValidationError as exc:
        messages.error(request, "; ".join(exc.errors.values()))
    else:
        messages.success(request, _("Step list saved."))
    return redirect("web:workflow_edit", workflow.pk)


@require_POST
@capability_required(Capability.EDIT_WORKFLOWS)
def step_add(request: HttpRequest, workflow_id: int) -> HttpResponse:
    workflow = _workflow(workflow_id)
    action = request.POST.get("action", "")
    if action not in actions.ACTIONS and action != "wait":
        messages.error(request, _("Choose an action."))
        return redirect("web:workflow_edit", workflow.pk)
    step = _step_from_form(action, request.POST.get("detail", ""))
    return _save_steps(request, workflow, [*_definition(workflow)["steps"], step])


@require_POST
@capability_required(Capability.EDIT_WORKFLOWS)
def step_remove(request: HttpRequest, workflow_id: int, position: int) -> HttpResponse:
    workflow = _workflow(workflow_id)
    steps = list(_definition(workflow)["steps"])
    if 0 <= position < len(steps):
        steps.pop(position)
    return _save_steps(request, workflow, steps)


@require_POST
@capability_required(Capability.EDIT_WORKFLOWS)
def workflow_toggle(request: HttpRequest, workflow_id: int) -> HttpResponse:
    workflow = _workflow(workflow_id)
    services.set_enabled(actor=current_user(request), workflow=workflow, enabled=not workflow.enabled)
    messages.success(request, _("Workflow enabled.") if not workflow.enabled else _("Workflow disabled."))
    return redirect("web:workflow_edit", workflow.pk)


@require_POST
@capability_required(Capability.EDIT_WORKFLOWS)
def workflow_start(request: HttpRequest, workflow_id: int) -> HttpResponse:
    workflow = _workflow(workflow_id)
    ids = [int(x) for x in request.POST.get("customer_ids", "").replace(",", " ").split() if x.isdigit()]
    try:
        runs = services.start_manual(actor=current_user(request), workflow=workflow, customer_ids=ids)
    except ServiceValidationError as exc:
        messages.error(request, "; ".join(exc.errors.values()))
        return redirect("web:workflow_edit", workflow.pk)
    messages.success(
        request,
        ngettext("Started %(count)d run.", "Started %(count)d runs.", len(runs)) % {"count": len(runs)},
    )
    if len(runs) == 1:
        return redirect("web:workflow_run", runs[0].pk)
    return redirect("web:workflow_edit", workflow.pk)


@capability_required(Capability.VIEW_WORKFLOWS)
def workflow_run(request: HttpRequest, run_id: int) -> HttpResponse:
    try:
        run = selectors.run_with_log(run_id)
    except WorkflowRun.DoesNotExist as exc:
        raise Http404("No such run") from exc
    lines = selectors.step_lines(run.version.steps)
    context = {
        "run": run,
        "steps": run.steps.all(),
        "outbox": run.outbox.all(),
        "lines": lines,
        "context_items": sorted(run.context.items()),
        "can_retry": run.status == RunStatus.FAILED,
    }
    return render(request, "web/workflows/run.html", context)


@require_POST
@capability_required(Capability.EDIT_WORKFLOWS)
def workflow_run_retry(request: HttpRequest, run_id: int) -> HttpResponse:
    run = WorkflowRun.objects.filter(pk=run_id).first()
    if run is None:
        raise Http404("No such run")
    try:
        services.retry_run(actor=current_user(request), run=run)
    except ServiceValidationError as exc:
        messages.error(request, "; ".join(exc.errors.values()))
    else:
        messages.success(
            request, _("Run %(run)s retried from step %(step)s.") % {"run": run.pk, "step": run.cursor + 1}
        )
    return redirect("web:workflow_run", run.pk)
