"""Email campaigns: the list, the editor with its preview, send now / schedule / cancel, the
results against the holdout control group, and the local mail sink's outbox."""

from __future__ import annotations

from dataclasses import replace

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from smartcrm.accounts.roles import Capability
from smartcrm.campaigns import selectors, services, targeting
from smartcrm.campaigns.models import Campaign
from smartcrm.core.errors import NotFoundError, ServiceValidationError
from smartcrm.core.mail_sink import kept_mail, sink_folder
from smartcrm.core.pii import mask_email
from smartcrm.web.access import capability_required, current_user
from smartcrm.web.campaign_forms import CampaignForm, ScheduleForm


def _campaign(campaign_id: int) -> Campaign:
    try:
        return selectors.get_campaign(campaign_id)
    except NotFoundError as exc:
        raise Http404("No such campaign") from exc


@capability_required(Capability.MANAGE_CAMPAIGNS)
def campaign_list(request: HttpRequest) -> HttpResponse:
    context = {"campaigns": selectors.campaign_list()[:200], "uplift": targeting.uplift_status()}
    return render(request, "web/campaigns/list.html", context)


def _save(request: HttpRequest, form: CampaignForm, campaign: Campaign | None) -> Campaign | None:
    if not form.is_valid():
        return None
    user = current_user(request)
    try:
        if campaign is None:
            return services.create_campaign(actor=user, values=form.values())
        return services.update_campaign(actor=user, campaign=campaign, values=form.values())
    except ServiceValidationError as exc:
        for field, message in exc.errors.items():
            form.add_error(field if field in form.fields else None, message)
        return None


@capability_required(Capability.MANAGE_CAMPAIGNS)
def campaign_new(request: HttpRequest) -> HttpResponse:
    form = CampaignForm(request.POST or None)
    if request.method == "POST":
        saved = _save(request, form, None)
        if saved is not None:
            messages.success(request, _("Campaign saved as a draft."))
            return redirect("web:campaign_detail", campaign_id=saved.pk)
    return render(request, "web/campaigns/edit.html", {"form": form, "campaign": None})


@capability_required(Capability.MANAGE_CAMPAIGNS)
def campaign_edit(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(campaign_id)
    form = CampaignForm(request.POST or None, initial=CampaignForm.initial_of(campaign))
    if request.method == "POST":
        saved = _save(request, form, campaign)
        if saved is not None:
            messages.success(request, _("Campaign saved."))
            return redirect("web:campaign_detail", campaign_id=saved.pk)
    return render(request, "web/campaigns/edit.html", {"form": form, "campaign": campaign})


@capability_required(Capability.MANAGE_CAMPAIGNS)
def campaign_detail(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(campaign_id)
    context = {
        "campaign": campaign,
        "results": selectors.results(campaign),
        "preview": selectors.preview(campaign),
        "audience_size": selectors.audience_size(campaign),
        "schedule_form": ScheduleForm(),
    }
    return render(request, "web/campaigns/detail.html", context)


@require_POST
@capability_required(Capability.MANAGE_CAMPAIGNS)
def campaign_schedule(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(campaign_id)
    form = ScheduleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Not a date and time."))
        return redirect("web:campaign_detail", campaign_id=campaign.pk)
    try:
        services.schedule_campaign(
            actor=current_user(request), campaign=campaign, send_at=form.send_at_aware()
        )
    except ServiceValidationError as exc:
        messages.error(request, "; ".join(exc.errors.values()))
    else:
        messages.success(
            request, _("Campaign scheduled.") if form.send_at_aware() else _("Campaign sending.")
        )
    return redirect("web:campaign_detail", campaign_id=campaign.pk)


@require_POST
@capability_required(Capability.MANAGE_CAMPAIGNS)
def campaign_cancel(request: HttpRequest, campaign_id: int) -> HttpResponse:
    campaign = _campaign(campaign_id)
    try:
        services.cancel_campaign(actor=current_user(request), campaign=campaign)
    except ServiceValidationError as exc:
        messages.error(request, "; ".join(exc.errors.values()))
    else:
        messages.success(request, _("Campaign cancelled."))
    return redirect("web:campaign_detail", campaign_id=campaign.pk)


@capability_required(Capability.MANAGE_CAMPAIGNS)
def mail_outbox(request: HttpRequest) -> HttpResponse:
    """The local mail sink's newest mail (embedded mode and the demo): what campaigns, workflows
    and the assistant sent, as a mail program would list it; addresses always masked (the
    customer's page is where an unmasked, audited address is read)."""
    mail = [replace(m, to=", ".join(mask_email(a.strip()) for a in m.to.split(","))) for m in kept_mail(200)]
    return render(request, "web/campaigns/outbox.html", {"mail": mail, "folder": sink_folder()})
