"""The data export holds every section (contact details decrypted, cells formula-safe) and is
audited; retention empties old closed tickets and chats; consents keep their history; the
registry accounts for every personal field."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from smartcrm.assistant.models import Conversation, ConversationMessage, Speaker
from smartcrm.core.fields import EncryptedTextField
from smartcrm.core.models import AuditAction, AuditEvent
from smartcrm.customers.models import PERSONAL_FIELDS, ConsentEvent, ConsentSource
from smartcrm.customers.services import set_consent
from smartcrm.privacy import registry, services
from smartcrm.support.models import Ticket, TicketMessage, TicketStatus
from tests import factories
from tests.privacy.conftest import EMAIL, PHONE, TEXTS, Distinctive


def _zip(data: bytes) -> zipfile.ZipFile:
    return zipfile.ZipFile(io.BytesIO(data))


def test_the_export_holds_every_section_with_contact_details_in_clear(
    distinctive: Distinctive, admin_user: Any
) -> None:
    archive = _zip(services.export_personal_data(actor=admin_user, customer=distinctive.customer))
    document = json.loads(archive.read("data.json"))
    sections = document["sections"]
    profile = sections["customer"][0]
    assert (profile["email"], profile["phone"], profile["street_address"]) == (EMAIL, PHONE, TEXTS["street"])
    assert profile["tags"] == [TEXTS["tag"]] and "email_hash" not in profile
    expected = {"external_ids", "consents", "consent_history", "notes", "orders", "refunds", "tickets"}
    expected |= {"ticket_messages", "reviews", "survey_responses", "conversations", "conversation_messages"}
    expected |= {"campaign_sends", "text_analyses", "activities", "tasks", "leads", "audit_events"}
    assert expected <= {name for name, rows in sections.items() if rows}
    assert sections["notes"][0]["body"] == TEXTS["note"]
    assert sections["conversation_messages"][0]["body"] == TEXTS["chat"]
    assert sections["consent_history"][0]["via"] == "form"
    assert all("chain_hash" not in row for row in sections["audit_events"])
    assert {"customer.csv", "notes.csv", "orders.csv", "ticket_messages.csv"} <= set(archive.namelist())
    notes = list(csv.DictReader(io.StringIO(archive.read("notes.csv").decode("utf-8-sig"))))
    assert notes[0]["body"] == TEXTS["note"]
    event = AuditEvent.objects.get(
        action=AuditAction.EXPORT_PERSONAL_DATA, object_id=str(distinctive.customer.pk)
    )
    assert event.actor == admin_user and event.changes["rows"]["notes"] == 1
    assert EMAIL not in json.dumps(event.changes)


def test_export_cells_are_formula_safe(distinctive: Distinctive) -> None:
    from smartcrm.customers.services import add_note

    add_note(actor="test", customer=distinctive.customer, body='=HYPERLINK("http://evil.example","x")')
    archive = _zip(services.export_personal_data(actor="test", customer=distinctive.customer))
    text = archive.read("notes.csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in text and "\n=HYPERLINK" not in text


def test_the_export_command_writes_a_private_zip(distinctive: Distinctive, tmp_path: Path) -> None:
    target = tmp_path / "out.zip"
    call_command("privacy", "export", str(distinctive.customer.pk), "-o", str(target))
    assert "data.json" in _zip(target.read_bytes()).namelist()
    assert target.stat().st_mode & 0o077 == 0
    assert AuditEvent.objects.filter(
        action=AuditAction.EXPORT_PERSONAL_DATA, actor_label="cli:privacy"
    ).exists()


def test_consent_changes_keep_their_history(db: Any, admin_user: Any) -> None:
    customer = factories.CustomerFactory()
    set_consent(actor=admin_user, customer=customer, channel="chat", status="granted", via=ConsentSource.FORM)
    set_consent(actor="unsubscribe:one-click", customer=customer, channel="chat", status="withdrawn",
                source="campaign 3", via=ConsentSource.UNSUBSCRIBE_LINK)  # fmt: skip
    assert customer.consents.get(channel="chat").status == "withdrawn"
    history = list(ConsentEvent.objects.filter(customer=customer).order_by("at", "pk"))
    assert [(e.status, e.via, e.recorded_by) for e in history] == [
        ("granted", "form", admin_user.username),
        ("withdrawn", "unsubscribe_link", "unsubscribe:one-click"),
    ]
    assert history[0].at <= history[1].at


@override_settings(SMARTCRM_RETAIN_CLOSED_TICKETS_MONTHS=6, SMARTCRM_RETAIN_CHATS_MONTHS=3)
def test_retention_empties_old_closed_tickets_and_chats_only(db: Any) -> None:
    long_ago = timezone.now() - timedelta(days=400)
    old = factories.TicketFactory(subject="old closed", status=TicketStatus.CLOSED, last_message_at=long_ago)
    factories.TicketMessageFactory(ticket=old, body="old text")
    open_old = factories.TicketFactory(
        subject="old but open", status=TicketStatus.OPEN, last_message_at=long_ago
    )
    factories.TicketMessageFactory(ticket=open_old, body="still needed")
    recent = factories.TicketFactory(subject="recent closed", status=TicketStatus.CLOSED)
    stale_chat = Conversation.objects.create()
    ConversationMessage.objects.create(conversation=stale_chat, speaker=Speaker.CUSTOMER, body="old chat")
    Conversation.objects.filter(pk=stale_chat.pk).update(updated_at=long_ago)
    fresh_chat = Conversation.objects.create()
    ConversationMessage.objects.create(conversation=fresh_chat, speaker=Speaker.CUSTOMER, body="new chat")

    call_command("retention", "run")
    assert Ticket.objects.get(pk=old.pk).subject == ""
    assert list(TicketMessage.objects.filter(ticket=old).values_list("body", flat=True)) == [""]
    assert TicketMessage.objects.get(ticket=open_old).body == "still needed"
    assert Ticket.objects.get(pk=recent.pk).subject == "recent closed"
    assert not ConversationMessage.objects.filter(conversation=stale_chat).exists()
    assert ConversationMessage.objects.filter(conversation=fresh_chat).exists()
    event = AuditEvent.objects.filter(action=AuditAction.APPLY_RETENTION).latest("seq")
    assert event.changes["removed"] == {"ticket_messages": 1, "ticket_subjects": 1, "chat_messages": 1}
    assert services.apply_retention(actor="test") == {}  # nothing left the second time


def test_the_registry_accounts_for_every_personal_and_encrypted_field() -> None:
    missing = sorted(PERSONAL_FIELDS - registry.fields_of("customers.Customer"))
    shop_secrets = {"ShopConnection.secret", "WebhookEndpoint.secret", "AssistantSettings.telegram_bot_token"}
    shop_secrets |= {
        "AssistantSettings.telegram_webhook_secret",
        "TotpDevice.secret",
    }  # staff's, not customers'
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            name = f"{model.__name__}.{field.name}"
            if not isinstance(field, EncryptedTextField) or name in shop_secrets:
                continue
            if field.name not in registry.fields_of(model._meta.label):
                missing.append(name)
    assert not missing
    labels = {m._meta.label.lower() for m in apps.get_models()}
    assert {held.model.lower() for held in registry.REGISTRY} <= labels
