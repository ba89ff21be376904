"""What every page, API operation and webhook declares about who may call it.

The declaration is recorded on the view function itself (``Access`` under ``ACCESS_ATTRIBUTE``), so
one test can walk every URL and API operation and fail on any that declares nothing, and the
role-matrix test can read what each one should answer to each role. The web and API decorators
that enforce a capability (web/access.py, api/auth.py) record it here; views that need no staff
login say why with ``public``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from smartcrm.accounts.roles import Capability

ACCESS_ATTRIBUTE = "smartcrm_access"

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Access:
    """One view's rule. Exactly one of the three holds:

    - ``capability``: a signed-in user whose role has it;
    - ``capability_of``: the capability depends on a URL argument (an export's list), looked up by
      the view; ``argument`` names it;
    - ``public``: no staff login at all, and why that is safe (a signed token, a shop's HMAC…);
    and ``signed_in`` alone (none of them): any signed-in staff user (the catalog, the stages).
    """

    capability: Capability | None = None
    argument: str = ""
    capability_of: Callable[[str], Capability] | None = None
    public: str = ""

    def required(self, url_kwargs: Mapping[str, Any]) -> Capability | None:
        """The capability a call with these URL arguments needs (None: signed in is enough)."""
        if self.capability_of is not None:
            return self.capability_of(str(url_kwargs[self.argument]))
        return self.capability


def declare(view: F, access: Access) -> F:
    setattr(view, ACCESS_ATTRIBUTE, access)
    return view


def declared(view: Callable[..., Any]) -> Access | None:
    """The view's declaration; decorators built with ``functools.wraps`` carry it outwards."""
    access = getattr(view, ACCESS_ATTRIBUTE, None)
    return access if isinstance(access, Access) else None


def public(reason: str) -> Callable[[F], F]:
    """Mark a view that needs no staff login; ``reason`` says what authenticates it instead."""
    if not reason:
        raise ValueError("a public view must say why it is safe")

    def decorator(view: F) -> F:
        return declare(view, Access(public=reason))

    return decorator
