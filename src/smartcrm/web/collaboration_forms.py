"""Forms of the notification centre and of a customer's hand-over."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from smartcrm.bulk.models import BulkAction
from smartcrm.collaboration.models import DigestFrequency, HandoverKind
from smartcrm.collaboration.saved_views import COLUMNS


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


class SavedViewForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    team = forms.TypedChoiceField(label=_("Share with"), required=False, coerce=int, empty_value=None)
    columns = forms.MultipleChoiceField(
        label=_("Columns"), required=False, widget=forms.CheckboxSelectMultiple
    )
    filters = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, teams: list[tuple[int, str]], list_kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", _("Only me")), *teams]  # type: ignore[attr-defined]
        self.fields["columns"].choices = [(c, c.replace("_", " ")) for c in COLUMNS.get(list_kind, ())]  # type: ignore[attr-defined]
        if "filters" in self.initial and isinstance(self.initial["filters"], dict):
            self.initial["filters"] = urlencode(self.initial["filters"])

    def filter_values(self) -> dict[str, str]:
        """The list's filters, carried as a query string in a hidden field."""
        query = QueryDict(self.cleaned_data.get("filters") or "")
        return {k: str(query.get(k)) for k in query if query.get(k)}

    def filters_or_empty(self) -> dict[str, str]:
        query = QueryDict(str(self.data.get("filters", "")) if self.is_bound else "")
        return {k: str(query.get(k)) for k in query}


class BulkForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), choices=BulkAction.choices)
    value = forms.CharField(
        label=_("Value"), max_length=100, help_text=_("The tag, or the id of the owner, team or campaign")
    )
