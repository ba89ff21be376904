"""Attachment files for the browser (after the role check of the record they belong to), and uploads."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartcrm.attachments import owners, selectors, services
from smartcrm.attachments.models import Attachment
from smartcrm.attachments.serving import file_response
from smartcrm.core.errors import NotFoundError, ServiceValidationError
from smartcrm.web.access import capability_per, current_user


def _attachment_or_404(owner_kind: str, attachment_id: int) -> Attachment:
    try:
        return selectors.get_attachment(attachment_id, owner_kind)
    except NotFoundError as exc:
        raise Http404(str(exc)) from exc


@capability_per("owner_kind", owners.view_capability)
def attachment_file(request: HttpRequest, owner_kind: str, attachment_id: int) -> FileResponse:
    """The file itself (an image, a recording, a text): each download is audited."""
    attachment = _attachment_or_404(owner_kind, attachment_id)
    services.record_download(actor=current_user(request), attachment=attachment)
    return file_response(attachment, thumbnail=False)


@capability_per("owner_kind", owners.view_capability)
def attachment_thumbnail(request: HttpRequest, owner_kind: str, attachment_id: int) -> FileResponse:
    attachment = _attachment_or_404(owner_kind, attachment_id)
    if not attachment.thumbnail_key:
        raise Http404("No thumbnail")
    return file_response(attachment, thumbnail=True)


def _back(request: HttpRequest) -> HttpResponse:
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        target = "/"
    return redirect(target)


@require_POST
@capability_per("owner_kind", owners.add_capability)
def attachment_upload(request: HttpRequest, owner_kind: str, owner_id: int) -> HttpResponse:
    """A file onto a record (a chat conversation, a review…); back to the page it was sent from."""
    try:
        owner = owners.find_owner(owner_kind, owner_id)
        services.upload_to(actor=current_user(request), owner=owner, upload=request.FILES.get("file"))
    except NotFoundError as exc:
        raise Http404(str(exc)) from exc
    except ServiceValidationError as exc:
        messages.error(request, "; ".join(exc.errors.values()))
    else:
        messages.success(request, _("File added; it is being read."))
    return _back(request)


@require_POST
@capability_per("owner_kind", owners.add_capability)
def attachment_delete(request: HttpRequest, owner_kind: str, attachment_id: int) -> HttpResponse:
    attachment = _attachment_or_404(owner_kind, attachment_id)
    services.delete_attachment(actor=current_user(request), attachment=attachment)
    messages.success(request, _("File deleted."))
    return _back(request)
