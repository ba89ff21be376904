"""The shop's assistant settings page (admins): email auto-replies, the Telegram bot, and
whether every conversation goes to a person. The bot token is write-only here."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from smartcrm.accounts.roles import Capability
from smartcrm.assistant import shop_settings
from smartcrm.assistant.models import EmailAutoReply
from smartcrm.core.errors import ServiceValidationError
from smartcrm.web.access import capability_required, current_user


class AssistantSettingsForm(forms.Form):
    email_auto_reply = forms.ChoiceField(
        choices=EmailAutoReply.choices,
        label="Email auto-replies",
        help_text="To tickets that arrive by email; never an answer to angry or urgent mail, "
        "or when the sender asks for a person",
    )
    always_hand_off = forms.BooleanField(
        required=False,
        label="Always hand off",
        help_text="Every conversation goes to a person; the assistant only acknowledges",
    )
    telegram_enabled = forms.BooleanField(required=False, label="Telegram bot enabled")
    telegram_bot_token = forms.CharField(
        required=False,
        max_length=100,
        label="Telegram bot token",
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
        help_text="From @BotFather; leave empty to keep the one stored",
    )
    clear_telegram_bot_token = forms.BooleanField(required=False, label="Remove the stored bot token")


@capability_required(Capability.MANAGE_USERS)
def assistant_settings(request: HttpRequest) -> HttpResponse:
    config = shop_settings.current()
    if request.method == "POST":
        form = AssistantSettingsForm(request.POST)
        if form.is_valid():
            try:
                changes = shop_settings.update_settings(actor=current_user(request), values=form.cleaned_data)
            except ServiceValidationError as exc:
                for field, error in exc.errors.items():
                    form.add_error(field if field in form.fields else None, error)
            else:
                messages.success(request, _("Settings saved.") if changes else _("Nothing changed."))
                return redirect("web:assistant_settings")
    else:
        form = AssistantSettingsForm(
            initial={
                "email_auto_reply": config.email_auto_reply,
                "always_hand_off": config.always_hand_off,
                "telegram_enabled": config.telegram_enabled,
            }
        )
    context = {
        "form": form,
        "config": config,
        "forced_hand_off": bool(settings.SMARTCRM_ASSISTANT_ALWAYS_HAND_OFF),
        "from_address": settings.DEFAULT_FROM_EMAIL,
        "webhook_path": f"/hooks/telegram/{config.telegram_bot_id}" if config.telegram_bot_id else "",
    }
    return render(request, "web/assistant/settings.html", context)
