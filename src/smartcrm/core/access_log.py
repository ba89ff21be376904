"""gunicorn's access log without PII: ``smartcrm serve`` runs gunicorn with this logger class.

gunicorn writes the request line with its query string and the Referer as they came, so an
exact-email search (``/api/v1/customers?search=ada@example.com``) would sit in the log in clear.
Here the query string — in the request line, the ``q`` atom and the Referer — has the values
of PII parameters replaced and every other value redacted like the application's log records.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from gunicorn.glogging import Logger

from smartcrm.core.logging import redact, redact_query


def redact_url(url: str) -> str:
    """A URL (or path) with its query string redacted."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(query=redact_query(parts.query)))


class RedactingAccessLogger(Logger):
    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: timedelta) -> dict[str, Any]:
        atoms: dict[str, Any] = super().atoms(resp, req, environ, request_time)
        uri = redact(redact_url(str(environ.get("RAW_URI", ""))))
        atoms["r"] = f"{environ['REQUEST_METHOD']} {uri} {environ['SERVER_PROTOCOL']}"
        atoms["q"] = redact_query(str(environ.get("QUERY_STRING", "")))
        atoms["U"] = redact(str(environ.get("PATH_INFO", "")))
        atoms["f"] = redact(redact_url(str(environ.get("HTTP_REFERER", "-"))))
        atoms["{referer}i"] = atoms["f"]
        return atoms


class JsonAccessLogger(RedactingAccessLogger):
    """The same redacted access log as one JSON object a line (``SMARTCRM_LOG_FORMAT=json``)."""

    FIELDS = {
        "h": "remote",
        "t": "time",
        "r": "request",
        "s": "status",
        "b": "bytes",
        "f": "referer",
        "a": "agent",
    }

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: timedelta) -> None:
        if not self.access_log_enabled:
            return
        atoms = self.atoms(resp, req, environ, request_time)
        entry = {name: atoms.get(atom, "-") for atom, name in self.FIELDS.items()}
        entry["status"] = int(entry["status"]) if str(entry["status"]).isdigit() else entry["status"]
        entry["duration_ms"] = round(request_time.total_seconds() * 1000, 2)
        self.access_log.info(json.dumps(entry, ensure_ascii=False, default=str))
