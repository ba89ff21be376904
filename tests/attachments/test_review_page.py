"""A review's page: staff who may edit reviews attach the customer's photo; the others only see it."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.utils import timezone

from smartcrm.accounts.roles import Role
from smartcrm.attachments.models import Attachment
from smartcrm.feedback.models import Review
from tests import factories
from tests.attachments import files

pytestmark = pytest.mark.django_db

XSS = "<img src=x onerror=alert(1)>"


def _review() -> Review:
    return Review.objects.create(
        customer=factories.CustomerFactory(name="Ann Smith"),
        product=factories.ProductFactory(name="Desk lamp"),
        rating=1,
        title=f"Broken {XSS}",
        body="It came broken, see my photo.",
        created_at=timezone.now(),
    )


def _upload(name: str, data: bytes) -> io.BytesIO:
    upload = io.BytesIO(data)
    upload.name = name
    return upload


def test_support_attaches_the_customers_photo_to_a_review(client_for: Any) -> None:
    review = _review()
    agent = client_for(Role.SUPPORT)
    page = agent.get(f"/reviews/{review.pk}/").content.decode()
    assert "It came broken" in page and "Desk lamp" in page
    assert XSS not in page and "&lt;img src=x" in page  # the customer's text, escaped
    assert f'action="/attachments/review/on/{review.pk}/"' in page

    sent = agent.post(
        f"/attachments/review/on/{review.pk}/",
        {"file": _upload("lamp.jpg", files.jpeg_with_gps()), "next": f"/reviews/{review.pk}/#attachments"},
    )
    assert sent.status_code == 302 and sent["Location"] == f"/reviews/{review.pk}/#attachments"
    attachment = Attachment.objects.get()
    assert (attachment.owner_kind, attachment.owner_id) == ("review", review.pk)
    assert attachment.customer_id == review.customer_id and attachment.kind == "image"
    page = agent.get(f"/reviews/{review.pk}/").content.decode()
    assert f"/attachments/review/{attachment.pk}/thumbnail/" in page and "lamp.jpg" in page

    # A hostile file named as a photo is refused by its bytes, with the reason on the page.
    refused = agent.post(
        f"/attachments/review/on/{review.pk}/",
        {
            "file": _upload("photo.png", b"<svg><script>alert(1)</script></svg>"),
            "next": f"/reviews/{review.pk}/",
        },
        follow=True,
    )
    assert "SVG" in refused.content.decode()
    assert Attachment.objects.count() == 1


def test_a_role_that_cannot_edit_reviews_sees_the_photos_but_cannot_add_one(client_for: Any) -> None:
    review = _review()
    sales = client_for(Role.SALES)
    page = sales.get(f"/reviews/{review.pk}/")
    assert page.status_code == 200 and 'type="file"' not in page.content.decode()
    denied = sales.post(f"/attachments/review/on/{review.pk}/", {"file": _upload("a.png", files.png())})
    assert denied.status_code == 403 and not Attachment.objects.exists()
    assert sales.get("/reviews/987654/").status_code == 404


def test_the_product_page_links_each_review_to_its_page(client_for: Any) -> None:
    review = _review()
    page = client_for(Role.SUPPORT).get(f"/products/{review.product_id}/").content.decode()
    assert f'href="/reviews/{review.pk}/"' in page
