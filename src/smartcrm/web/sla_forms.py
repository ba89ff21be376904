"""Forms of the SLA policies, the sales targets and the pipeline board's filters."""

from __future__ import annotations

from datetime import date
from typing import Any
from zoneinfo import available_timezones

from django import forms
from django.conf import settings
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrOrPromise

from smartcrm.engine.business_hours import CalendarError, format_day_hours, parse_day_hours
from smartcrm.support.models import BusinessCalendar, Priority, TicketChannel
from smartcrm.support.sla import calendar_error_message
from smartcrm.web.forms import ANY, cleaned

WEEKDAY_FIELDS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


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
    calendar = forms.ModelChoiceField(
        queryset=BusinessCalendar.objects.all(),
        required=False,
        label=_("Hours counted"),
        empty_label=_("Around the clock (24/7)"),
        help_text=_("With business hours, only the calendar's opening hours count towards the targets."),
    )


def _day_field(label: StrOrPromise) -> forms.CharField:
    return forms.CharField(
        required=False,
        max_length=200,
        label=label,
        widget=forms.TextInput(attrs={"placeholder": "09:00-12:00, 13:00-17:00"}),
    )


class BusinessCalendarForm(forms.Form):
    """A calendar's name, time zone, a line of opening hours per weekday and the holidays."""

    name = forms.CharField(max_length=100, label=_("Name"))
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=())
    monday = _day_field(_("Monday"))
    tuesday = _day_field(_("Tuesday"))
    wednesday = _day_field(_("Wednesday"))
    thursday = _day_field(_("Thursday"))
    friday = _day_field(_("Friday"))
    saturday = _day_field(_("Saturday"))
    sunday = _day_field(_("Sunday"))
    holidays = forms.CharField(
        required=False,
        label=_("Holidays"),
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "2026-12-25"}),
        help_text=_("One date per line (YYYY-MM-DD): closed all day."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["time_zone"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(name, name) for name in sorted(available_timezones())]
        field.initial = settings.TIME_ZONE
        self.fields["monday"].help_text = _(
            "Opening hours as 09:00-17:00, several separated by commas; empty: closed. 24:00 is midnight."
        )

    @classmethod
    def initial_for(cls, calendar: BusinessCalendar) -> dict[str, Any]:
        initial: dict[str, Any] = {"name": calendar.name, "time_zone": calendar.time_zone}
        for name, day in zip(WEEKDAY_FIELDS, calendar.weekly_hours, strict=True):
            initial[name] = format_day_hours((int(s), int(e)) for s, e in day)
        initial["holidays"] = "\n".join(calendar.holidays)
        return initial

    def _clean_day(self, name: str) -> tuple[tuple[int, int], ...]:
        try:
            return parse_day_hours(self.cleaned_data.get(name) or "")
        except CalendarError as exc:
            raise forms.ValidationError(calendar_error_message(exc)) from exc

    def clean_monday(self) -> tuple[tuple[int, int], ...]:
        return self._clean_day("monday")

    def clean_tuesday(self) -> tuple[tuple[int, int], ...]:
        return self._clean_day("tuesday")

    def clean_wednesday(self) -> tuple[tuple[int, int], ...]:
        return self._clean_day("wednesday")

    def clean_thursday(self) -> tuple[tuple[int, int], ...]:
        return self._clean_day("thursday")

    def clean_friday(self) -> tuple[tuple[int, int], ...]:
        return self._clean_day("friday")

    def clean_saturday(self) -> tuple[tuple[int, int], ...]:
        return self._clean_day("saturday")

    def clean_sunday(self) -> tuple[tuple[int, int], ...]:
        return self._clean_day("sunday")

    def clean_holidays(self) -> list[date]:
        days: list[date] = []
        for line in (self.cleaned_data.get("holidays") or "").splitlines():
            text = line.strip()
            if not text:
                continue
            try:
                days.append(date.fromisoformat(text))
            except ValueError as exc:
                raise forms.ValidationError(
                    gettext("Not a date: %(text)s (write 2026-12-25).") % {"text": text[:40]}
                ) from exc
        return days

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "time_zone": data["time_zone"],
            "weekly_hours": [data[name] for name in WEEKDAY_FIELDS],
            "holidays": data["holidays"],
        }


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
