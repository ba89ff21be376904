"""Keeping emails, phone numbers and card numbers out of the logs.

``RedactPIIFilter`` rewrites every record of the application's loggers. A phone number must look
like one — a leading ``+``, or groups with separators, or eight digits or more standing alone —
so durations (``0.1234567s``), dates and ids in paths (``/imports/12345678/errors``) stay.
``redact_query`` is for the web server's access log: the values of search and contact
parameters never reach it.
"""

from __future__ import annotations

import json
import logging
import re
from urllib.parse import parse_qsl, urlencode

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
_CARD = re.compile(r"(?<![\w./])(?:\d[ -]?){13,19}(?![\w/]|\.\d)")
# A candidate: digits with the separators phone numbers use, not inside a word, a path or a
# decimal number (no letter, digit, dot or slash just before; none of those just after).
_PHONE = re.compile(r"(?<![\w./:-])\+?\(?\d[\d\s().-]{6,}\d(?![\w/]|\.\d)")
_NOT_PHONE = re.compile(r"\d{4}-\d\d-\d\d|\d+\.\d+$")  # a date, a decimal number
PII_PARAMETERS = frozenset({"search", "q", "email", "phone", "name", "query", "customer", "contact"})


def _phone(match: re.Match[str]) -> str:
    text = match.group()
    digits = sum(c.isdigit() for c in text)
    shaped = text.startswith("+") or re.search(r"\d[\s().-]+\d", text) is not None
    if not 8 <= digits <= 15 or _NOT_PHONE.match(text) or not (shaped or digits >= 8):
        return text
    return "[PHONE]"


def redact(text: str) -> str:
    text = _EMAIL.sub("[EMAIL]", text)
    text = _CARD.sub("[NUMBER]", text)
    return _PHONE.sub(_phone, text)


def redact_query(query: str) -> str:
    """A query string with the values of PII parameters replaced (``search=[REDACTED]``)."""
    if not query:
        return query
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode(
        [(k, "[REDACTED]" if k.lower() in PII_PARAMETERS and v else redact(v)) for k, v in pairs]
    )


class RedactPIIFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message (already redacted by the filter)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info and record.exc_info[0] is not None:
            entry["exception"] = redact(self.formatException(record.exc_info))
        return json.dumps(entry, ensure_ascii=False)
