"""Customers: the searchable list, profiles (PII masked by role), notes, consents and tags.

There is no DELETE: removing a customer is a GDPR erasure, which has its own workflow.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from smartcrm.accounts.masking import may_view_pii
from smartcrm.accounts.models import User
from smartcrm.accounts.roles import Capability
from smartcrm.api.auth import needs, require_user
from smartcrm.api.errors import CREATE_ERRORS, ONE_ERRORS, READ_ERRORS, WRITE_ERRORS
from smartcrm.api.schemas import (
    CONTROL_FREE,
    Id,
    Money,
    PageMeta,
    PageQuery,
    Search,
    Text2,
    Text10,
    Text20,
    Text40,
    Text50,
    Text100,
    Text200,
    Text254,
    Text500,
    omittable,
    page_response,
    text_for_caller,
)
from smartcrm.customers import selectors, services
from smartcrm.customers.models import Channel, ConsentSource, ConsentStatus, Customer, CustomerKind, Source
from smartcrm.intelligence.selectors import score_of
from smartcrm.readmodels.customer_list import CustomerFilters, customer_page

router = Router(tags=["customers"])

Days = Annotated[int, Field(ge=0, le=36_500)]


class CustomerFilterIn(Schema):
    """The customer list's filters (as ``GET /customers`` takes them); also a bulk action's
    selection, "everyone these filters match"."""

    search: Search = Field(
        "",
        description="Name, company, city or external id; or an exact email or phone (with view_pii)",
    )
    source: Source | None = None
    country: Annotated[str, Field(max_length=2, pattern=r"^[A-Za-z]{0,2}$")] = ""
    kind: CustomerKind | None = None
    tag: Text100 = ""
    min_spent: Money | None = None
    active_within_days: Days | None = Field(None, description="Ordered within this many days")
    lapsed_for_days: Days | None = Field(None, description="No order for at least this many days")
    segment: Text40 = Field("", description="RFM segment key, e.g. `at_risk` (scored customers only)")
    churn_risk_min: float | None = Field(None, ge=0, le=1, description="Churn risk at least this (0–1)")
    high_value: bool = Field(False, description="Only the top 20 % of scored customers by 12-month CLV")
    next_category: Text100 = Field(
        "", description="Category slug: customers whose most likely next category (30 days) it is"
    )
    sort: Literal[
        "recent_order",
        "name",
        "newest",
        "top_spend",
        "most_orders",
        "top_clv",
        "churn_risk",
        "category_propensity",
    ] = Field(
        "recent_order",
        description=(
            "`top_clv`, `churn_risk` and `category_propensity` list scored customers only, highest first"
        ),
    )

    def filters(self, user: User) -> CustomerFilters:
        """As the list applies them: an exact email or phone search only for a role with view_pii."""
        values = self.model_dump(exclude={"page", "page_size"}, exclude_none=True)
        return CustomerFilters(**values, contact_search=may_view_pii(user))


class CustomerQuery(PageQuery, CustomerFilterIn):
    pass


class CustomerSummaryOut(Schema):
    """A row of the list: no contact details (the list never decrypts them)."""

    id: int
    kind: str
    name: str
    company_name: str
    city: str
    country: str
    source: str
    language: str
    created_at: datetime
    orders_count: int
    total_spent: Decimal
    last_order_at: datetime | None


class CustomerRowOut(CustomerSummaryOut):
    """A row of the list with the latest scores beside it (``null`` before the first scoring)."""

    segment: str | None = None
    clv_12m: Decimal | None = None
    churn_risk: float | None = None

    @staticmethod
    def resolve_segment(obj: Customer) -> str | None:
        score = score_of(obj)
        return (score.segment or None) if score else None

    @staticmethod
    def resolve_clv_12m(obj: Customer) -> Decimal | None:
        score = score_of(obj)
        return score.clv_12m if score else None

    @staticmethod
    def resolve_churn_risk(obj: Customer) -> float | None:
        score = score_of(obj)
        return score.churn_risk if score else None


class CustomerPage(PageMeta):
    items: list[CustomerRowOut]


class CustomerOut(CustomerSummaryOut):
    first_name: str
    last_name: str
    email: str = Field(description="Masked (a•••@example.com) unless the role may view PII")
    phone: str
    street_address: str
    pii_masked: bool
    region: str
    postal_code: str
    birthday: date | None = Field(description="Hidden (null) unless the role may view PII")
    renews_on: date | None = Field(description="Next subscription or membership renewal")
    first_order_at: datetime | None
    updated_at: datetime
    tags: list[str]
    consents: dict[str, str] = Field(description="Marketing consent per channel")


class CustomerIn(Schema):
    kind: CustomerKind = CustomerKind.PERSON
    first_name: Text100 = ""
    last_name: Text100 = ""
    company_name: Text200 = ""
    email: Text254 = ""
    phone: Text40 = ""
    street_address: Text500 = ""
    city: Text100 = ""
    region: Text100 = ""
    postal_code: Text20 = ""
    country: Text2 = Field("", description="ISO 3166-1 alpha-2")
    language: Text10 = "en"
    source: Source = Source.API
    birthday: date | None = Field(None, description="Birthday workflows fire before it each year")
    renews_on: date | None = Field(None, description="Renewal workflows fire before it")


class CustomerPatch(Schema):
    """Only the fields sent are changed; ``null`` is not a value (send ``""`` to clear)."""

    kind: CustomerKind = omittable()
    first_name: Text100 = omittable()
    last_name: Text100 = omittable()
    company_name: Text200 = omittable()
    email: Text254 = omittable()
    phone: Text40 = omittable()
    street_address: Text500 = omittable()
    city: Text100 = omittable()
    region: Text100 = omittable()
    postal_code: Text20 = omittable()
    country: Text2 = omittable()
    language: Text10 = omittable()
    source: Source = omittable()
    birthday: date | None = omittable(description="null clears it")
    renews_on: date | None = omittable(description="null clears it")


class NoteIn(Schema):
    body: Annotated[str, Field(min_length=1, max_length=10_000), CONTROL_FREE]


class NoteOut(Schema):
    id: int
    body: str
    author: str | None
    created_at: datetime

    @staticmethod
    def resolve_body(obj: Any, context: dict[str, Any]) -> str:
        body = obj["body"] if isinstance(obj, dict) else obj.body
        return text_for_caller(body, context)


class ConsentIn(Schema):
    status: ConsentStatus
    source: Text100 = Field("", description="Form, import or API that set it")


class ConsentOut(Schema):
    channel: str
    status: str
    source: str
    updated_at: datetime


class TagsIn(Schema):
    tags: list[Text50] = Field(max_length=100)


class TagsOut(Schema):
    tags: list[str]


def _profile(user: User, customer: Customer) -> dict[str, Any]:
    contact = services.contact_for_viewer(user=user, customer=customer)
    return {
        **{name: getattr(customer, name) for name in CustomerOut.model_fields if hasattr(customer, name)},
        "email": contact.email,
        "phone": contact.phone,
        "street_address": contact.street_address,
        "pii_masked": contact.masked,
        "birthday": None if contact.masked else customer.birthday,
        "tags": sorted(t.name for t in customer.tags.all()),
        "consents": {c.channel: c.status for c in customer.consents.all()},
    }


@router.get("", response={200: CustomerPage, **READ_ERRORS}, summary="List customers")
@needs(Capability.VIEW_CUSTOMERS)
def list_customers(request: HttpRequest, query: Query[CustomerQuery]) -> dict[str, Any]:
    """Filter, search and sort customers; the list carries no contact details."""
    user = require_user(request)
    page = customer_page(query.filters(user), page=query.page, size=query.page_size)
    return page_response(page)


@router.post("", response={201: CustomerOut, **CREATE_ERRORS}, summary="Create a customer")
@needs(Capability.EDIT_CUSTOMERS)
def create_customer(request: HttpRequest, payload: CustomerIn) -> Status:
    user = require_user(request)
    customer = services.create_customer(actor=user, values=payload.model_dump())
    return Status(201, _profile(user, selectors.get_customer_profile(customer.pk)))


@router.get("/{customer_id}", response={200: CustomerOut, **ONE_ERRORS}, summary="Get a customer")
@needs(Capability.VIEW_CUSTOMERS)
def get_customer(request: HttpRequest, customer_id: Id) -> dict[str, Any]:
    """The profile; email, phone and address are masked unless the role may view PII (audited)."""
    user = require_user(request)
    return _profile(user, selectors.get_customer_profile(customer_id))


@router.patch("/{customer_id}", response={200: CustomerOut, **WRITE_ERRORS}, summary="Update a customer")
@needs(Capability.EDIT_CUSTOMERS)
def update_customer(request: HttpRequest, customer_id: Id, payload: CustomerPatch) -> dict[str, Any]:
    user = require_user(request)
    customer = selectors.get_customer_profile(customer_id)
    services.update_customer(actor=user, customer=customer, values=payload.model_dump(exclude_unset=True))
    return _profile(user, customer)


@router.post(
    "/{customer_id}/notes", response={201: NoteOut, **WRITE_ERRORS}, summary="Add a note to a customer"
)
@needs(Capability.EDIT_CUSTOMERS)
def add_note(request: HttpRequest, customer_id: Id, payload: NoteIn) -> Status:
    user = require_user(request)
    note = services.add_note(actor=user, customer=selectors.get_customer(customer_id), body=payload.body)
    return Status(
        201, {"id": note.pk, "body": note.body, "author": user.get_username(), "created_at": note.created_at}
    )


@router.put(
    "/{customer_id}/consents/{channel}",
    response={200: ConsentOut, **WRITE_ERRORS},
    summary="Set a customer's marketing consent on one channel",
)
@needs(Capability.EDIT_CUSTOMERS)
def set_consent(request: HttpRequest, customer_id: Id, channel: Channel, payload: ConsentIn) -> Any:
    user = require_user(request)
    return services.set_consent(
        actor=user,
        customer=selectors.get_customer(customer_id),
        channel=channel.value,
        status=payload.status.value,
        source=payload.source,
        via=ConsentSource.API,
    )


@router.put(
    "/{customer_id}/tags", response={200: TagsOut, **WRITE_ERRORS}, summary="Replace a customer's tags"
)
@needs(Capability.EDIT_CUSTOMERS)
def set_tags(request: HttpRequest, customer_id: Id, payload: TagsIn) -> dict[str, list[str]]:
    user = require_user(request)
    names = services.set_tags(actor=user, customer=selectors.get_customer(customer_id), names=payload.tags)
    return {"tags": names}
