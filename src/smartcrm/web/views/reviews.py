"""A review's page: what the customer wrote, the photos they sent with it, and an upload for staff.

A customer often sends the photo of a damaged item after the review, by email or in the chat;
staff who may edit reviews attach it here (the upload goes to the attachments app, checked by its
bytes and read in the background, and its text joins the review's analysis).
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from smartcrm.accounts.roles import Capability
from smartcrm.attachments.models import OwnerKind
from smartcrm.attachments.selectors import of_record
from smartcrm.core.errors import NotFoundError
from smartcrm.feedback.selectors import get_review
from smartcrm.web.access import capability_required


@capability_required(Capability.VIEW_CUSTOMERS)
def review_detail(request: HttpRequest, review_id: int) -> HttpResponse:
    try:
        review = get_review(review_id)
    except NotFoundError as exc:
        raise Http404("No such review") from exc
    files = of_record(OwnerKind.REVIEW, review.pk)
    return render(request, "web/reviews/detail.html", {"review": review, "files": files})
