"""Logging in (password, then the authenticator's code) and each user's account page: password,
two-factor, API tokens, "log out everywhere"; for admins the shop's account rules and
everyone's tokens."""

from __future__ import annotations

import time
from typing import Any

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from smartcrm.accounts import services, throttle, twofactor
from smartcrm.accounts.models import ApiToken, SecuritySettings, User
from smartcrm.accounts.roles import Capability
from smartcrm.accounts.scopes import describe
from smartcrm.accounts.sessions import SECOND_FACTOR, stamp_session
from smartcrm.core.errors import ServiceValidationError
from smartcrm.web.access import capability_required, current_user, signed_in_required
from smartcrm.web.account_forms import (
    LOCKED_MESSAGE,
    ApiTokenForm,
    CodeForm,
    PasswordResetRequestForm,
    SecuritySettingsForm,
    ThrottledAuthenticationForm,
    throttle_subject,
)

PENDING = "smartcrm_pending_login"  # the password step passed; the code step is next
PENDING_SECONDS = 300


class LoginView(auth_views.LoginView):
    """The password step. An account with two-factor goes on to the code step; nothing is
    logged in until then."""

    form_class = ThrottledAuthenticationForm
    template_name = "web/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        assert isinstance(user, User)
        if twofactor.is_enrolled(user):
            self.request.session[PENDING] = {
                "user": user.pk,
                "backend": getattr(user, "backend", ""),
                "at": int(time.time()),
                "next": self.get_redirect_url(),
            }
            return redirect("web:login_code")
        return _complete_login(self.request, user, method="password", next_url=self.get_success_url())

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        response = super().form_invalid(form)
        if getattr(form, "locked", False):
            response.status_code = 429
        return response


def _complete_login(request: HttpRequest, user: User, *, method: str, next_url: str) -> HttpResponse:
    login(request, user, backend=getattr(user, "backend", None))
    stamp_session(request, user, second_factor=method != "password")
    subject = throttle_subject(request, user.get_username())
    throttle.record_success(subject)
    services.record_login(user, ip=subject.ip, method=method)
    return redirect(next_url)


