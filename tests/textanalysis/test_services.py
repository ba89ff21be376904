"""New texts are analysed on commit; re-analysis is idempotent; PII stays out of logs and rows."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from smartcrm.engine.nlp.pipeline import TextAnalyzer
from smartcrm.feedback.services import record_review
from smartcrm.support.services import open_ticket
from smartcrm.textanalysis import selectors, services
from smartcrm.textanalysis.models import SourceKind, TextAnalysis
from smartcrm.textanalysis.tasks import analyse_texts_task
from tests import factories

pytestmark = pytest.mark.django_db
SECRET_EMAIL = "jane.doe+orders@example.com"
SECRET_PHONE = "+44 20 7946 0958"


def _ticket(admin_user: Any, body: str, subject: str = "Broken kettle") -> Any:
    customer = factories.CustomerFactory()
    return open_ticket(actor=admin_user, customer=customer, subject=subject, body=body)


def test_a_new_ticket_is_analysed_on_commit(
    analyzer: TextAnalyzer, admin_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    body = f"The kettle arrived broken and leaking!! Unacceptable. Call {SECRET_PHONE} or {SECRET_EMAIL}."
    with django_capture_on_commit_callbacks(execute=True):
        ticket = _ticket(admin_user, body)
    analysis = TextAnalysis.objects.get(source_kind=SourceKind.TICKET, source_id=ticket.pk)
    assert analysis.intent == "damaged_item"
    assert analysis.urgency_level in ("high", "urgent") and analysis.customer_id == ticket.customer_id
    assert SECRET_EMAIL not in analysis.redacted and SECRET_PHONE not in analysis.redacted
    assert "[EMAIL]" in analysis.redacted and "[PHONE]" in analysis.redacted
    assert {e["kind"] for e in analysis.entities} == {"PHONE", "EMAIL"}
    assert all("value" not in e for e in analysis.entities)
    message = ticket.messages.get()
    assert TextAnalysis.objects.filter(source_kind=SourceKind.TICKET_MESSAGE, source_id=message.pk).exists()


def test_reviews_get_sentiment_and_aspects_but_no_intent(
    analyzer: TextAnalyzer, admin_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    customer, product = factories.CustomerFactory(), factories.ProductFactory()
    with django_capture_on_commit_callbacks(execute=True):
        review = record_review(
            actor=admin_user,
            customer=customer,
            product=product,
            rating=2,
            title="Late",
            body="Delivery was two weeks late.",
        )
    analysis = TextAnalysis.objects.get(source_kind=SourceKind.REVIEW, source_id=review.pk)
    assert analysis.intent == "" and analysis.urgency is None
    assert analysis.sentiment in ("negative", "neutral", "positive")


def test_task_is_idempotent_and_logs_no_pii(analyzer: TextAnalyzer, admin_user: Any, caplog: Any) -> None:
    ticket = _ticket(admin_user, f"Where is my parcel? My email is {SECRET_EMAIL}")
    caplog.set_level(logging.DEBUG)
    first = analyse_texts_task.apply(args=[SourceKind.TICKET, [ticket.pk, 999_999]]).get()
    second = analyse_texts_task.apply(args=[SourceKind.TICKET, [ticket.pk]]).get()
    assert first["analysed"] == 1 and second["analysed"] == 1
    assert TextAnalysis.objects.filter(source_kind=SourceKind.TICKET, source_id=ticket.pk).count() == 1
    assert SECRET_EMAIL not in caplog.text and "parcel" not in caplog.text


def test_without_a_trained_model_inline_tasks_skip_instead_of_training(
    admin_user: Any, settings: Any, tmp_path: Any
) -> None:
    services.use_analyzer(None)
    settings.DATA_DIR = tmp_path
    ticket = _ticket(admin_user, "Please cancel my order")
    result = analyse_texts_task.apply(args=[SourceKind.TICKET, [ticket.pk]]).get()
    assert result == {"kind": "ticket", "analysed": 0, "skipped": 1, "reason": "model not ready"}


def test_unknown_kind_is_a_clear_error(analyzer: TextAnalyzer) -> None:
    with pytest.raises(ValueError, match="unknown text kind"):
        services.analyse_texts("tweet", [1])


def test_command_analyses_what_is_missing(analyzer: TextAnalyzer, admin_user: Any, capsys: Any) -> None:
    _ticket(admin_user, "Charged twice for my order, please refund the duplicate payment", subject="Payment")
    call_command("analyse_texts", "--kind", "ticket")
    assert "Analysed 1 texts" in capsys.readouterr().out
    call_command("analyse_texts", "--kind", "ticket")
    assert "Analysed 0 texts" in capsys.readouterr().out
    assert TextAnalysis.objects.get(source_kind=SourceKind.TICKET).intent == "billing"


def test_daily_negative_share(analyzer: TextAnalyzer, admin_user: Any) -> None:
    angry = _ticket(admin_user, "Terrible, broken again and nobody answers. Worst shop ever.")
    services.analyse_texts(SourceKind.TICKET, [angry.pk])
    now = timezone.now()
    daily = selectors.daily_negative_share((now - timedelta(days=2)).date(), now.date())
    assert len(daily) == 3 and daily["texts"].sum() == 1
    assert list(daily.columns) == ["day", "texts", "negative", "negative_share"]


def test_inbox_by_urgency_puts_the_angriest_first(analyzer: TextAnalyzer, admin_user: Any) -> None:
    calm = _ticket(admin_user, "Could you tell me if my order has shipped? No rush.", subject="Order status")
    angry = _ticket(
        admin_user, "Broken AGAIN!!! Unacceptable, third time. I want a refund now.", subject="Broken"
    )
    unanalysed = _ticket(admin_user, "Hello", subject="Hello")
    services.analyse_texts(SourceKind.TICKET, [calm.pk, angry.pk])
    order = [t.pk for t in selectors.inbox_by_urgency()]
    assert order == [angry.pk, calm.pk, unanalysed.pk]
