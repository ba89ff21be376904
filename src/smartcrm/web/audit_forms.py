"""The audit page's filters and the erasure's confirmation."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from smartcrm.core.models import AuditAction
from smartcrm.core.selectors import AuditFilter
from smartcrm.web.forms import ANY, PageField, cleaned


class AuditFilterForm(forms.Form):
    actor = forms.CharField(required=False, max_length=150, label=_("User"))
    customer = forms.IntegerField(required=False, min_value=1, max_value=2**63 - 1, label=_("Customer id"))
    action = forms.ChoiceField(required=False, choices=[(ANY, _("Any action")), *AuditAction.choices])
    since = forms.DateField(required=False, label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    page = PageField()

    def audit_filter(self) -> AuditFilter:
        data = cleaned(self)
        return AuditFilter(
            actor=data.get("actor", "").strip(),
            customer_id=data.get("customer"),
            action=data.get("action", ""),
            since=data.get("since"),
            until=data.get("until"),
        )

    def page_number(self) -> int:
        page: int = cleaned(self).get("page", 1)
        return page


class EraseConfirmForm(forms.Form):
    """Typing the customer's id is the confirmation: it cannot be clicked through by accident."""

    confirm = forms.CharField(max_length=30, label=_("Type the customer's id to confirm"))

    def __init__(self, *args: Any, customer_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.customer_id = customer_id

    def clean_confirm(self) -> str:
        value: str = self.cleaned_data["confirm"].strip()
        if value != str(self.customer_id):
            raise forms.ValidationError(f"Type {self.customer_id} to confirm the erasure.")
        return value
