"""Workflows: list, create, change (each definition change is a new version), enable, start a
manual one, and read runs with their step log; retry a failed run from its failed step.

Reading needs ``view_workflows``; every change needs ``edit_workflows``. The inbound webhook
token and the signing secret are returned only to editors.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from smartcrm.accounts.roles import Capability
from smartcrm.api.auth import needs, require_user
from smartcrm.api.errors import CREATE_ERRORS, ONE_ERRORS, READ_ERRORS, WRITE_ERRORS
from smartcrm.api.schemas import Id, PageMeta, PageQuery, Text100, omittable, page_response
from smartcrm.automation import rules, selectors, services, triggers
from smartcrm.automation.models import RunStatus, Workflow, WorkflowRun
from smartcrm.core.errors import NotFoundError
from smartcrm.core.pagination import paginate

router = Router(tags=["workflows"])


class WorkflowOut(Schema):
    id: int
    name: str
    enabled: bool
    trigger_type: str
    version: int | None
    trigger: dict[str, Any]
    conditions: dict[str, Any]
    steps: list[dict[str, Any]]
    trigger_sentence: str
    conditions_sentence: str = Field(description="The conditions as a sentence in the request's language")
    updated_at: datetime

    @staticmethod
    def resolve_version(obj: Workflow) -> int | None:
        return obj.current_version.number if obj.current_version else None

    @staticmethod
    def resolve_trigger(obj: Workflow) -> dict[str, Any]:
        return obj.current_version.trigger if obj.current_version else {}

    @staticmethod
    def resolve_conditions(obj: Workflow) -> dict[str, Any]:
        return obj.current_version.conditions if obj.current_version else {}

    @staticmethod
    def resolve_steps(obj: Workflow) -> list[dict[str, Any]]:
        return obj.current_version.steps if obj.current_version else []

    @staticmethod
    def resolve_trigger_sentence(obj: Workflow) -> str:
        return triggers.sentence(obj.current_version.trigger) if obj.current_version else ""

    @staticmethod
    def resolve_conditions_sentence(obj: Workflow) -> str:
        return rules.sentence(obj.current_version.conditions) if obj.current_version else ""


class WorkflowWithSecretsOut(WorkflowOut):
    inbound_path: str = Field(description="POST here to start a webhook workflow (keep it secret)")
    signing_secret: str = Field(description="Verifies X-Smartcrm-Signature on its outgoing webhook calls")

    @staticmethod
    def resolve_inbound_path(obj: Workflow) -> str:
        return f"/hooks/workflows/{obj.inbound_token}"


class WorkflowIn(Schema):
    name: Text100
    trigger: dict[str, Any]
    conditions: dict[str, Any] = Field(default_factory=dict)
    steps: list[dict[str, Any]] = Field(max_length=100)
    enabled: bool = False


class WorkflowPatch(Schema):
    name: Text100 = omittable()
    trigger: dict[str, Any] = omittable()
    conditions: dict[str, Any] = omittable()
    steps: list[dict[str, Any]] = omittable(max_length=100)
    enabled: bool = omittable()


class WorkflowStartIn(Schema):
    customer_ids: list[Id] = Field(max_length=1000)


class WorkflowStepOut(Schema):
    position: int
    kind: str
    status: str
    input: dict[str, Any]
    output: dict[str, Any]
    error: str
    attempt: int
    started_at: datetime
    duration_ms: int


class WorkflowRunOut(Schema):
    id: int
    workflow_id: int
    version: int
    event: str
    customer_id: int | None
    status: str
    cursor: int
    attempts: int
    error: str
    resume_at: datetime | None
    triggered_at: datetime
    created_at: datetime
    finished_at: datetime | None

    @staticmethod
    def resolve_version(obj: WorkflowRun) -> int:
        return obj.version.number


class WorkflowRunDetailOut(WorkflowRunOut):
    context: dict[str, Any]
    steps: list[WorkflowStepOut]

    @staticmethod
    def resolve_steps(obj: WorkflowRun) -> list[Any]:
        return list(obj.steps.all())


class WorkflowRunPage(PageMeta):
    items: list[WorkflowRunOut]


class WorkflowRunQuery(PageQuery):
    workflow_id: Id | None = None
    status: RunStatus | None = None


def _workflow(workflow_id: int) -> Workflow:
    found = selectors.workflows().filter(pk=workflow_id).first()
    if found is None:
        raise NotFoundError(f"workflow {workflow_id}")
    return found


def _run(run_id: int) -> WorkflowRun:
    try:
        return selectors.run_with_log(run_id)
    except WorkflowRun.DoesNotExist as exc:
        raise NotFoundError(f"run {run_id}") from exc


@router.get("", response={200: list[WorkflowOut], **READ_ERRORS}, summary="List workflows")
@needs(Capability.VIEW_WORKFLOWS)
def list_workflows(request: HttpRequest) -> list[Any]:
    return list(selectors.workflows())


@router.post("", response={201: WorkflowWithSecretsOut, **CREATE_ERRORS}, summary="Create a workflow")
@needs(Capability.EDIT_WORKFLOWS)
def create_workflow(request: HttpRequest, payload: WorkflowIn) -> Status:
    user = require_user(request)
    workflow = services.create_workflow(
        actor=user,
        name=payload.name,
        trigger=payload.trigger,
        conditions=payload.conditions,
        steps=payload.steps,
        enabled=payload.enabled,
    )
    return Status(201, _workflow(workflow.pk))


@router.get("/runs", response={200: WorkflowRunPage, **READ_ERRORS}, summary="Runs, newest first")
@needs(Capability.VIEW_WORKFLOWS)
def list_runs(request: HttpRequest, query: Query[WorkflowRunQuery]) -> dict[str, Any]:
    found = selectors.runs(query.workflow_id, query.status)
    return page_response(paginate(found, number=query.page, size=query.page_size))


@router.get(
    "/runs/{run_id}", response={200: WorkflowRunDetailOut, **ONE_ERRORS}, summary="A run and its step log"
)
@needs(Capability.VIEW_WORKFLOWS)
def get_run(request: HttpRequest, run_id: Id) -> Any:
    return _run(run_id)


@router.post(
    "/runs/{run_id}/retry",
    response={202: WorkflowRunOut, **WRITE_ERRORS},
    summary="Retry a failed run from its failed step",
)
@needs(Capability.EDIT_WORKFLOWS)
def retry_run(request: HttpRequest, run_id: Id) -> Status:
    user = require_user(request)
    services.retry_run(actor=user, run=_run(run_id))
    return Status(202, _run(run_id))


@router.get("/{workflow_id}", response={200: WorkflowWithSecretsOut, **ONE_ERRORS}, summary="Get a workflow")
@needs(Capability.EDIT_WORKFLOWS)
def get_workflow(request: HttpRequest, workflow_id: Id) -> Any:
    return _workflow(workflow_id)


@router.patch(
    "/{workflow_id}",
    response={200: WorkflowOut, **WRITE_ERRORS},
    summary="Change a workflow (a changed definition is its next version) or enable/disable it",
)
@needs(Capability.EDIT_WORKFLOWS)
def update_workflow(request: HttpRequest, workflow_id: Id, payload: WorkflowPatch) -> Any:
    user = require_user(request)
    workflow = _workflow(workflow_id)
    values = payload.model_dump(exclude_unset=True)
    enabled = values.pop("enabled", None)
    if values:
        workflow = services.update_workflow(actor=user, workflow=workflow, **values)
    if enabled is not None:
        services.set_enabled(actor=user, workflow=workflow, enabled=enabled)
    return _workflow(workflow_id)


@router.post(
    "/{workflow_id}/start",
    response={202: list[WorkflowRunOut], **WRITE_ERRORS},
    summary="Start a manual workflow for chosen customers",
)
@needs(Capability.EDIT_WORKFLOWS)
def start_workflow(request: HttpRequest, workflow_id: Id, payload: WorkflowStartIn) -> Status:
    user = require_user(request)
    runs = services.start_manual(
        actor=user, workflow=_workflow(workflow_id), customer_ids=payload.customer_ids
    )
    return Status(202, runs)
