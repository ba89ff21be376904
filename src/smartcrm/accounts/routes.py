"""Every URL the app answers, with what it declares about access: Django's URL patterns and, inside
each django-ninja API, every operation (method by method).

The permission-matrix tests walk this list (a route that declares nothing fails them) and
``smartcrm security matrix`` prints it. Django's admin is one entry: its own ``AdminSite`` check
(an active ``is_staff`` account, which only the admin role gets) guards all of its pages.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.urls import URLPattern, URLResolver, get_resolver

from smartcrm.accounts.access import Access, declared

# django-ninja mounts a view at each API's base path only to know where the API lives; it always
# answers 404.
API_ROOT = Access(public="always 404: django-ninja's marker of the API's base path")
ADMIN_NAMESPACE = "admin"

_CONVERTER = re.compile(r"<(?:\w+:)?(\w+)>")


@dataclass(frozen=True)
class Route:
    """One URL pattern (``path`` in Django syntax), or one API operation on it (``method`` set)."""

    path: str
    name: str  # "namespace:name" for a page, the OpenAPI operationId for an API operation
    view: Callable[..., Any]
    access: Access | None
    method: str = ""  # an API operation's HTTP method; "" for a page (GET and its forms' POST)
    admin: bool = False  # a page of Django's admin site

    @property
    def label(self) -> str:
        return f"{self.method or 'PAGE'} /{self.path}"

    def url_parameters(self) -> list[str]:
        return _CONVERTER.findall(self.path)


def routes() -> list[Route]:
    """Every route the project's URLconf answers, in URLconf order (each once: ninja mounts a path
    shared by two routers twice)."""
    walked = _walk(get_resolver().url_patterns, prefix="", namespace="")
    unique = {(r.path, r.method, r.name): r for r in walked}
    return list(unique.values())


def _walk(patterns: list[Any], *, prefix: str, namespace: str) -> Iterator[Route]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace or "") if part)
            yield from _walk(entry.url_patterns, prefix=prefix + str(entry.pattern), namespace=inner)
        elif isinstance(entry, URLPattern):
            path = prefix + str(entry.pattern)
            name = f"{namespace}:{entry.name}" if namespace else str(entry.name)
            operations = _ninja_operations(entry.callback)
            if operations is None:
                admin = namespace.split(":")[0] == ADMIN_NAMESPACE
                yield Route(path, name, entry.callback, _declared_page(entry.callback), admin=admin)
            for operation in operations or []:
                for method in operation.methods:
                    view = operation.view_func
                    yield Route(path, _operation_id(operation), view, declared(view), method=method)


def _declared_page(view: Callable[..., Any]) -> Access | None:
    from ninja.openapi.views import default_home

    if isinstance(view, functools.partial) and view.func is default_home:
        return API_ROOT
    return declared(view)


def _ninja_operations(callback: Callable[..., Any]) -> list[Any] | None:
    """The operations behind a django-ninja URL pattern, or None for a plain Django view.

    ninja registers one closure per path that calls its ``PathView``; that object lists the
    path's operations (one per method)."""
    from ninja.operation import PathView

    closure = inspect.getclosurevars(callback).nonlocals if inspect.isfunction(callback) else {}
    path_view = closure.get("self")
    return list(path_view.operations) if isinstance(path_view, PathView) else None


def _operation_id(operation: Any) -> str:
    return str(operation.api.get_openapi_operation_id(operation))
