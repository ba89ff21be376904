"""Which value a merge keeps, field group by field group, and why.

Each rule looks at the two customers and answers ``"survivor"`` or ``"merged"`` with the name
of the rule that decided. Contact details move as groups: a street address is never mixed
with the other record's city.

- name (first, last): a well-formed name (not shouting, no digits) over a sloppy one, else the
  survivor's;
- company name: non-empty, the survivor's first;
- email: the one the customer opted in to email with (a confirmed address), else the most
  recently updated non-empty one;
- phone: the most recently updated non-empty one;
- address (street, city, region, postal code, country): the most recently updated record with a
  street address (people move; the newer one is where they live), ties to the longest.
"""

from __future__ import annotations

import re
from typing import Literal

from smartcrm.customers.contact import ADDRESS_FIELDS
from smartcrm.customers.models import Channel, ConsentStatus, Customer

Side = Literal["survivor", "merged"]
GROUPS: dict[str, tuple[str, ...]] = {
    "name": ("first_name", "last_name"),
    "company_name": ("company_name",),
    "email": ("email", "email_hash"),
    "phone": ("phone", "phone_hash"),
    "address": ADDRESS_FIELDS,
}
_DIGIT = re.compile(r"\d")


def _sloppy(text: str) -> bool:
    letters = [c for c in text if c.isalpha() and c.isascii()]
    shouting = len(letters) > 1 and (text.isupper() or text.islower())
    return not text.strip() or shouting or bool(_DIGIT.search(text))


def _newer(survivor: Customer, merged: Customer) -> Side:
    return (
        "merged"
        if merged.updated_at and survivor.updated_at and merged.updated_at > survivor.updated_at
        else ("survivor")
    )


def _email_opted_in(customer: Customer) -> bool:
    return customer.consents.filter(channel=Channel.EMAIL, status=ConsentStatus.GRANTED).exists()


def choose(survivor: Customer, merged: Customer) -> dict[str, tuple[Side, str]]:
    """Group -> (whose value is kept, the rule that decided)."""
    out: dict[str, tuple[Side, str]] = {}
    s_name, m_name = f"{survivor.first_name} {survivor.last_name}", f"{merged.first_name} {merged.last_name}"
    if _sloppy(s_name) and not _sloppy(m_name):
        out["name"] = ("merged", "well-formed name")
    else:
        out["name"] = ("survivor", "well-formed name" if _sloppy(m_name) else "survivor's")
    out["company_name"] = (
        ("merged", "non-empty")
        if not survivor.company_name and merged.company_name
        else ("survivor", "survivor's")
    )
    out["email"] = _pick(survivor.email, merged.email, survivor, merged, opted_in=True)
    out["phone"] = _pick(survivor.phone, merged.phone, survivor, merged, opted_in=False)
    if not merged.street_address:
        out["address"] = ("survivor", "non-empty" if survivor.street_address else "survivor's")
    elif not survivor.street_address:
        out["address"] = ("merged", "non-empty")
    elif survivor.updated_at == merged.updated_at:
        longer = len(merged.street_address) > len(survivor.street_address)
        out["address"] = ("merged" if longer else "survivor", "longest")
    else:
        out["address"] = (_newer(survivor, merged), "most recent")
    return out


def _pick(
    s_value: str, m_value: str, survivor: Customer, merged: Customer, *, opted_in: bool
) -> tuple[Side, str]:
    if not m_value or s_value == m_value:
        return ("survivor", "non-empty" if s_value else "survivor's")
    if not s_value:
        return ("merged", "non-empty")
    if opted_in:
        s_ok, m_ok = _email_opted_in(survivor), _email_opted_in(merged)
        if s_ok != m_ok:
            return ("merged" if m_ok else "survivor", "opted in to email")
    return (_newer(survivor, merged), "most recent")


def pick_survivor(a: Customer, b: Customer) -> tuple[Customer, Customer]:
    """(survivor, merged): the customer with more orders survives, then the older one."""
    key_a = (-a.orders_count, a.created_at, a.pk)
    key_b = (-b.orders_count, b.created_at, b.pk)
    return (a, b) if key_a <= key_b else (b, a)
