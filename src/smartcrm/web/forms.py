"""Forms that parse what the pages send: GET filters for the lists, POST bodies for writes.

The forms only parse and bound the input; the services decide what is valid for the domain
and raise ServiceValidationError, which ``add_service_errors`` puts back on the form."""

from __future__ import annotations

from datetime import datetime, time
from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartcrm.catalog.selectors import all_categories
from smartcrm.core.errors import ServiceValidationError
from smartcrm.customers.models import CustomerKind, Source
from smartcrm.intelligence.selectors import segment_choices
from smartcrm.orders.models import OrderStatus, SalesChannel
from smartcrm.readmodels.customer_list import CustomerFilters
from smartcrm.support.models import Priority, TicketStatus
from smartcrm.support.selectors import ANY_STATUS
from smartcrm.web.widgets import QuickSelect

ANY = ""

CUSTOMER_SORTS = [
    ("recent_order", _("Most recent order")),
    ("top_spend", _("Highest spend")),
    ("most_orders", _("Most orders")),
    ("newest", _("Newest customers")),
    ("name", _("Name A–Z")),
    ("top_clv", _("Highest CLV (scored only)")),
    ("churn_risk", _("Highest churn risk (scored only)")),
    ("category_propensity", _("Most likely to buy their next category (scored only)")),
]
CHURN_RISK_MIN = [
    (ANY, _("Any churn risk")),
    ("0.3", _("At least 30 %")),
    ("0.5", _("At least 50 %")),
    ("0.7", _("At least 70 %")),
]
# (value, label, days active within, days lapsed for)
ACTIVITY = {
    "active_30": (_("Bought in the last 30 days"), 30, None),
    "active_90": (_("Bought in the last 90 days"), 90, None),
    "active_365": (_("Bought in the last year"), 365, None),
    "lapsed_90": (_("No order for 90+ days"), None, 90),
    "lapsed_180": (_("No order for 180+ days"), None, 180),
    "lapsed_365": (_("No order for a year+"), None, 365),
}
PRODUCT_SORTS = [
    ("name", _("Name A–Z")),
    ("price", _("Price, low to high")),
    ("-price", _("Price, high to low")),
    ("stock", _("Stock, lowest first")),
    ("newest", _("Newest")),
]
ORDER_SORTS = [("newest", _("Newest")), ("oldest", _("Oldest")), ("largest", _("Largest"))]


def add_service_errors(form: forms.Form, error: ServiceValidationError) -> None:
    """Attach a service's field errors to the form (unknown fields become form-wide errors)."""
    for field, message in error.errors.items():
        form.add_error(field if field in form.fields else None, message)


def cleaned(form: forms.Form) -> dict[str, Any]:
    """The fields that parsed; an invalid filter is ignored rather than failing the page."""
    form.is_valid()
    return {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}


class PageField(forms.IntegerField):
    def __init__(self) -> None:
        super().__init__(required=False, min_value=1, max_value=100_000, widget=forms.HiddenInput)


class CustomerFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label=_("Search"))
    source = forms.ChoiceField(
        required=False, widget=QuickSelect, choices=[(ANY, _("Any source")), *Source.choices]
    )
    kind = forms.ChoiceField(
        required=False, widget=QuickSelect, choices=[(ANY, _("People and companies")), *CustomerKind.choices]
    )
    country = forms.RegexField(
        required=False, regex=r"^[A-Za-z]{2}$", max_length=2, error_messages={"invalid": _("Two letters.")}
    )
    min_spent = forms.DecimalField(required=False, min_value=0, max_digits=14, decimal_places=2)
    activity = forms.ChoiceField(
        required=False,
        widget=QuickSelect,
        choices=[(ANY, _("Any activity")), *((k, v[0]) for k, v in ACTIVITY.items())],
    )
    segment = forms.ChoiceField(required=False, widget=QuickSelect)
    churn_min = forms.TypedChoiceField(
        required=False,
        widget=QuickSelect,
        label=_("Churn risk"),
        choices=CHURN_RISK_MIN,
        coerce=float,
        empty_value=None,
    )
    high_value = forms.BooleanField(required=False, label=_("High value (top 20 % CLV)"))
    next_category = forms.ChoiceField(required=False, widget=QuickSelect, label=_("Likely next category"))
    sort = forms.ChoiceField(required=False, widget=QuickSelect, choices=CUSTOMER_SORTS)
    page = PageField()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["segment"]).choices = [
            (ANY, _("Any segment")),
            *segment_choices(),
        ]
        cast(forms.ChoiceField, self.fields["next_category"]).choices = [
            (ANY, _("Any next category")),
            *((c.slug, c.name) for c in all_categories()),
        ]

    def filters(self, *, contact_search: bool) -> CustomerFilters:
        """``contact_search``: whether an exact email or phone may find its customer (view_pii)."""
        data = cleaned(self)
        _, active, lapsed = ACTIVITY.get(data.get("activity", ""), ("", None, None))
        return CustomerFilters(
            search=data.get("q", ""),
            source=data.get("source", ""),
            kind=data.get("kind", ""),
            country=data.get("country", ""),
            min_spent=data.get("min_spent"),
            active_within_days=active,
            lapsed_for_days=lapsed,
            sort=data.get("sort", "recent_order"),
            segment=data.get("segment", ""),
            churn_risk_min=data.get("churn_min"),
            high_value=bool(data.get("high_value")),
            next_category=data.get("next_category", ""),
            contact_search=contact_search,
        )


class ProductFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label=_("Search"))
    category = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    sort = forms.ChoiceField(required=False, choices=PRODUCT_SORTS)
    page = PageField()

    def __init__(self, *args: Any, categories: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["category"]).choices = [(ANY, _("All categories")), *categories]

    def selector_args(self) -> dict[str, Any]:
        data = cleaned(self)
        return {
            "search": data.get("q", ""),
            "category_id": data.get("category"),
            "sort": data.get("sort", "name"),
            "page": data.get("page", 1),
        }


class OrderFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=120, label=_("Order number"))
    status = forms.ChoiceField(required=False, choices=[(ANY, _("Any status")), *OrderStatus.choices])
    channel = forms.ChoiceField(required=False, choices=[(ANY, _("Any channel")), *SalesChannel.choices])
    sort = forms.ChoiceField(required=False, choices=ORDER_SORTS)
    page = PageField()

    def selector_args(self) -> dict[str, Any]:
        data = cleaned(self)
        return {
            "search": data.get("q", "").strip(),
            "status": data.get("status", ""),
            "channel": data.get("channel", ""),
            "sort": data.get("sort", "newest"),
            "page": data.get("page", 1),
        }


class InboxFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label=_("Subject"))
    status = forms.ChoiceField(
        required=False,
        choices=[(ANY, _("Open and waiting")), *TicketStatus.choices, (ANY_STATUS, _("Any status"))],
    )
    priority = forms.ChoiceField(required=False, choices=[(ANY, _("Any priority")), *Priority.choices])
    mine = forms.BooleanField(required=False, label=_("Assigned to me"))
    sla = forms.ChoiceField(
        required=False, label=_("SLA"), choices=[(ANY, _("Any SLA state")), ("breached", _("SLA breached"))]
    )
    # The dashboard's links: the tickets created in a period (both days included).
    created_from = forms.DateField(required=False, widget=forms.HiddenInput)
    created_to = forms.DateField(required=False, widget=forms.HiddenInput)
    page = PageField()

    def selector_args(self, user_id: int) -> dict[str, Any]:
        data = cleaned(self)
        return {
            "search": data.get("q", "").strip(),
            "status": data.get("status", ""),
            "priority": data.get("priority", ""),
            "assignee_id": user_id if data.get("mine") else None,
            "sla_breached": data.get("sla") == "breached",
            "created_from": data.get("created_from"),
            "created_to": data.get("created_to"),
            "page": data.get("page", 1),
        }


class CustomerDatesForm(forms.Form):
    """The dates birthday and renewal workflows fire before (the birthday only for roles that
    see personal details)."""

    birthday = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    renews_on = forms.DateField(
        required=False, label=_("Renews on"), widget=forms.DateInput(attrs={"type": "date"})
    )


class NoteForm(forms.Form):
    body = forms.CharField(
        required=False,  # the service says what an empty note means
        label=_("Note"),
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": _("Add a note for the team…")}),
    )
    file = forms.FileField(required=False, label=_("Attach a file"))


class TaskForm(forms.Form):
    title = forms.CharField(
        required=False, label=_("Task"), widget=forms.TextInput(attrs={"placeholder": _("Call back about…")})
    )
    due = forms.DateField(required=False, label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}))

    def due_at(self) -> datetime | None:
        due = self.cleaned_data.get("due")
        if due is None:
            return None
        return timezone.make_aware(datetime.combine(due, time(hour=9)))


class ReplyForm(forms.Form):
    KEEP = ""
    body = forms.CharField(
        required=False,
        label=_("Reply"),
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": _("Write a reply to the customer…")}),
    )
    internal = forms.BooleanField(required=False, label=_("Internal note (not sent to the customer)"))
    status = forms.ChoiceField(
        required=False,
        label=_("Then set status to"),
        choices=[(KEEP, _("Waiting on customer (default)")), *TicketStatus.choices],
    )
    # Checked by its bytes in attachments.services, not here (no size or type trusted from the form).
    file = forms.FileField(required=False, label=_("Attach a file"))


class TicketUpdateForm(forms.Form):
    status = forms.ChoiceField(choices=TicketStatus.choices)
    priority = forms.ChoiceField(choices=Priority.choices)
    assignee = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)

    def __init__(self, *args: Any, agents: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["assignee"]).choices = [(ANY, _("Unassigned")), *agents]


class MoveDealForm(forms.Form):
    stage = forms.IntegerField(min_value=1)


class LeadForm(forms.Form):
    """A lead typed in by hand; ``create_lead`` checks the rest (a valid email, the lengths) and
    the assignment rules give it a team and an owner when none is chosen."""

    company_name = forms.CharField(label=_("Company"), max_length=200)
    contact_name = forms.CharField(label=_("Contact person"), max_length=200, required=False)
    email = forms.CharField(label=_("Email"), max_length=254, required=False)
    source = forms.CharField(
        label=_("Source"),
        max_length=50,
        required=False,
        help_text=_("Where the lead came from, e.g. trade fair"),
    )
    owner = forms.TypedChoiceField(
        label=_("Owner"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("Empty: the assignment rules for leads choose the team and the owner."),
    )

    def __init__(self, *args: Any, staff: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["owner"]).choices = [(ANY, _("By the assignment rules")), *staff]
