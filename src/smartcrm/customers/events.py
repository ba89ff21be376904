"""What a customer write sets off, after the commit (see :mod:`smartcrm.core.events`).

- created: the outbound webhook ``customer.created``;
- updated: the outbound webhook ``customer.updated``;
- both: the workflows triggered by a customer created or changed;
- updated, or a note added: the customer's followers are notified, and the staff ``@named``
  in the note.
"""

from __future__ import annotations

from smartcrm.core.events import announce
from smartcrm.customers.models import Customer, Note


def customer_created(customer: Customer) -> None:
    announce(
        customer,
        "smartcrm.integrations.events.customer_created",
        "smartcrm.automation.events.customer_created",
    )


def customer_updated(customer: Customer) -> None:
    announce(
        customer,
        "smartcrm.integrations.events.customer_updated",
        "smartcrm.automation.events.customer_updated",
        "smartcrm.collaboration.events.customer_updated",
    )


def note_added(note: Note) -> None:
    announce(note, "smartcrm.collaboration.events.note_added")
