"""The customer list (search, filters, htmx partial, bounded queries) and the 360 view with
its notes, tasks and contact masking."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from smartcrm.accounts.roles import Role
from smartcrm.activities.models import Task, TaskStatus
from smartcrm.core.models import AuditEvent
from smartcrm.customers.models import Note
from smartcrm.feedback.models import Review
from smartcrm.support.models import Ticket
from tests import factories
from tests.web.conftest import Shop

HTMX = {"HTTP_HX_REQUEST": "true"}


def test_list_shows_customers_and_searches_by_name(shop: Shop, client_for: Any) -> None:
    factories.CustomerFactory(name="Charles Babbage", search_text="charles babbage london")
    client = client_for(Role.SALES)
    page = client.get(reverse("web:customer_list")).content.decode()
    assert "Ada Lovelace" in page
    assert "Charles Babbage" in page
    page = client.get(reverse("web:customer_list"), {"q": "babb"}).content.decode()
    assert "Charles Babbage" in page
    assert "Ada Lovelace" not in page


def test_list_filters_and_sorts(shop: Shop, client_for: Any) -> None:
    now = timezone.now()
    factories.CustomerFactory(
        name="Big Spender", total_spent=Decimal("900"), country="DE", last_order_at=now - timedelta(days=400)
    )
    client = client_for(Role.SALES)
    url = reverse("web:customer_list")
    page = client.get(url, {"min_spent": "500"}).content.decode()
    assert "Big Spender" in page
    assert "Ada Lovelace" not in page
    page = client.get(url, {"country": "de"}).content.decode()
    assert "Big Spender" in page
    assert "Ada Lovelace" not in page
    page = client.get(url, {"activity": "active_30"}).content.decode()
    assert "Ada Lovelace" in page
    assert "Big Spender" not in page
    page = client.get(url, {"activity": "lapsed_365"}).content.decode()
    assert "Big Spender" in page
    assert "Ada Lovelace" not in page
    page = client.get(url, {"sort": "top_spend"}).content.decode()
    assert page.index("Big Spender") < page.index("Ada Lovelace")


def test_invalid_filters_are_ignored_not_fatal(shop: Shop, client_for: Any) -> None:
    response = client_for(Role.SALES).get(
        reverse("web:customer_list"), {"min_spent": "lots", "country": "Germany", "sort": "nope", "page": "x"}
    )
    assert response.status_code == 200
    assert "Ada Lovelace" in response.content.decode()


def test_htmx_gets_only_the_results(shop: Shop, client_for: Any) -> None:
    response = client_for(Role.SALES).get(reverse("web:customer_list"), {"q": "ada"}, **HTMX)
    body = response.content.decode()
    assert "<html" not in body
    assert "Ada Lovelace" in body
    assert "HX-Request" in response["Vary"]
    # A history restore asks for the whole page even though htmx sends the request.
    response = client_for(Role.SALES).get(
        reverse("web:customer_list"), HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HTMX
    )
    assert "<html" in response.content.decode()


def test_search_by_email_goes_in_a_post_body_and_is_not_pushed_to_the_url(
    shop: Shop, client_for: Any
) -> None:
    response = client_for(Role.SALES).post(reverse("web:customer_list"), {"q": shop.customer.email}, **HTMX)
    assert response.status_code == 200
    assert "Ada Lovelace" in response.content.decode()
    assert response["HX-Push-Url"] == "false"


def test_pagination_has_previous_and_next_without_counting(shop: Shop, client_for: Any) -> None:
    factories.CustomerFactory.create_batch(55)
    client = client_for(Role.SALES)
    first = client.get(reverse("web:customer_list"), {"sort": "name"}).content.decode()
    assert "Next →" in first
    assert "← Previous" not in first
    assert "page=2" in first
    second = client.get(reverse("web:customer_list"), {"sort": "name", "page": "2"}).content.decode()
    assert "← Previous" in second
    assert "Next →" not in second


def test_list_query_count_does_not_grow_with_the_data(
    shop: Shop, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(Role.SALES)
    factories.CustomerFactory.create_batch(60)
    # session, user, one page of customers, the unread-notification badge (+ savepoint slack)
    with django_assert_max_num_queries(5):
        response = client.get(reverse("web:customer_list"), {"q": "", "sort": "top_spend"})
    assert response.status_code == 200


def test_list_never_loads_encrypted_columns(shop: Shop, client_for: Any) -> None:
    client = client_for(Role.SALES)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("web:customer_list"))
    customer_sql = [q["sql"] for q in queries.captured_queries if '"customers_customer"' in q["sql"]]
    assert customer_sql
    assert all('"street_address"' not in sql and '."email"' not in sql for sql in customer_sql)


def test_360_shows_every_panel(shop: Shop, client_for: Any) -> None:
    Note.objects.create(customer=shop.customer, body="Prefers phone calls")
    Task.objects.create(customer=shop.customer, title="Send replacement gear")
    page = (
        client_for(Role.SUPPORT).get(reverse("web:customer_detail", args=[shop.customer.pk])).content.decode()
    )
    for text in (
        "Ada Lovelace",
        shop.order.number,
        reverse("web:order_detail", args=[shop.order.pk]),
        "Gear arrived bent",
        reverse("web:ticket_detail", args=[shop.ticket.pk]),
        "Solid",
        "Prefers phone calls",
        "Send replacement gear",
        "Insights",
        "Marketing consent",
    ):
        assert text in page, text


def test_360_query_count_does_not_grow_with_the_data(
    shop: Shop, client_for: Any, django_assert_max_num_queries: Any
) -> None:
    client = client_for(Role.SUPPORT)
    url = reverse("web:customer_detail", args=[shop.customer.pk])
    with django_assert_max_num_queries(22) as small:  # 20 + the unread-notification badge + attachments
        client.get(url)
    for _ in range(15):
        order = factories.OrderFactory(customer=shop.customer)
        ticket = factories.TicketFactory(customer=shop.customer, order=order)
        factories.TicketMessageFactory(ticket=ticket)
        Review.objects.create(
            customer=shop.customer,
            product=factories.ProductFactory(),
            rating=5,
            created_at=timezone.now(),
        )
        Note.objects.create(customer=shop.customer, body="note", author=factories.UserFactory())
        Task.objects.create(customer=shop.customer, title="task", assignee=factories.UserFactory())
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url)
    assert response.status_code == 200
    assert Ticket.objects.filter(customer=shop.customer).count() == 16


def test_contact_is_masked_for_marketing_and_shown_to_support(shop: Shop, client_for: Any) -> None:
    url = reverse("web:customer_detail", args=[shop.customer.pk])
    email = shop.customer.email
    masked = client_for(Role.MARKETING).get(url).content.decode()
    assert email not in masked
    assert "1 Analytical Engine Way" not in masked
    assert "+15555550123" not in masked
    assert f"{email[0]}•••@example.com" in masked
    assert "Masked" in masked
    assert not AuditEvent.objects.filter(action="view_pii").exists()

    shown = client_for(Role.SUPPORT).get(url).content.decode()
    assert email in shown
    assert "1 Analytical Engine Way" in shown
    assert "+15555550123" in shown
    assert AuditEvent.objects.filter(action="view_pii", object_id=str(shop.customer.pk)).count() == 1


def test_adding_a_note_with_htmx_returns_the_form_and_the_note(shop: Shop, client_for: Any) -> None:
    url = reverse("web:customer_add_note", args=[shop.customer.pk])
    response = client_for(Role.SALES).post(url, {"body": "Called, will reorder next week"}, **HTMX)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'hx-swap-oob="afterbegin:#notes-list"' in body
    assert "Called, will reorder next week" in body
    note = Note.objects.get(customer=shop.customer)
    assert note.body == "Called, will reorder next week"
    assert note.author is not None


def test_an_empty_note_shows_the_field_error(shop: Shop, client_for: Any) -> None:
    url = reverse("web:customer_add_note", args=[shop.customer.pk])
    response = client_for(Role.SALES).post(url, {"body": "   "}, **HTMX)
    assert response.status_code == 400
    assert "A note cannot be empty." in response.content.decode()
    assert not Note.objects.exists()


def test_adding_a_note_without_htmx_redirects_back(shop: Shop, client_for: Any) -> None:
    client = client_for(Role.SALES)
    url = reverse("web:customer_add_note", args=[shop.customer.pk])
    response = client.post(url, {"body": "Plain form"})
    assert response.status_code == 302
    assert response["Location"] == reverse("web:customer_detail", args=[shop.customer.pk])
    response = client.post(url, {"body": ""}, follow=True)
    assert "A note cannot be empty." in response.content.decode()


def test_tasks_are_added_and_completed(shop: Shop, client_for: Any) -> None:
    client = client_for(Role.SUPPORT)
    response = client.post(
        reverse("web:customer_add_task", args=[shop.customer.pk]),
        {"title": "Ship a new gear", "due": "2030-01-15"},
        **HTMX,
    )
    assert response.status_code == 200
    assert "Ship a new gear" in response.content.decode()
    task = Task.objects.get(customer=shop.customer)
    assert task.due_at is not None
    assert task.due_at.date().isoformat() == "2030-01-15"

    response = client.post(reverse("web:customer_add_task", args=[shop.customer.pk]), {"title": ""}, **HTMX)
    assert response.status_code == 400
    assert "A task needs a title." in response.content.decode()

    done = reverse("web:customer_complete_task", args=[shop.customer.pk, task.pk])
    response = client.post(done, **HTMX)
    assert response.status_code == 200
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE


def test_a_task_of_another_customer_cannot_be_completed_through_this_one(shop: Shop, client_for: Any) -> None:
    other = Task.objects.create(customer=factories.CustomerFactory(), title="Not yours")
    url = reverse("web:customer_complete_task", args=[shop.customer.pk, other.pk])
    assert client_for(Role.SUPPORT).post(url).status_code == 404
    other.refresh_from_db()
    assert other.status == TaskStatus.OPEN
