"""Shop sync and outbound webhooks: endpoints, both delivery logs, redelivery and replay.

Every operation needs the ``manage_integrations`` capability. Secrets are returned once, when
an endpoint is created or its secret rotated; inbound payloads are never returned.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from smartcrm.accounts.roles import Capability
from smartcrm.api.auth import needs, require_user
from smartcrm.api.errors import AUTH_ERRORS, CREATE_ERRORS, ONE_ERRORS, READ_ERRORS, WRITE_ERRORS
from smartcrm.api.schemas import (
    CONTROL_FREE,
    Id,
    PageMeta,
    PageQuery,
    Text100,
    Text500,
    omittable,
    page_response,
)
from smartcrm.integrations import inbound, outbound, selectors
from smartcrm.integrations.models import InboundStatus, OutboundStatus
from smartcrm.integrations.wording import delivery_message

router = Router(tags=["webhooks"])
Text80 = Annotated[str, Field(max_length=80), CONTROL_FREE]


class EndpointOut(Schema):
    id: int
    name: str
    url: str
    event_types: list[str]
    include_pii: bool
    is_active: bool
    created_at: datetime


class EndpointWithSecretOut(EndpointOut):
    secret: str = Field(description="Shown only now: keep it to verify X-Smartcrm-Signature")


class EndpointIn(Schema):
    name: Text100
    url: Text500
    event_types: list[Text80] = Field(
        description='Event types, e.g. "order.created"; "*" for all', max_length=50
    )
    include_pii: bool = Field(False, description="Send names, emails, phone numbers and addresses")


class EndpointPatch(Schema):
    name: Text100 = omittable()
    url: Text500 = omittable()
    event_types: list[Text80] = omittable(max_length=50)
    include_pii: bool = omittable()
    is_active: bool = omittable()


class SecretOut(Schema):
    secret: str


class DeliveryOut(Schema):
    id: int
    endpoint_id: int
    event_id: str
    event_type: str
    status: str
    attempts: int
    response_code: int | None
    duration_ms: int | None
    last_error: str
    next_retry_at: datetime | None
    created_at: datetime
    last_attempt_at: datetime | None
    delivered_at: datetime | None
    redelivery_of_id: int | None

    @staticmethod
    def resolve_event_id(obj: Any) -> str:
        return str(obj.event.uid)

    @staticmethod
    def resolve_event_type(obj: Any) -> str:
        return str(obj.event.event_type)


class DeliveryPage(PageMeta):
    items: list[DeliveryOut]


class DeliveryQuery(PageQuery):
    endpoint_id: Id | None = None
    status: OutboundStatus | None = None
    event_type: Text80 = ""


class InboundOut(Schema):
    id: int
    connection_id: int
    delivery_id: str
    topic: str
    status: str
    resource: str
    external_id: str
    remote_updated_at: datetime | None
    errors: dict[str, str] = Field(
        description="Field path → message (never the value), in the request's language"
    )
    notes: list[str] = Field(description="What was noted while applying, in the request's language")
    received_at: datetime
    processed_at: datetime | None
    attempts: int

    @staticmethod
    def resolve_errors(obj: Any) -> dict[str, str]:
        return {path: delivery_message(message) for path, message in (obj.errors or {}).items()}

    @staticmethod
    def resolve_notes(obj: Any) -> list[str]:
        return [delivery_message(note) for note in obj.notes or []]


class InboundPage(PageMeta):
    items: list[InboundOut]


class InboundQuery(PageQuery):
    connection_id: Id | None = None
    status: InboundStatus | None = None
    topic: Text80 = ""


class ConnectionOut(Schema):
    id: int
    platform: str
    shop_domain: str
    name: str
    default_region: str
    default_currency: str
    is_active: bool
    webhook_path: str

    @staticmethod
    def resolve_webhook_path(obj: Any) -> str:
        return f"/hooks/{obj.platform}/{obj.pk}"


class EventTypesOut(Schema):
    event_types: list[str]
    retry_schedule_seconds: list[Annotated[list[float], Field(min_length=2, max_length=2)]] = Field(
        description="(earliest, latest) wait before each retry"
    )


@router.get("/event-types", response={200: EventTypesOut, **AUTH_ERRORS}, summary="Events and retry policy")
@needs(Capability.MANAGE_INTEGRATIONS)
def event_types(request: HttpRequest) -> dict[str, Any]:
    from smartcrm.integrations import conf

    schedule = outbound.retry_schedule(
        conf.max_attempts(), base=conf.retry_base_seconds(), cap=conf.retry_cap_seconds()
    )
    return {"event_types": list(outbound.EVENT_TYPES), "retry_schedule_seconds": schedule}


@router.get("/endpoints", response={200: list[EndpointOut], **AUTH_ERRORS}, summary="List outbound endpoints")
@needs(Capability.MANAGE_INTEGRATIONS)
def list_endpoints(request: HttpRequest) -> list[Any]:
    return selectors.endpoints()


@router.post(
    "/endpoints",
    response={201: EndpointWithSecretOut, **CREATE_ERRORS},
    summary="Create an endpoint (its signing secret is in this answer only)",
)
@needs(Capability.MANAGE_INTEGRATIONS)
def create_endpoint(request: HttpRequest, payload: EndpointIn) -> Status:
    user = require_user(request)
    endpoint = outbound.create_endpoint(
        actor=user,
        name=payload.name,
        url=payload.url,
        event_types=list(payload.event_types),
        include_pii=payload.include_pii,
    )
    return Status(201, endpoint)


@router.get("/endpoints/{endpoint_id}", response={200: EndpointOut, **ONE_ERRORS}, summary="Get an endpoint")
@needs(Capability.MANAGE_INTEGRATIONS)
def get_endpoint(request: HttpRequest, endpoint_id: Id) -> Any:
    return selectors.get_endpoint(endpoint_id)


@router.patch(
    "/endpoints/{endpoint_id}", response={200: EndpointOut, **WRITE_ERRORS}, summary="Change an endpoint"
)
@needs(Capability.MANAGE_INTEGRATIONS)
def update_endpoint(request: HttpRequest, endpoint_id: Id, payload: EndpointPatch) -> Any:
    user = require_user(request)
    endpoint = selectors.get_endpoint(endpoint_id)
    outbound.update_endpoint(actor=user, endpoint=endpoint, values=payload.model_dump(exclude_unset=True))
    return endpoint


@router.post(
    "/endpoints/{endpoint_id}/rotate-secret",
    response={200: SecretOut, **ONE_ERRORS},
    summary="Replace the signing secret (the new one is in this answer only)",
)
@needs(Capability.MANAGE_INTEGRATIONS)
def rotate_secret(request: HttpRequest, endpoint_id: Id) -> dict[str, str]:
    user = require_user(request)
    return {"secret": outbound.rotate_secret(actor=user, endpoint=selectors.get_endpoint(endpoint_id))}


@router.delete(
    "/endpoints/{endpoint_id}", response={204: None, **ONE_ERRORS}, summary="Delete an endpoint and its log"
)
@needs(Capability.MANAGE_INTEGRATIONS)
def delete_endpoint(request: HttpRequest, endpoint_id: Id) -> Status:
    user = require_user(request)
    outbound.delete_endpoint(actor=user, endpoint=selectors.get_endpoint(endpoint_id))
    return Status(204, None)


@router.get("/deliveries", response={200: DeliveryPage, **READ_ERRORS}, summary="The outbound delivery log")
@needs(Capability.MANAGE_INTEGRATIONS)
def list_deliveries(request: HttpRequest, query: Query[DeliveryQuery]) -> dict[str, Any]:
    page = selectors.outbound_page(
        page=query.page,
        size=query.page_size,
        endpoint_id=query.endpoint_id,
        status=query.status or "",
        event_type=query.event_type,
    )
    return page_response(page)


@router.get("/deliveries/{delivery_id}", response={200: DeliveryOut, **ONE_ERRORS}, summary="Get a delivery")
@needs(Capability.MANAGE_INTEGRATIONS)
def get_delivery(request: HttpRequest, delivery_id: Id) -> Any:
    return selectors.get_outbound(delivery_id)


@router.post(
    "/deliveries/{delivery_id}/redeliver",
    response={202: DeliveryOut, **ONE_ERRORS},
    summary="Send the event again (a new delivery in the log)",
)
@needs(Capability.MANAGE_INTEGRATIONS)
def redeliver(request: HttpRequest, delivery_id: Id) -> Status:
    user = require_user(request)
    again = outbound.redeliver(actor=user, delivery=selectors.get_outbound(delivery_id))
    return Status(202, selectors.get_outbound(again.pk))


@router.get(
    "/connections", response={200: list[ConnectionOut], **AUTH_ERRORS}, summary="List shop connections"
)
@needs(Capability.MANAGE_INTEGRATIONS)
def list_connections(request: HttpRequest) -> list[Any]:
    return selectors.connections()


@router.get("/inbound", response={200: InboundPage, **READ_ERRORS}, summary="The inbound delivery log")
@needs(Capability.MANAGE_INTEGRATIONS)
def list_inbound(request: HttpRequest, query: Query[InboundQuery]) -> dict[str, Any]:
    page = selectors.inbound_page(
        page=query.page,
        size=query.page_size,
        connection_id=query.connection_id,
        status=query.status or "",
        topic=query.topic,
    )
    return page_response(page)


@router.post(
    "/inbound/{delivery_id}/replay",
    response={202: InboundOut, **WRITE_ERRORS},
    summary="Apply an inbound delivery again from its stored body",
)
@needs(Capability.MANAGE_INTEGRATIONS)
def replay(request: HttpRequest, delivery_id: Id) -> Status:
    user = require_user(request)
    delivery = inbound.replay(actor=user, delivery=selectors.get_inbound(delivery_id))
    return Status(202, selectors.get_inbound(delivery.pk))