def login_code(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the authenticator app or a recovery code."""
    pending: dict[str, Any] | None = request.session.get(PENDING)
    if not pending or time.time() - pending["at"] > PENDING_SECONDS:
        request.session.pop(PENDING, None)
        messages.info(request, _("Please log in again."))
        return redirect("web:login")
    user = get_object_or_404(User, pk=pending["user"], is_active=True)
    subject = throttle_subject(request, user.get_username())
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if throttle.locked_until(subject) is not None:
            form.add_error(None, LOCKED_MESSAGE)
            status = 429
        else:
            method = twofactor.verify(user, form.cleaned_data["code"])
            if method is not None:
                del request.session[PENDING]
                user.backend = pending["backend"]  # type: ignore[attr-defined]
                next_url = pending["next"]
                if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
                    next_url = reverse("web:dashboard")
                return _complete_login(
                    request, user, method=method, next_url=next_url or reverse("web:dashboard")
                )
            locked = throttle.record_failure(subject, step="code") is not None
            form.add_error(
                "code", LOCKED_MESSAGE if locked else "That code is not right, or was used already."
            )
            status = 429 if locked else 200
    return render(request, "web/account/login_code.html", {"form": form}, status=status)


@signed_in_required
def account(request: HttpRequest) -> HttpResponse:
    return render(request, "web/account/index.html", _account_context(current_user(request), ApiTokenForm()))


def _account_context(user: User, token_form: ApiTokenForm) -> dict[str, Any]:
    context: dict[str, Any] = {
        "enrolled": twofactor.is_enrolled(user),
        "recovery_left": twofactor.remaining_recovery_codes(user),
        "tokens": _token_rows(ApiToken.objects.filter(user=user).order_by("-created_at")),
        "token_form": token_form,
    }
    if user.can(Capability.MANAGE_USERS):
        context["settings_form"] = SecuritySettingsForm(
            initial={"require_admin_2fa": SecuritySettings.current().require_admin_2fa}
        )
    return context


def _token_rows(tokens: Any) -> list[dict[str, Any]]:
    return [{"token": t, "scopes": describe(t.scopes)} for t in tokens.select_related("user")]


@signed_in_required
@require_POST
def token_create(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = ApiTokenForm(request.POST)
    if form.is_valid():
        try:
            token, raw = services.create_api_token(
                user=user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
                expires_at=form.expires_at(),
            )
        except ServiceValidationError as exc:
            for field, error in exc.errors.items():
                form.add_error(field if field in form.fields else None, error)
        else:
            # Shown on this answer only: nothing keeps the raw value.
            return render(request, "web/account/token_created.html", {"token": token, "raw": raw})
    return render(request, "web/account/index.html", _account_context(user, form), status=422)


@signed_in_required
@require_POST
def token_revoke(request: HttpRequest, token_id: int) -> HttpResponse:
    """Revoke one of one's own tokens; admins may revoke anyone's."""
    user = current_user(request)
    tokens = (
        ApiToken.objects.all() if user.can(Capability.MANAGE_USERS) else ApiToken.objects.filter(user=user)
    )
    token = get_object_or_404(tokens.select_related("user"), pk=token_id)
    services.revoke_api_token(token=token, actor=user)
    messages.success(request, _("Token %(prefix)s… revoked.") % {"prefix": token.prefix})
    back = request.POST.get("back", "")
    return redirect(
        "web:all_tokens" if back == "all" and user.can(Capability.MANAGE_USERS) else "web:account"
    )


@capability_required(Capability.MANAGE_USERS)
def all_tokens(request: HttpRequest) -> HttpResponse:
    rows = _token_rows(ApiToken.objects.order_by("revoked_at", "-created_at"))
    return render(request, "web/account/all_tokens.html", {"tokens": rows})


@signed_in_required
@require_POST
def log_out_everywhere(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    revoked = services.log_out_everywhere(user=user, actor=user)
    messages.success(
        request,
        ngettext(
            "Logged out of every session; %(count)d API token revoked.",
            "Logged out of every session; %(count)d API tokens revoked.",
            revoked,
        )
        % {"count": revoked},
    )
    return redirect("web:login")


@capability_required(Capability.MANAGE_USERS)
@require_POST
def security_settings(request: HttpRequest) -> HttpResponse:
    form = SecuritySettingsForm(request.POST)
    if form.is_valid():
        services.set_security_settings(
            require_admin_2fa=form.cleaned_data["require_admin_2fa"], actor=current_user(request)
        )
        messages.success(request, _("Account rules saved."))
    return redirect("web:account")


@signed_in_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """Set-up: a QR code and the key to type in, then a first code to switch it on."""
    user = current_user(request)
    if twofactor.is_enrolled(user):
        context = {
            "enrolled": True,
            "recovery_left": twofactor.remaining_recovery_codes(user),
            "codes_form": CodeForm(auto_id="codes_%s"),
            "disable_form": CodeForm(auto_id="disable_%s"),
        }
        return render(request, "web/account/two_factor.html", context)
    device = twofactor.start_enrolment(user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = twofactor.confirm_enrolment(user, form.cleaned_data["code"])
        if codes is not None:
            request.session[SECOND_FACTOR] = True
            return render(request, "web/account/recovery_codes.html", {"codes": codes})
        form.add_error("code", "That code is not right; check the phone's clock and try the next one.")
    context = {
        "enrolled": False,
        "form": form,
        "qr": twofactor.qr_svg_data_uri(device),
        "key": device.secret,
        "required": user.is_admin_role and SecuritySettings.current().require_admin_2fa,
    }
    return render(request, "web/account/two_factor.html", context)


@signed_in_required
@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    """Switching it off takes a current code, so a session left open cannot do it alone."""
    user = current_user(request)
    form = CodeForm(request.POST)
    if not form.is_valid() or twofactor.verify(user, form.cleaned_data["code"]) is None:
        messages.error(request, _("That code is not right; two-factor authentication stays on."))
        return redirect("web:two_factor")
    twofactor.disable(user, actor=user)
    request.session[SECOND_FACTOR] = False
    messages.success(request, _("Two-factor authentication is off."))
    return redirect("web:account")


@signed_in_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    user = current_user(request)
    form = CodeForm(request.POST)
    if not form.is_valid() or twofactor.verify(user, form.cleaned_data["code"]) is None:
        messages.error(request, _("That code is not right; your recovery codes are unchanged."))
        return redirect("web:two_factor")
    return render(
        request, "web/account/recovery_codes.html", {"codes": twofactor.regenerate_recovery_codes(user)}
    )


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "web/account/password_change.html"
    success_url = reverse_lazy("web:account")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.record_password_change(current_user(self.request), how="change")
        messages.success(self.request, _("Password changed; your other sessions have ended."))
        return response

    def form_invalid(self, form: Any) -> HttpResponse:
        # A wrong old password counts like a wrong login: an open session cannot be used to guess it.
        if form.has_error("old_password"):
            subject = throttle_subject(self.request, current_user(self.request).get_username())
            throttle.record_failure(subject, step="password_change")
        return super().form_invalid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "web/account/password_reset_confirm.html"
    success_url = reverse_lazy("web:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        services.record_password_change(form.user, how="reset")
        throttle.unlock_account(form.user.get_username())
        return response


class PasswordResetView(auth_views.PasswordResetView):
    """Asks for an email address and always answers the same page, whether or not an account
    has it; the mail goes from a worker (accounts/password_reset.py)."""

    form_class = PasswordResetRequestForm
    template_name = "web/account/password_reset.html"
    success_url = reverse_lazy("web:password_reset_done")
