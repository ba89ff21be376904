"""Photos and voice messages read by the real engines (OCR, Whisper tiny.en) through the
attachment pipeline: the text joins the ticket, and an order number in it links the order."""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from smartcrm.attachments import owners
from smartcrm.attachments.engines import spoken_order_numbers
from smartcrm.attachments.models import Attachment, AttachmentStatus
from smartcrm.evaluation.speech_corpus import synthesise
from tests import factories

pytestmark = pytest.mark.django_db
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"


def _photo_of(lines: list[str]) -> bytes:
    image = Image.new("RGB", (900, 60 + 50 * len(lines)), "white")
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype(FONT, 30)
    for n, line in enumerate(lines):
        draw.text((30, 30 + 50 * n), line, fill="black", font=font)
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=90)
    return out.getvalue()


def test_a_photo_is_read_and_links_the_order_it_shows(add: Callable[..., Attachment]) -> None:
    customer = factories.CustomerFactory()
    order = factories.OrderFactory(customer=customer, number="SO-00004242")
    ticket = factories.TicketFactory(customer=customer)
    message = factories.TicketMessageFactory(ticket=ticket, body="Photo attached.")
    photo = _photo_of(["Order SO-00004242", "The box arrived crushed and wet"])
    attachment = add(actor="test", owner=owners.of_message(message), name="box.jpg", data=photo)
    assert attachment.status == AttachmentStatus.DONE, attachment.reason
    assert attachment.details["reader"] == "ocr"
    assert "crushed" in attachment.text.lower()
    assert attachment.details["linked_order"] == "SO-00004242"
    ticket.refresh_from_db()
    assert ticket.order_id == order.pk


def test_a_blank_photo_is_marked_unreadable(add: Callable[..., Attachment]) -> None:
    message = factories.TicketMessageFactory(ticket=factories.TicketFactory())
    attachment = add(actor="test", owner=owners.of_message(message), name="blank.jpg", data=_photo_of([]))
    assert attachment.status == AttachmentStatus.UNREADABLE
    assert attachment.reason == "No text found in the image."


def test_a_voice_message_is_transcribed_and_links_the_order_spoken(
    add: Callable[..., Attachment], tmp_path: Path
) -> None:
    customer = factories.CustomerFactory()
    order = factories.OrderFactory(customer=customer, number="SO-00001184")
    ticket = factories.TicketFactory(customer=customer)
    message = factories.TicketMessageFactory(ticket=ticket, body="Voice message.")
    voice = tmp_path / "voice.wav"
    synthesise("Hello, my order number is one one eight four and it never arrived.", "flite:slt", 160, voice)
    attachment = add(
        actor="test", owner=owners.of_message(message), name="voice.wav", data=voice.read_bytes()
    )
    assert attachment.status == AttachmentStatus.DONE, attachment.reason
    assert attachment.details["reader"] == "speech" and attachment.language == "en"
    assert "arrived" in attachment.text.lower()
    ticket.refresh_from_db()
    assert ticket.order_id == order.pk


def test_spoken_digits_become_the_shops_order_numbers() -> None:
    assert spoken_order_numbers("it is one one eight four, thanks") == ["SO-00001184"]
    assert spoken_order_numbers("no number here") == []


def test_a_voice_message_one_digit_off_links_the_customers_only_close_order(
    add: Callable[..., Attachment], tmp_path: Path
) -> None:
    """The customer reads 7 7 0 7 1 4 for their order SO-00770704 (one digit misheard, by them or
    the recogniser): linked, as the one order of theirs that close; never another's order."""
    customer = factories.CustomerFactory()
    order = factories.OrderFactory(customer=customer, number="SO-00770704")
    factories.OrderFactory(customer=customer, number="SO-00771950")
    factories.OrderFactory(customer=factories.CustomerFactory(), number="SO-00770714")  # someone else's
    ticket = factories.TicketFactory(customer=customer)
    message = factories.TicketMessageFactory(ticket=ticket, body="Voice message.")
    voice = tmp_path / "voice.wav"
    synthesise("My order number is seven seven oh seven one four, it is broken.", "flite:slt", 160, voice)
    attachment = add(
        actor="test", owner=owners.of_message(message), name="voice.wav", data=voice.read_bytes()
    )
    assert attachment.status == AttachmentStatus.DONE, attachment.reason
    assert "SO-00770714" in attachment.details["order_numbers"], attachment.text
    assert attachment.details["linked_order"] == "SO-00770704"
    assert attachment.details["linked_order_match"] == "one digit off"
    ticket.refresh_from_db()
    assert ticket.order_id == order.pk


def test_a_voice_message_between_two_close_orders_links_neither(
    add: Callable[..., Attachment], tmp_path: Path
) -> None:
    customer = factories.CustomerFactory()
    factories.OrderFactory(customer=customer, number="SO-00770704")
    factories.OrderFactory(customer=customer, number="SO-00770724")
    ticket = factories.TicketFactory(customer=customer)
    message = factories.TicketMessageFactory(ticket=ticket, body="Voice message.")
    voice = tmp_path / "voice.wav"
    synthesise("My order number is seven seven oh seven one four, it is broken.", "flite:slt", 160, voice)
    attachment = add(
        actor="test", owner=owners.of_message(message), name="voice.wav", data=voice.read_bytes()
    )
    assert attachment.status == AttachmentStatus.DONE, attachment.reason
    assert "SO-00770714" in attachment.details["order_numbers"], attachment.text
    assert "linked_order" not in attachment.details
    ticket.refresh_from_db()
    assert ticket.order_id is None
