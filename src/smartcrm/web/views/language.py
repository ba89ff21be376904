"""The header's language switcher and the JavaScript strings of the current language."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_POST
from django.views.i18n import JavaScriptCatalog
from django.views.i18n import set_language as django_set_language

from smartcrm.accounts import services
from smartcrm.accounts.access import public
from smartcrm.accounts.models import User


@public("sets the visitor's own language cookie (CSRF-checked POST) and a signed-in user's own profile")
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Django's ``set_language`` (the cookie and the redirect back to ``next``); a signed-in
    user's choice is also kept on their profile, so it follows them to any browser."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    user = request.user
    if isinstance(user, User) and user.is_authenticated and language in dict(settings.LANGUAGES):
        services.set_language(user=user, language=language)
    return response


javascript_catalog = public("the translated interface strings of the scripts, the same for everyone")(
    JavaScriptCatalog.as_view()
)
