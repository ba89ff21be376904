"""Forms of the teams pages: a team, a member, an assignment rule."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from smartcrm.teams.models import RecordKind, Strategy, TeamKind


class TeamForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=80)
    kind = forms.ChoiceField(label=_("Kind"), choices=TeamKind.choices)
    lead = forms.TypedChoiceField(label=_("Lead"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, users: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["lead"].choices = [("", _("Nobody yet")), *users]  # type: ignore[attr-defined]


class MemberForm(forms.Form):
    user = forms.TypedChoiceField(label=_("Staff member"), coerce=int)
    lead = forms.BooleanField(label=_("Make lead"), required=False)

    def __init__(self, *args: Any, users: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = users  # type: ignore[attr-defined]


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    record_kind = forms.ChoiceField(label=_("Records"), choices=RecordKind.choices)
    team = forms.TypedChoiceField(label=_("Team"), coerce=int)
    strategy = forms.ChoiceField(label=_("Strategy"), choices=Strategy.choices)
    language = forms.CharField(
        label=_("Language"), max_length=10, required=False, help_text=_("e.g. zh; empty: any")
    )
    segment = forms.CharField(label=_("Segment"), max_length=40, required=False, help_text=_("Empty: any"))
    min_customer_value = forms.DecimalField(
        label=_("Minimum customer value"), required=False, min_value=0, max_digits=14, decimal_places=2
    )
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=1000, initial=0)

    def __init__(self, *args: Any, teams: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = teams  # type: ignore[attr-defined]
