"""Reads of customers alone: one customer by id, external id or email, its profile, its tasks.

The customer list (joined with scores) and the 360 view read other domains too: they live in
:mod:`smartcrm.readmodels`.
"""

from __future__ import annotations

from django.db.models import Prefetch

from smartcrm.activities.models import Task
from smartcrm.core.errors import NotFoundError
from smartcrm.core.pii import hash_for_lookup, normalise_email
from smartcrm.customers.models import Customer, ExternalId, Tag


def get_customer(customer_id: int) -> Customer:
    try:
        return Customer.objects.get(pk=customer_id)
    except Customer.DoesNotExist as exc:
        raise NotFoundError(f"customer {customer_id}") from exc


def find_customer_by_external_id(system: str, value: str) -> Customer | None:
    ref = ExternalId.objects.select_related("customer").filter(system=system, value=value).first()
    return ref.customer if ref else None


def find_customer_by_email(email: str) -> Customer | None:
    return Customer.objects.filter(email_hash=hash_for_lookup(normalise_email(email))).first()


def get_customer_profile(customer_id: int) -> Customer:
    """One customer with its tags and consents loaded (three queries), for the API's detail."""
    customer = (
        Customer.objects.prefetch_related(Prefetch("tags", queryset=Tag.objects.only("name")), "consents")
        .filter(pk=customer_id)
        .first()
    )
    if customer is None:
        raise NotFoundError(f"customer {customer_id}")
    return customer


def get_customer_task(customer_id: int, task_id: int) -> Task:
    """A task on this customer's record (a task id alone could belong to someone else)."""
    task = Task.objects.filter(pk=task_id, customer_id=customer_id).first()
    if task is None:
        raise NotFoundError(f"task {task_id} of customer {customer_id}")
    return task
