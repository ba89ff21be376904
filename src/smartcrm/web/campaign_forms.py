"""The campaign editor's form: the saved filter is the customer list's query string."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast
from zoneinfo import ZoneInfo

from django import forms
from django.conf import settings
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from smartcrm.campaigns.models import Campaign
from smartcrm.intelligence.selectors import segment_choices


class CampaignForm(forms.Form):
    name = forms.CharField(max_length=200)
    segment = forms.ChoiceField(required=False)
    saved_filter = forms.CharField(
        required=False,
        max_length=500,
        label=_("Saved filter"),
        help_text=_("The customer list's filters as in its address, e.g. country=CN&activity=lapsed_90"),
    )
    persuadable_share = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=100,
        label=_("Only the most persuadable (%)"),
        help_text=_(
            "Empty: the whole audience. E.g. 30: the 30% that the uplift model predicts an email "
            "moves most (needs persuadability scores; the control group is drawn inside it as always)."
        ),
    )
    subject_en = forms.CharField(required=False, max_length=200, label=_("Subject (English)"))
    body_en = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 6}), label=_("Body (English)")
    )
    subject_zh = forms.CharField(required=False, max_length=200, label=_("Subject (简体中文)"))
    body_zh = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"rows": 6}), label=_("Body (简体中文)")
    )
    sends_per_minute = forms.IntegerField(min_value=1, max_value=1_000_000, initial=600)
    control_share = forms.IntegerField(min_value=0, max_value=50, initial=10, label=_("Control group (%)"))
    attribution_days = forms.IntegerField(min_value=1, max_value=365, initial=14)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["segment"]).choices = [("", _("No segment")), *segment_choices()]

    @staticmethod
    def initial_of(campaign: Campaign) -> dict[str, Any]:
        saved = QueryDict(mutable=True)
        saved.update({k: str(v) for k, v in campaign.saved_filter.items()})
        return {
            "name": campaign.name,
            "segment": campaign.segment,
            "saved_filter": saved.urlencode(),
            "persuadable_share": round(campaign.persuadable_share * 100)
            if campaign.persuadable_share
            else None,
            "subject_en": campaign.subject_en,
            "body_en": campaign.body_en,
            "subject_zh": campaign.subject_zh,
            "body_zh": campaign.body_zh,
            "sends_per_minute": campaign.sends_per_minute,
            "control_share": round(campaign.control_share * 100),
            "attribution_days": campaign.attribution_days,
        }

    def values(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        query = QueryDict(data.pop("saved_filter") or "")
        data["saved_filter"] = {k: query.get(k) for k in query if k not in ("page", "sort", "q")}
        data["control_share"] = data["control_share"] / 100
        share = data.get("persuadable_share")
        data["persuadable_share"] = share / 100 if share else None
        return data


class ScheduleForm(forms.Form):
    send_at = forms.DateTimeField(
        required=False,
        label=_("Send at (shop time)"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M"],
    )

    def send_at_aware(self) -> datetime | None:
        value: datetime | None = self.cleaned_data.get("send_at")
        if value is None:
            return None
        return value.replace(tzinfo=ZoneInfo(settings.TIME_ZONE))
