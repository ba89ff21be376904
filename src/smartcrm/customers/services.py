"""Writes for customers: every one validates, saves, records its actor and lands on the timeline."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from smartcrm.accounts.roles import Capability
from smartcrm.activities.models import ActivityKind
from smartcrm.activities.services import log_activity
from smartcrm.core import audit
from smartcrm.core.actors import Actor
from smartcrm.core.audit import AuditAction
from smartcrm.core.errors import ServiceValidationError
from smartcrm.core.pii import (
    hash_for_lookup,
    mask_address,
    mask_email,
    mask_phone,
    normalise_email,
    normalise_phone,
)
from smartcrm.customers import events
from smartcrm.customers.contact import CONTACT_FIELDS
from smartcrm.customers.models import (
    PERSONAL_FIELDS,
    Channel,
    Consent,
    ConsentEvent,
    ConsentSource,
    ConsentStatus,
    Customer,
    CustomerKind,
    ExternalId,
    Note,
    Source,
    Tag,
)

EDITABLE_FIELDS = (
    "kind",
    "first_name",
    "last_name",
    "company_name",
    *CONTACT_FIELDS,
    "language",
    "source",
    "birthday",
    "renews_on",
)


# Audited as "set", never by value: a birthday is personal.
@dataclass
class CleanContact:
    email: str = ""
    email_hash: str = ""
    phone: str = ""
    phone_hash: str = ""


def clean_contact(email: str, phone: str, errors: dict[str, str]) -> CleanContact:
    """Validate and normalise an email and a phone number, collecting errors per field."""
    contact = CleanContact()
    if email:
        email = normalise_email(email)
        try:
            validate_email(email)
        except ValidationError:
            errors["email"] = _("Enter a valid email address.")
        else:
            contact.email, contact.email_hash = email, hash_for_lookup(email)
    if phone:
        try:
            contact.phone = normalise_phone(phone)
        except ValueError:
            errors["phone"] = _(
                "Enter a valid phone number (international format, or local to the shop's region)."
            )
        else:
            contact.phone_hash = hash_for_lookup(contact.phone)
    return contact


def _clean(values: dict[str, Any]) -> dict[str, Any]:
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ServiceValidationError(dict.fromkeys(sorted(unknown), _("Unknown field.")))
    errors: dict[str, str] = {}
    cleaned = {k: (v.strip() if isinstance(v, str) else v) for k, v in values.items()}
    if "kind" in cleaned and cleaned["kind"] not in CustomerKind.values:
        errors["kind"] = _("Must be one of: %(choices)s.") % {"choices": ", ".join(CustomerKind.values)}
    if "source" in cleaned and cleaned["source"] not in Source.values:
        errors["source"] = _("Must be one of: %(choices)s.") % {"choices": ", ".join(Source.values)}
    if cleaned.get("country") and (len(cleaned["country"]) != 2 or not cleaned["country"].isalpha()):
        errors["country"] = _("Use a two-letter ISO country code.")
    if "country" in cleaned:
        cleaned["country"] = (cleaned["country"] or "").upper()
    for name, limit in (
        ("first_name", 100),
        ("last_name", 100),
        ("company_name", 200),
        ("city", 100),
        ("region", 100),
        ("postal_code", 20),
    ):
        if len(cleaned.get(name) or "") > limit:
            errors[name] = _("At most %(limit)s characters.") % {"limit": limit}
    for name in ("birthday", "renews_on"):
        if name in cleaned:
            cleaned[name] = _clean_date(name, cleaned[name], errors)
    contact = clean_contact(cleaned.get("email") or "", cleaned.get("phone") or "", errors)
    if "email" in cleaned:
        cleaned["email"], cleaned["email_hash"] = contact.email, contact.email_hash
    if "phone" in cleaned:
        cleaned["phone"], cleaned["phone_hash"] = contact.phone, contact.phone_hash
    if errors:
        raise ServiceValidationError(errors)
    return cleaned


def _clean_date(name: str, value: Any, errors: dict[str, str]) -> date | None:
    """A date (or ``YYYY-MM-DD``), or None for empty; a birthday lies between 1900 and today."""
    if value in (None, ""):
        return None
    if not isinstance(value, date):
        try:
            value = date.fromisoformat(str(value))
        except ValueError:
            errors[name] = _("A date as YYYY-MM-DD.")
            return None
    if name == "birthday" and not date(1900, 1, 1) <= value <= timezone.localdate():
        errors[name] = _("A birthday between 1900 and today.")
    return value


def _refresh_derived(customer: Customer) -> None:
    customer.name = customer.compose_name()
    ids = [e.value for e in customer.external_ids.all()] if customer.pk else []
    customer.search_text = customer.compose_search_text(ids)


@transaction.atomic
def create_customer(
    *,
    actor: Actor,
    values: dict[str, Any],
    external_id: tuple[str, str] | None = None,
    created_at: Any = None,
) -> Customer:
    """Create a customer from validated values; raises ServiceValidationError per field."""
    cleaned = _clean(values)
    customer = Customer(created_at=created_at or timezone.now(), **cleaned)
    customer.name = customer.compose_name()
    if not customer.name:
        raise ServiceValidationError({"__all__": _("A customer needs a name or a company name.")})
    customer.search_text = customer.compose_search_text([external_id[1]] if external_id else [])
    customer.save()
    if external_id:
        ExternalId.objects.create(customer=customer, system=external_id[0], value=external_id[1])
    audit.record(
        actor,
        AuditAction.CREATE,
        customer,
        changes={k: "set" for k in cleaned if k in PERSONAL_FIELDS and not k.endswith("_hash")}
        | {
            k: v.isoformat() if isinstance(v, date) else v
            for k, v in cleaned.items()
            if k not in PERSONAL_FIELDS
        },
    )
    events.customer_created(customer)
    return customer


@transaction.atomic
def update_customer(*, actor: Actor, customer: Customer, values: dict[str, Any]) -> dict[str, Any]:
    """Change the given fields; returns what changed (personal values never leave this function)."""
    cleaned = _clean(values)
    changes = audit.diff(customer, cleaned, PERSONAL_FIELDS)
    if not changes:
        return {}
    _refresh_derived(customer)
    if not customer.name:
        raise ServiceValidationError({"__all__": _("A customer needs a name or a company name.")})
    customer.save(update_fields=[*changes, "name", "search_text", "updated_at"])
    audit.record(actor, AuditAction.UPDATE, customer, changes=changes)
    events.customer_updated(customer)
    log_activity(
        customer=customer,
        kind=ActivityKind.PROFILE,
        actor=actor,
        summary="Profile updated: " + ", ".join(k for k in changes if not k.endswith("_hash")),
    )
    return changes


@transaction.atomic
def add_note(*, actor: Actor, customer: Customer, body: str) -> Note:
    body = body.strip()
    if not body:
        raise ServiceValidationError({"body": _("A note cannot be empty.")})
    if len(body) > 10_000:
        raise ServiceValidationError({"body": _("At most 10,000 characters.")})
    note = Note.objects.create(customer=customer, author=audit.user_of(actor), body=body)
    audit.record(actor, AuditAction.ADD_NOTE, customer, changes={"note": note.pk})
    events.note_added(note)  # mentions and followers
    return note


@transaction.atomic
def set_consent(
    *,
    actor: Actor,
    customer: Customer,
    channel: str,
    status: str,
    source: str = "",
    via: ConsentSource = ConsentSource.STAFF,
) -> Consent:
    """Set the current consent on one channel and add the decision to the customer's history."""
    errors = {}
    if channel not in Channel.values:
        errors["channel"] = _("Must be one of: %(choices)s.") % {"choices": ", ".join(Channel.values)}
    if status not in ConsentStatus.values:
        errors["status"] = _("Must be one of: %(choices)s.") % {"choices": ", ".join(ConsentStatus.values)}
    if errors:
        raise ServiceValidationError(errors)
    now, source = timezone.now(), source[:100]
    consent, _created = Consent.objects.update_or_create(
        customer=customer,
        channel=channel,
        defaults={"status": status, "source": source, "updated_at": now},
    )
    label = audit.actor_fields(actor)["actor_label"]
    ConsentEvent.objects.create(
        customer=customer, channel=channel, status=status, via=via, source=source, recorded_by=label, at=now
    )
    audit.record(
        actor, AuditAction.SET_CONSENT, customer, changes={channel: status, "via": via, "source": source}
    )
    return consent


