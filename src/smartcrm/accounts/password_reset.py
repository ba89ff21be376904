"""Password reset by email: who gets a link, and the mail itself.

The request only starts a job per matching account, after the commit; a worker renders and
sends the mail. So the answer to "reset the password of x@y" takes the same time and says the
same thing whether or not x@y has an account, and a slow or failing mail server does not show.
The link carries Django's token, which changes with the password (so it works once) and expires
after PASSWORD_RESET_TIMEOUT; it is built on SMARTCRM_PUBLIC_URL, never on the Host header.
"""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from smartcrm.accounts import jobs
from smartcrm.accounts.models import User


def _same_address(a: str, b: str) -> bool:
    # NFKC and casefold, as Django compares them: a look-alike address matches no account.
    return unicodedata.normalize("NFKC", a).casefold() == unicodedata.normalize("NFKC", b).casefold()


def request_reset(email: str) -> int:
    """Start a reset mail for every active account with a password and this address."""
    users = [
        user
        for user in User.objects.filter(email__iexact=email.strip(), is_active=True)
        if user.has_usable_password() and _same_address(user.email, email.strip())
    ]
    for user in users:
        jobs.send_password_reset.on_commit(user.pk)
    return len(users)


def send_reset_email(user_id: int) -> bool:
    """Mail the link to the account's own stored address (never the one typed)."""
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email or not user.has_usable_password():
        return False
    context = {
        "user": user,
        "uid": urlsafe_base64_encode(force_bytes(user.pk)),
        "token": default_token_generator.make_token(user),
        "base_url": settings.SMARTCRM_PUBLIC_URL.rstrip("/"),
    }
    with translation.override(user.language or settings.LANGUAGE_CODE):  # the reader's, not the sender's
        subject = "".join(render_to_string("accounts/password_reset_subject.txt", context).splitlines())
        body = render_to_string("accounts/password_reset_email.txt", context)
    send_mail(subject, body, None, [user.email])
    return True
