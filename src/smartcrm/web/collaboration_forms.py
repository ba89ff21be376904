"""Forms of the notification centre and of a customer's hand-over."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from smartcrm.collaboration.models import DigestFrequency, HandoverKind


class DigestForm(forms.Form):
    digest = forms.ChoiceField(
        label=_("Email digest of unread notifications"), choices=DigestFrequency.choices
    )


class HandoverForm(forms.Form):
    to_team = forms.IntegerField(label=_("To team"), min_value=1)
    kind = forms.ChoiceField(label=_("Kind"), choices=HandoverKind.choices)
    note = forms.CharField(
        label=_("Note for the receiving team"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )
