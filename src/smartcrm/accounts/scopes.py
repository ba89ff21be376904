"""What an API token may reach: read or write per area of the API.

An area gathers the API's routers by the first segment of their path (``/api/v1/<segment>/…``);
a test walks every operation of the OpenAPI document and fails when a segment is missing here.
GET and HEAD need ``area:read``; every other method ``area:write``, which includes read.
"""

from __future__ import annotations

from collections.abc import Iterable

ALL = "*"  # every area, read and write (tokens made before scopes existed)

# area → the first path segments of its operations
AREAS: dict[str, tuple[str, ...]] = {
    "customers": ("customers", "bulk-actions"),
    "products": ("products", "categories", "basket-rules"),
    "orders": ("orders",),
    "tickets": ("tickets",),
    "reviews": ("reviews",),
    "deals": ("deals", "stages", "leads"),
    "imports": ("imports",),
    "exports": ("exports",),
    "insights": ("alerts", "forecasts"),
    "intelligence": ("segments", "models", "texts"),
    "duplicates": ("duplicates", "data-quality"),
    "webhooks": ("webhooks",),
    "workflows": ("workflows",),
    "campaigns": ("campaigns",),
    "teams": ("teams",),
    "collaboration": ("notifications", "follows", "saved-views"),
    "attachments": ("attachments",),
}
AREA_OF_SEGMENT = {segment: area for area, segments in AREAS.items() for segment in segments}
READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SCOPES: tuple[str, ...] = tuple(f"{area}:{level}" for area in AREAS for level in ("read", "write"))


def required_scope(relative_path: str, method: str) -> str | None:
    """The scope an API call needs (``"orders:write"``), or None for a path outside every area."""
    area = AREA_OF_SEGMENT.get(relative_path.lstrip("/").split("/", 1)[0])
    if area is None:
        return None
    return f"{area}:{'read' if method.upper() in READ_METHODS else 'write'}"


def allows(scopes: Iterable[str], needed: str) -> bool:
    """Whether a token with ``scopes`` may make a call needing ``needed``; write includes read."""
    granted = set(scopes)
    if ALL in granted or needed in granted:
        return True
    area, level = needed.split(":", 1)
    return level == "read" and f"{area}:write" in granted


def normalise(scopes: Iterable[str]) -> list[str]:
    """Known scopes only, sorted, without a read that a write of the same area already gives.

    Raises ValueError naming the first unknown scope."""
    chosen = set(scopes)
    unknown = sorted(chosen - set(SCOPES) - {ALL})
    if unknown:
        raise ValueError(f"unknown scope {unknown[0]!r}")
    if ALL in chosen:
        return [ALL]
    return sorted(s for s in chosen if not (s.endswith(":read") and s.replace(":read", ":write") in chosen))


def describe(scopes: Iterable[str]) -> str:
    listed = list(scopes)
    return "every area" if ALL in listed else ", ".join(listed) or "nothing"
