"""The files attached to an inbound mail (RFC 822), for ``assistant.channels.mail_in``."""

from __future__ import annotations

import email
from email import policy
from email.message import EmailMessage

MAX_FILES = 10  # per mail; a mail with more keeps the first ones (the rest are logged as skipped)


def files_in_mail(raw: bytes) -> list[tuple[str, bytes]]:
    """Each attached (or inline, non-text) part as (name, bytes); the body's text parts are not files."""
    message = email.message_from_bytes(raw, policy=policy.default)
    if not isinstance(message, EmailMessage):
        return []
    found: list[tuple[str, bytes]] = []
    for part in message.walk():
        if part.is_multipart():
            continue
        disposition = part.get_content_disposition()
        is_body_text = part.get_content_maintype() == "text" and disposition != "attachment"
        if is_body_text or (disposition is None and part.get_filename() is None):
            continue
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes) and payload:
            found.append((part.get_filename() or "attachment", payload))
        if len(found) == MAX_FILES:
            break
    return found
