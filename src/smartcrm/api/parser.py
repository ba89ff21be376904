"""The request-body parser of the APIs: a body is a JSON object, or the request is refused (400).

Every operation's body is an object. ninja reads a ``null`` body as "no body" (its ``None``
values are dropped) and its schemas read any other value through attribute access, so
``null``, ``[]`` or ``7`` ran the operation with its defaults (``POST /duplicates/runs`` with a
``null`` body started a run). ninja answers a parser's refusal with 400 and our error code.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from ninja.parser import Parser


class JsonBodyParser(Parser):
    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = json.loads(request.body)
        if not isinstance(data, dict):
            raise ValueError("The body must be a JSON object.")
        return data
