"""The task list's filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from smartcrm.web.forms import PageField, cleaned

WHEN = [
    ("all", _("Any time")),
    ("overdue", _("Overdue")),
    ("today", _("Due today")),
    ("week", _("Due this week")),
    ("later", _("Later or no due date")),
]


class TaskFilterForm(forms.Form):
    q = forms.CharField(required=False, max_length=200, label=_("Title"))
    when = forms.ChoiceField(required=False, choices=WHEN, label=_("Due"))
    everyone = forms.BooleanField(required=False, label=_("Everyone's tasks"))
    page = PageField()

    def selector_args(self, user_id: int) -> dict[str, Any]:
        data = cleaned(self)
        return {
            "q": data.get("q", "").strip(),
            "when": data.get("when") or "all",
            "assignee_id": None if data.get("everyone") else user_id,
            "page": data.get("page", 1),
        }
