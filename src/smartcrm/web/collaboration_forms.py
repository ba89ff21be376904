"""Forms of the notification centre and of a customer's hand-over."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from smartcrm.bulk.models import BulkAction
from smartcrm.bulk.services import MAX_IDS
from smartcrm.collaboration import columns as list_columns
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


class SavedViewForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    team = forms.TypedChoiceField(label=_("Share with"), required=False, coerce=int, empty_value=None)
    columns = forms.MultipleChoiceField(
        label=_("Columns"), required=False, widget=forms.CheckboxSelectMultiple
    )
    filters = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, teams: list[tuple[int, str]], list_kind: str, **kwargs: Any) -> None:
        """The column choices come in the order the list shows them now (the initial columns
        first), so the checked boxes post back in that order."""
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", _("Only me")), *teams]  # type: ignore[attr-defined]
        current = list(self.initial.get("columns") or [])
        self.fields["columns"].choices = [  # type: ignore[attr-defined]
            (column.key, column.label) for column, _shown in list_columns.picker(list_kind, current)
        ]
        if "filters" in self.initial and isinstance(self.initial["filters"], dict):
            self.initial["filters"] = urlencode(self.initial["filters"])

    def filter_values(self) -> dict[str, str]:
        """The list's filters, carried as a query string in a hidden field."""
        query = QueryDict(self.cleaned_data.get("filters") or "")
        return {k: str(query.get(k)) for k in query if query.get(k)}

    def filters_or_empty(self) -> dict[str, str]:
        query = QueryDict(str(self.data.get("filters", "")) if self.is_bound else "")
        return {k: str(query.get(k)) for k in query}


class MoveColumnForm(forms.Form):
    """One of a saved view's columns, a place up or down (the buttons beside each column)."""

    column = forms.CharField(max_length=40)
    direction = forms.ChoiceField(choices=[("up", _("Up")), ("down", _("Down"))])


class BulkForm(forms.Form):
    action = forms.ChoiceField(label=_("Action"), choices=BulkAction.choices)
    value = forms.CharField(
        label=_("Value"), max_length=100, help_text=_("The tag, or the id of the owner, team or campaign")
    )


class ListBulkForm(forms.Form):
    """A bulk action on the rows ticked on the customer list, or on everyone its filters match
    (``all_matching``; the filters come along as the list's own fields)."""

    action = forms.ChoiceField(label=_("Action"))
    value = forms.CharField(
        label=_("Value"),
        max_length=100,
        required=False,
        help_text=_("The tag, or the id of the owner, team or campaign"),
    )
    all_matching = forms.BooleanField(required=False)

    def __init__(self, *args: Any, actions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = actions  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        raw = self.data.getlist("ids") if hasattr(self.data, "getlist") else []
        if len(raw) > MAX_IDS:
            raise forms.ValidationError(
                _("At most %(n)s customers; select all matching instead.") % {"n": MAX_IDS}
            )
        if not all(str(i).isdigit() for i in raw):
            raise forms.ValidationError(_("Choose customers from the list."))
        data["ids"] = sorted({int(i) for i in raw})
        if not data["ids"] and not data.get("all_matching"):
            raise forms.ValidationError(_("Tick some customers, or select all matching ones."))
        return data