@transaction.atomic
def set_tags(*, actor: Actor, customer: Customer, names: list[str]) -> list[str]:
    clean = sorted({n.strip().lower()[:50] for n in names if n.strip()})
    Tag.objects.bulk_create([Tag(name=n) for n in clean], ignore_conflicts=True)
    tags = list(Tag.objects.filter(name__in=clean))
    customer.tags.set(tags)
    # Tag ids, not names: a tag can say something personal, and the audit log outlives an erasure.
    audit.record(actor, AuditAction.SET_TAGS, customer, changes={"tag_ids": sorted(t.pk for t in tags)})
    return clean


@dataclass(frozen=True)
class ContactView:
    """What a user may see of a customer's contact details."""

    email: str
    phone: str
    street_address: str
    masked: bool


def contact_for_viewer(*, user: Any, customer: Customer) -> ContactView:
    """Contact details masked for roles without VIEW_PII; an unmasked read is audited."""
    if user.can(Capability.VIEW_PII):
        if customer.email or customer.phone or customer.street_address:
            audit.record(user, AuditAction.VIEW_PII, customer)
        return ContactView(customer.email, customer.phone, customer.street_address, masked=False)
    return ContactView(
        mask_email(customer.email) if customer.email else "",
        mask_phone(customer.phone) if customer.phone else "",
        mask_address(customer.street_address),
        masked=True,
    )
