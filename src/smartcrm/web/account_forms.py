"""Forms of the login and the account pages: the throttled password step, the second step's
code, and a new API token's name, scopes and expiry."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from smartcrm.accounts import password_reset, scopes, throttle
from smartcrm.api.ratelimit import client_ip

LOCKED_MESSAGE = (
    "Too many failed attempts. Logging in is paused for a while; try again later or reset your password."
)


def throttle_subject(request: HttpRequest | None, username: str) -> throttle.Subject:
    return throttle.Subject(username=username, ip=client_ip(request) if request is not None else "")


class ThrottledAuthenticationForm(AuthenticationForm):
    """Django's login form behind the throttle: a locked account name or address is refused
    before the password is even checked, with the same words whether the account exists."""

    locked = False

    def clean(self) -> dict[str, Any]:
        subject = throttle_subject(self.request, self.data.get("username", "")[:150])
        if throttle.locked_until(subject) is not None:
            self.locked = True
            raise forms.ValidationError(LOCKED_MESSAGE, code="locked")
        try:
            return super().clean()
        except forms.ValidationError:
            if throttle.record_failure(subject, step="password") is not None:
                self.locked = True
                raise forms.ValidationError(LOCKED_MESSAGE, code="locked") from None
            raise


class CodeForm(forms.Form):
    code = forms.CharField(
        max_length=20,
        label=_("Code"),
        help_text=_("The 6 digits your authenticator app shows, or one of your recovery codes"),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )


EXPIRY_CHOICES = [("7", _("7 days")), ("30", _("30 days")), ("90", _("90 days")), ("365", _("1 year"))]


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=100, label=_("Name"), help_text=_("What the token is for, e.g. “shop sync”")
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=[(s, s) for s in scopes.SCOPES],
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Write includes read. Your role still limits what any token may do."),
    )
    expires_in = forms.ChoiceField(choices=EXPIRY_CHOICES, initial="90", label=_("Expires in"))

    def expires_at(self) -> datetime:
        return timezone.now() + timedelta(days=int(self.cleaned_data["expires_in"]))


class SecuritySettingsForm(forms.Form):
    require_admin_2fa = forms.BooleanField(
        required=False,
        label=_("Require two-factor authentication for admins"),
        help_text=_("Admins without it are sent to set it up before anything else"),
    )


class PasswordResetRequestForm(PasswordResetForm):
    """Django's form, but the mail is a job started after the commit (see accounts/password_reset.py)."""

    def save(self, *args: Any, **kwargs: Any) -> None:
        password_reset.request_reset(self.cleaned_data["email"])
