"""The interface language: the one a signed-in user chose on their profile, else the browser's.

Django's ``LocaleMiddleware`` (settings.MIDDLEWARE) picks the visitor's language from the
language cookie the header switcher sets, then from ``Accept-Language``. This middleware runs
after authentication and puts the user's own choice above both, so a user gets their language
on any browser they sign in from.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation

from smartcrm.accounts.models import User


class UserLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if isinstance(user, User) and user.is_authenticated and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
