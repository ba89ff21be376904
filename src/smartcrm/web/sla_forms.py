"""Forms of the SLA policies, the sales targets and the pipeline board's filters."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from smartcrm.support.models import Priority, TicketChannel
from smartcrm.web.forms import ANY, cleaned


class SLAPolicyForm(forms.Form):
    name = forms.CharField(max_length=100, label=_("Name"))
    priority = forms.ChoiceField(
        required=False, label=_("Priority"), choices=[(ANY, _("Any priority")), *Priority.choices]
    )
    channel = forms.ChoiceField(
        required=False, label=_("Channel"), choices=[(ANY, _("Any channel")), *TicketChannel.choices]
    )
    first_response_hours = forms.DecimalField(
        min_value=0, max_digits=6, decimal_places=2, label=_("First response within (hours)")
    )
    resolution_hours = forms.DecimalField(
        min_value=0, max_digits=6, decimal_places=2, label=_("Resolution within (hours)")
    )


class MonthField(forms.DateField):
    """A calendar month, ``2026-12`` (an ``<input type="month">``), as its first day."""

    input_formats = ["%Y-%m"]
    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")


class SalesTargetForm(forms.Form):
    month = MonthField(label=_("Month"))
    amount = forms.DecimalField(
        required=False,
        min_value=0,
        max_digits=14,
        decimal_places=2,
        label=_("Target"),
        help_text=_("Leave empty to remove the month's target"),
    )


class PipelineFilterForm(forms.Form):
    """The board's filters, as the sales dashboard links to them."""

    stage = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    closing = MonthField(required=False, widget=forms.HiddenInput)
    at_risk = forms.BooleanField(required=False, widget=forms.HiddenInput)
    # a saved deals view's fields
    owner_id = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)
    stage_id = forms.IntegerField(required=False, min_value=1, widget=forms.HiddenInput)

    def selector_args(self) -> dict[str, Any]:
        data = cleaned(self)
        closing: date | None = data.get("closing")
        return {
            "owner_id": data.get("owner_id"),
            "stage_id": data.get("stage") or data.get("stage_id"),
            "closing": closing,
            "risky": bool(data.get("at_risk")),
        }
