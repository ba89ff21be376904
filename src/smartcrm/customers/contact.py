"""A customer's contact fields, listed once.

Customer services (what may be edited), imports (which cells are copied), the shop webhooks
(what a shop's customer sets) and de-duplication (the address group kept or taken as a whole)
read these lists, so a new contact field is added here and nowhere else.
"""

from __future__ import annotations

# The postal address, kept or replaced as one unit (dedup merges never mix two addresses).
ADDRESS_FIELDS: tuple[str, ...] = ("street_address", "city", "region", "postal_code", "country")

# How to reach the customer: email, phone and the address, in the order forms and files show them.
CONTACT_FIELDS: tuple[str, ...] = ("email", "phone", *ADDRESS_FIELDS)
