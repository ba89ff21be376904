"""The email channel against a real SMTP server (aiosmtpd on an ephemeral port): mail in opens or
joins a ticket, the assistant acknowledges (and answers when confident) per the shop's switch,
agents' replies go out threaded, and a message is sent once."""

from __future__ import annotations

import email
import email.policy
import io
import os
import smtplib
import subprocess
import sys
from collections.abc import Iterator
from email.message import EmailMessage
from email.utils import make_msgid
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from django.core.management import CommandError, call_command

from smartcrm.accounts.roles import Role
from smartcrm.assistant import shop_settings
from smartcrm.assistant.channels import delivery
from smartcrm.assistant.channels.mail_in import receive_mail
from smartcrm.assistant.models import Channel, Conversation, ConversationMessage, EmailAutoReply, Speaker
from smartcrm.core.errors import ServiceValidationError
from smartcrm.knowledge.models import Article
from smartcrm.support.models import AuthorKind, Ticket, TicketChannel
from smartcrm.support.services import reply_to_ticket
from tests.factories import CustomerFactory, OrderFactory
from tests.ports import free_port

pytestmark = pytest.mark.django_db

SUPPORT = "support@shop.example"


class Inbox:
    """What the SMTP server received: each mail parsed, with its envelope recipients."""

    def __init__(self) -> None:
        self.mails: list[EmailMessage] = []
        self.recipients: list[list[str]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        parsed = email.message_from_bytes(envelope.original_content, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        self.mails.append(parsed)
        self.recipients.append(list(envelope.rcpt_tos))
        return "250 OK"


@pytest.fixture
def smtp(settings: Any) -> Iterator[Inbox]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", controller.port, 5
    settings.DEFAULT_FROM_EMAIL = f"Shop Support <{SUPPORT}>"
    settings.SMARTCRM_ASSISTANT_ALWAYS_HAND_OFF = False
    yield inbox
    controller.stop()


@pytest.fixture
def shop(help_center: dict[tuple[str, str], Article]) -> dict[str, Any]:
    ann = CustomerFactory(email="ann@example.com", first_name="Ann")
    bob = CustomerFactory(email="bob@example.com", first_name="Bob")
    OrderFactory(customer=bob, number="20077")
    return {"ann": ann, "bob": bob, "articles": help_center}


def _mode(mode: str) -> None:
    shop_settings.update_settings(actor="test", values={"email_auto_reply": mode})


def _mail(
    sender: str, subject: str, body: str, *, in_reply_to: str = "", headers: dict[str, str] | None = None
) -> tuple[bytes, str]:
    mail = EmailMessage()
    mail["From"], mail["To"], mail["Subject"] = sender, SUPPORT, subject
    mail["Message-ID"] = make_msgid(domain="mail.example.com")
    if in_reply_to:
        mail["In-Reply-To"] = mail["References"] = in_reply_to
    for name, value in (headers or {}).items():
        mail[name] = value
    mail.set_content(body)
    return mail.as_bytes(), str(mail["Message-ID"])


def _receive(capture: Any, raw: bytes) -> Ticket:
    with capture(execute=True):
        received = receive_mail(raw)
    return received.ticket


def test_a_question_by_mail_gets_an_acknowledgement_and_the_cited_answer(
    shop: dict[str, Any], smtp: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    _mode(EmailAutoReply.ANSWER)
    raw, msgid = _mail(
        "Ann <ann@example.com>", "Sending stuff back", "How many days do I have to send stuff back?"
    )
    ticket = _receive(django_capture_on_commit_callbacks, raw)
    assert (ticket.customer, ticket.channel, ticket.language) == (shop["ann"], TicketChannel.EMAIL, "en")
    (mail,) = smtp.mails
    assert smtp.recipients == [["ann@example.com"]]
    assert mail["From"] == f"Shop Support <{SUPPORT}>" and mail["To"] == "ann@example.com"
    assert mail["Subject"] == f"Re: Sending stuff back [#{ticket.pk}]"
    assert mail["In-Reply-To"] == msgid and mail["Auto-Submitted"] == "auto-replied"
    assert mail["Message-ID"].startswith(f"<smartcrm.t{ticket.pk}.m")
    body = mail.get_content().replace("\r\n", "\n")
    assert f"ticket #{ticket.pk}" in body and "30 days" in body and "Source: Returns policy" in body
    assert "bob@example.com" not in body and "20077" not in body
    stored = ticket.messages.get(author_kind=AuthorKind.SYSTEM)
    assert stored.body.strip() == body.strip()
    reply = ConversationMessage.objects.get(conversation__ticket=ticket, speaker=Speaker.ASSISTANT)
    assert reply.action == "answer" and reply.delivered_at is not None
    assert reply.citations[0]["article_id"] == shop["articles"]["returns-policy", "en"].pk


def test_chinese_mail_is_answered_in_chinese(
    shop: dict[str, Any], smtp: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    _mode(EmailAutoReply.ANSWER)
    raw, _ = _mail("王芳 <fang@example.cn>", "退货", "买的东西不想要了，多久之内能退？")
    ticket = _receive(django_capture_on_commit_callbacks, raw)
    assert ticket.language == "zh-Hans" and ticket.customer.email == "fang@example.cn"
    body = smtp.mails[0].get_content()
    assert f"工单 #{ticket.pk}" in body and "来源：退货政策" in body and "Source:" not in body


def test_acknowledge_mode_sends_no_answer(
    shop: dict[str, Any], smtp: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    _mode(EmailAutoReply.ACKNOWLEDGE)
    raw, _ = _mail("ann@example.com", "Returns", "How many days do I have to send stuff back?")
    ticket = _receive(django_capture_on_commit_callbacks, raw)
    body = smtp.mails[0].get_content()
    assert f"ticket #{ticket.pk}" in body and "Source:" not in body and "30 days" not in body


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("This is RIDICULOUS, third time asking, how many days to return stuff?!", "angry_or_urgent"),
        ("How many days do I have to send stuff back? I want to talk to a human.", "asked_for_a_person"),
    ],
)
def test_no_answer_to_angry_mail_or_to_a_sender_who_asks_for_a_person(
    shop: dict[str, Any], smtp: Inbox, django_capture_on_commit_callbacks: Any, text: str, reason: str
) -> None:
    _mode(EmailAutoReply.ANSWER)
    raw, _ = _mail("ann@example.com", "Returns", text)
    ticket = _receive(django_capture_on_commit_callbacks, raw)
    reply = ConversationMessage.objects.get(conversation__ticket=ticket, speaker=Speaker.ASSISTANT)
    assert (reply.action, reply.reason) == ("acknowledge", reason)
    assert "Source:" not in smtp.mails[0].get_content()


def test_no_auto_reply_when_off_or_to_automatic_mail(
    shop: dict[str, Any], smtp: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    _mode(EmailAutoReply.OFF)
    raw, _ = _mail("ann@example.com", "Returns", "How long do I have to return something?")
    first = _receive(django_capture_on_commit_callbacks, raw)
    _mode(EmailAutoReply.ANSWER)
    raw, _ = _mail(
        "ann@example.com", "Out of office", "I am away.", headers={"Auto-Submitted": "auto-replied"}
    )
    second = _receive(django_capture_on_commit_callbacks, raw)
    assert first != second and smtp.mails == []
    assert not ConversationMessage.objects.filter(speaker=Speaker.ASSISTANT).exists()


def test_a_reply_joins_its_ticket_and_an_agents_answer_goes_out_threaded_once(
    shop: dict[str, Any], smtp: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    _mode(EmailAutoReply.ACKNOWLEDGE)
    raw, _ = _mail("ann@example.com", "Blue mug", "Is the blue mug back in stock?")
    ticket = _receive(django_capture_on_commit_callbacks, raw)
    ack = smtp.mails[0]
    raw, _ = _mail(
        "ann@example.com",
        f"Re: Blue mug [#{ticket.pk}]",
        "Also, does it come in green?\n\nOn Mon, Support wrote:\n> We have opened ticket",
        in_reply_to=ack["Message-ID"],
    )
    assert _receive(django_capture_on_commit_callbacks, raw) == ticket
    added = ticket.messages.filter(author_kind=AuthorKind.CUSTOMER).last()
    assert added is not None and added.body == "Also, does it come in green?"  # the quote is cut
    assert len(smtp.mails) == 1  # a follow-up is not acknowledged again
    with django_capture_on_commit_callbacks(execute=True):
        reply_to_ticket(actor="test", ticket=ticket, body="Hi Ann, it is back on Friday, in blue only.")
        reply_to_ticket(actor="test", ticket=ticket, body="internal: ask the supplier", internal=True)
    assert len(smtp.mails) == 2
    answer = smtp.mails[1]
    assert answer["Subject"] == f"Re: Blue mug [#{ticket.pk}]" and answer["In-Reply-To"] == ack["Message-ID"]
    assert answer["Auto-Submitted"] is None and "back on Friday" in answer.get_content()
    assert "internal" not in answer.get_content()
    sent = ConversationMessage.objects.get(conversation__ticket=ticket, speaker=Speaker.AGENT)
    assert delivery.deliver(sent.pk) == "already delivered" and len(smtp.mails) == 2


def test_a_mail_naming_another_customers_ticket_opens_its_own(
    shop: dict[str, Any], smtp: Inbox, django_capture_on_commit_callbacks: Any
) -> None:
    _mode(EmailAutoReply.OFF)
    raw, _ = _mail("bob@example.com", "Order 20077", "Where is my order 20077?")
    bobs = _receive(django_capture_on_commit_callbacks, raw)
    raw, _ = _mail("ann@example.com", f"Re: Order [#{bobs.pk}]", "Show me this ticket please")
    anns = _receive(django_capture_on_commit_callbacks, raw)
    assert anns != bobs and anns.customer == shop["ann"] and bobs.messages.count() == 1


def test_an_email_ticket_from_the_api_is_acknowledged(
    shop: dict[str, Any], smtp: Inbox, api_as: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _mode(EmailAutoReply.ANSWER)
    api = api_as(Role.SUPPORT)
    payload = {
        "customer_id": shop["ann"].pk,
        "subject": "Returns",
        "body": "How many days do I have to send stuff back?",
        "channel": "email",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post("/tickets", payload)
    assert response.status_code == 201
    ticket_id = response.json()["id"]
    (mail,) = smtp.mails
    assert mail["Subject"] == f"Re: Returns [#{ticket_id}]" and "Source: Returns policy" in mail.get_content()
    with django_capture_on_commit_callbacks(execute=True):
        api.post("/tickets", payload | {"channel": "phone"})
    assert len(smtp.mails) == 1  # only tickets that came by email are answered by email


def test_a_failed_delivery_is_kept_and_sent_later(
    shop: dict[str, Any], smtp: Inbox, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _mode(EmailAutoReply.ACKNOWLEDGE)
    port, settings.EMAIL_PORT = settings.EMAIL_PORT, free_port()  # nothing listens there
    raw, _ = _mail("ann@example.com", "Hello", "Is the blue mug back in stock?")
    ticket = _receive(django_capture_on_commit_callbacks, raw)
    ack = ConversationMessage.objects.get(conversation__ticket=ticket, speaker=Speaker.ASSISTANT)
    assert ack.delivered_at is None and ack.delivery_error == "SMTP: ConnectionRefusedError"
    assert smtp.mails == []
    settings.EMAIL_PORT = port
    assert delivery.deliver_pending() == 1 and len(smtp.mails) == 1
    assert delivery.deliver_pending() == 0 and len(smtp.mails) == 1


def test_mail_in_reads_a_mail_from_standard_input(
    shop: dict[str, Any], smtp: Inbox, monkeypatch: Any, django_capture_on_commit_callbacks: Any
) -> None:
    _mode(EmailAutoReply.ACKNOWLEDGE)
    raw, _ = _mail("ann@example.com", "Blue mug", "Is the blue mug back in stock?")
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(raw)))
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("mail-in", stdout=out)
    ticket = Ticket.objects.get(subject="Blue mug")
    assert out.getvalue().strip() == f"ticket #{ticket.pk} opened" and len(smtp.mails) == 1
    assert Conversation.objects.get(ticket=ticket).channel == Channel.EMAIL
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b"not a mail at all")))
    with pytest.raises(CommandError) as refused:
        call_command("mail-in", stdout=out)
    assert refused.value.returncode == 65


def test_html_mail_is_read_as_text_and_our_own_address_is_refused(shop: dict[str, Any], smtp: Inbox) -> None:
    mail = EmailMessage()
    mail["From"], mail["To"] = "ann@example.com", SUPPORT
    mail["Subject"] = "Re:  AW: Mug    colours"
    mail.set_content("<p>Is the <b>blue</b> mug &amp; cup back?</p>", subtype="html")
    ticket = receive_mail(mail.as_bytes()).ticket
    assert ticket.subject == "Mug colours"
    assert ticket.messages.get().body == "Is the blue mug & cup back?"
    raw, _ = _mail(SUPPORT, "Loop", "Hello")
    with pytest.raises(ServiceValidationError):
        receive_mail(raw)


def test_mail_sink_keeps_what_it_receives(tmp_path: Any) -> None:
    """``smartcrm mail-sink``, run as the embedded mode runs it: a mail sent to it lands in a file."""
    port, folder = free_port(), tmp_path / "mail"
    env = {**os.environ, "SMARTCRM_DATA_DIR": str(tmp_path), "PYTHONPATH": os.pathsep.join(sys.path)}
    command = [sys.executable, "-m", "smartcrm", "mail-sink", "--port", str(port), "--dir", str(folder)]
    sink = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, text=True)
    try:
        assert sink.stdout is not None and "mail sink on" in sink.stdout.readline()
        raw, _ = _mail("ann@example.com", "Hello", "Is the blue mug back in stock?")
        with smtplib.SMTP("127.0.0.1", port, timeout=5) as client:
            client.sendmail("ann@example.com", [SUPPORT], raw)
        (kept,) = folder.glob("*.eml")
        assert b"Is the blue mug back in stock?" in kept.read_bytes()
    finally:
        sink.terminate()
        sink.wait(timeout=10)
