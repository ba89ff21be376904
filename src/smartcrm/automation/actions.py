"""What a step can do. Each action checks its settings when the workflow is saved
(``problems``) and does its work inside the step's transaction (``perform``): a database write
commits with the step, and a message (email, webhook call) is written to the outbox there and
sent after the commit — so a run resumed after a crash never does a step twice.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.apps import apps
from django.utils import timezone
from django.utils.functional import Promise as StrPromise
from django.utils.module_loading import import_string
from django.utils.translation import gettext, gettext_lazy

from smartcrm.accounts.models import User
from smartcrm.accounts.roles import Role
from smartcrm.activities import services as activities
from smartcrm.automation import jobs
from smartcrm.automation.context import MERGE_FIELDS, merge_values
from smartcrm.automation.models import Outbox, OutboxKind, WorkflowRun
from smartcrm.core import merge_fields
from smartcrm.customers import services as customers
from smartcrm.customers.models import Consent, ConsentStatus, Customer, Tag
from smartcrm.engine.uplift.next_action import Action as NextActionKind
from smartcrm.integrations.targets import UnsafeTarget, check_url
from smartcrm.intelligence.next_action import next_best_action_for
from smartcrm.intelligence.wording import worded
from smartcrm.pipeline import services as pipeline
from smartcrm.pipeline.models import Deal
from smartcrm.support import services as support
from smartcrm.support.models import Priority, Ticket, TicketChannel

Step = dict[str, Any]
LANGUAGES = ("en", "zh")
SETTABLE_FIELDS = ("language", "city", "region", "country")
CAMPAIGN_SERVICE = "smartcrm.campaigns.services"


class ActionError(Exception):
    """The step cannot be done (a missing customer, an unknown user...); the run retries it."""


@dataclass
class Doing:
    run: WorkflowRun
    position: int
    customer: Customer | None

    @property
    def actor(self) -> str:
        return f"workflow:{self.run.workflow_id}"

    def need_customer(self) -> Customer:
        if self.customer is None:
            raise ActionError("This run has no customer.")
        return self.customer

    def merge(self) -> dict[str, Any]:
        return merge_values(self.run.context, self.customer)

    def language(self) -> str:
        spoken = (self.customer.language if self.customer else "en") or "en"
        return "zh" if spoken.lower().startswith("zh") else "en"

    def queue(self, kind: str, payload: dict[str, Any]) -> Outbox:
        """Write the message to the outbox; it is sent once the step's transaction commits."""
        outbox = Outbox.objects.create(run=self.run, position=self.position, kind=kind, payload=payload)
        jobs.deliver_outbox.on_commit(outbox.pk)
        return outbox


def _text_problems(step: Step, key: str, *, required: bool = True, limit: int = 10_000) -> list[str]:
    text = step.get(key)
    if text in (None, ""):
        return [f"{key}: required"] if required else []
    if not isinstance(text, str) or len(text) > limit:
        return [f"{key}: text of at most {limit} characters"]
    unknown = merge_fields.unknown_fields(text, MERGE_FIELDS)
    return [f"{key}: unknown merge field {', '.join(unknown)}"] if unknown else []


def _localized_problems(step: Step, key: str, limit: int) -> list[str]:
    texts = step.get(key)
    if not isinstance(texts, dict) or not texts.get("en"):
        return [f"{key}: give at least the English text ({{'en': ..., 'zh': ...}})"]
    return [p for lang in LANGUAGES for p in _text_problems(texts, lang, required=False, limit=limit)]


def _user(username: str) -> User:
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise ActionError("No active user has that username.")
    return user


# --- the actions --------------------------------------------------------------------------


def send_email_problems(step: Step) -> list[str]:
    return _localized_problems(step, "subject", 200) + _localized_problems(step, "body", 20_000)


def send_email(step: Step, doing: Doing) -> dict[str, Any]:
    customer = doing.need_customer()
    if not customer.email:
        return {"skipped": "the customer has no email address"}
    consent = (
        Consent.objects.filter(customer=customer, channel="email").values_list("status", flat=True).first()
    )
    if not step.get("transactional") and consent != ConsentStatus.GRANTED:
        return {"skipped": "no email consent"}
    lang = doing.language()
    subject = step["subject"].get(lang) or step["subject"]["en"]
    body = step["body"].get(lang) or step["body"]["en"]
    values = doing.merge()
    outbox = doing.queue(
        OutboxKind.EMAIL,
        {
            "to": [customer.email],
            "subject": merge_fields.render(subject, values)[:200],
            "body": merge_fields.render(body, values),
        },
    )
    return {"outbox": outbox.pk, "language": lang}


def create_task_problems(step: Step) -> list[str]:
    return _text_problems(step, "title", limit=200)


def create_task(step: Step, doing: Doing) -> dict[str, Any]:
    due_days = step.get("due_in_days")
    task = activities.create_task(
        actor=doing.actor,
        title=merge_fields.render(step["title"], doing.merge())[:200],
        customer=doing.customer,
        assignee=_user(step["assignee"]) if step.get("assignee") else None,
        due_at=timezone.now() + timedelta(days=float(due_days)) if due_days else None,
    )
    return {"task": task.pk}


def next_action_task_problems(step: Step) -> list[str]:
    return []


def next_action_task(step: Step, doing: Doing) -> dict[str, Any]:
    """A task for the customer's next best action (smartcrm.intelligence.next_action), with its
    reason; nothing when the best action is to do nothing."""
    if doing.customer is None:
        return {"skipped": "the run has no customer"}
    best = next_best_action_for(doing.customer.pk)
    if best.action is NextActionKind.NOTHING:
        return {"skipped": best.reason[:200]}
    due_days = step.get("due_in_days")
    # The task's title is stored text: worded in the language the run has (the shop's default).
    title = gettext("%(action)s: %(reason)s") % {
        "action": gettext(best.label),
        "reason": worded(best.explanation),
    }
    task = activities.create_task(
        actor=doing.actor,
        title=title[:200],
        customer=doing.customer,
        assignee=_user(step["assignee"]) if step.get("assignee") else None,
        due_at=timezone.now() + timedelta(days=float(due_days)) if due_days else None,
    )
    return {"task": task.pk, "next_action": best.action.value}


def assign_owner_problems(step: Step) -> list[str]:
    return [] if isinstance(step.get("username"), str) and step["username"] else ["username: required"]


def assign_owner(step: Step, doing: Doing) -> dict[str, Any]:
    user = _user(step["username"])
    entity, record_id = doing.run.event.split(".")[0], doing.run.context.get("record.id")
    if entity == "ticket":
        ticket = Ticket.objects.get(pk=record_id)
        support.update_ticket(actor=doing.actor, ticket=ticket, assignee=user)
        return {"ticket": ticket.pk, "assignee": user.username}
    if entity == "deal":
        deal = Deal.objects.get(pk=record_id)
        pipeline.update_deal(actor=doing.actor, deal=deal, values={"owner": user})
        return {"deal": deal.pk, "owner": user.username}
    raise ActionError("Only a ticket's or a deal's workflow can assign an owner.")


def tag_problems(step: Step) -> list[str]:
    tag = step.get("tag")
    return [] if isinstance(tag, str) and 0 < len(tag.strip()) <= 50 else ["tag: 1 to 50 characters"]


def _tags(customer: Customer) -> set[str]:
    return set(Tag.objects.filter(customers=customer).values_list("name", flat=True))


def add_tag(step: Step, doing: Doing) -> dict[str, Any]:
    customer = doing.need_customer()
    tags = customers.set_tags(actor=doing.actor, customer=customer, names=[*_tags(customer), step["tag"]])
    return {"tags": tags}


def remove_tag(step: Step, doing: Doing) -> dict[str, Any]:
    customer = doing.need_customer()
    gone = step["tag"].strip().lower()
    tags = customers.set_tags(actor=doing.actor, customer=customer, names=sorted(_tags(customer) - {gone}))
    return {"tags": tags}


def set_field_problems(step: Step) -> list[str]:
    if step.get("field") not in SETTABLE_FIELDS:
        return [f"field: one of {', '.join(SETTABLE_FIELDS)}"]
    return [] if isinstance(step.get("value"), str) else ["value: a text"]


def set_field(step: Step, doing: Doing) -> dict[str, Any]:
    changes = customers.update_customer(
        actor=doing.actor, customer=doing.need_customer(), values={step["field"]: step["value"]}
    )
    return {"changed": sorted(changes)}


def open_ticket_problems(step: Step) -> list[str]:
    found = _text_problems(step, "subject", limit=200) + _text_problems(step, "body")
    if step.get("priority", Priority.NORMAL) not in Priority.values:
        found.append(f"priority: one of {', '.join(Priority.values)}")
    return found


def open_ticket(step: Step, doing: Doing) -> dict[str, Any]:
    customer = doing.need_customer()
    values = doing.merge()
    ticket = support.open_ticket(
        actor=doing.actor,
        customer=customer,
        subject=merge_fields.render(step["subject"], values)[:200],
        body=merge_fields.render(step["body"], values),
        channel=TicketChannel.WEB,
        priority=step.get("priority", Priority.NORMAL),
        language=doing.language(),
    )
    return {"ticket": ticket.pk}


def call_webhook_problems(step: Step) -> list[str]:
    url = step.get("url")
    if not isinstance(url, str) or not url or len(url) > 500:
        return ["url: required, at most 500 characters"]
    try:
        check_url(url)
    except UnsafeTarget as exc:
        return [f"url: {exc}"]
    return []


def call_webhook(step: Step, doing: Doing) -> dict[str, Any]:
    run = doing.run
    body = {
        "workflow": run.workflow_id,
        "version": run.version.number,
        "run": run.pk,
        "step": doing.position,
        "event": run.event,
        "context": run.context,
    }
    outbox = doing.queue(OutboxKind.WEBHOOK, {"url": step["url"], "body": json.dumps(body, sort_keys=True)})
    return {"outbox": outbox.pk}


def notify_staff_problems(step: Step) -> list[str]:
    found = _text_problems(step, "message", limit=2000)
    if not step.get("username") and step.get("role") not in [r.value for r in Role]:
        found.append(f"give a username or a role ({', '.join(r.value for r in Role)})")
    return found


def notify_staff(step: Step, doing: Doing) -> dict[str, Any]:
    users = (
        User.objects.filter(username=step["username"])
        if step.get("username")
        else User.objects.filter(role=step["role"])
    )
    emails = sorted({u.email for u in users.filter(is_active=True) if u.email})
    if not emails:
        return {"skipped": "no staff member with an email address"}
    text = merge_fields.render(step["message"], doing.merge())
    outbox = doing.queue(
        OutboxKind.EMAIL,
        {"to": emails, "subject": f"[smartcrm] {doing.run.workflow.name}"[:200], "body": text},
    )
    return {"outbox": outbox.pk, "recipients": len(emails)}


def campaign_problems(step: Step) -> list[str]:
    if not apps.is_installed("smartcrm.campaigns"):
        return ["campaigns are not installed"]
    return [] if isinstance(step.get("campaign_id"), int) else ["campaign_id: a campaign's id"]


def _campaign(name: str, step: Step, doing: Doing) -> dict[str, Any]:
    service = import_string(f"{CAMPAIGN_SERVICE}.{name}")
    done = service(actor=doing.actor, campaign_id=step["campaign_id"], customer_id=doing.need_customer().pk)
    return {"campaign": step["campaign_id"], "done": bool(done)}


def add_to_campaign(step: Step, doing: Doing) -> dict[str, Any]:
    return _campaign("add_to_campaign", step, doing)


def remove_from_campaign(step: Step, doing: Doing) -> dict[str, Any]:
    return _campaign("remove_from_campaign", step, doing)


@dataclass(frozen=True)
class Action:
    label: StrPromise  # in the reader's language when shown
    perform: Callable[[Step, Doing], dict[str, Any]]
    problems: Callable[[Step], list[str]]


ACTIONS: dict[str, Action] = {
    "send_email": Action(gettext_lazy("Send an email"), send_email, send_email_problems),
    "create_task": Action(gettext_lazy("Create a task"), create_task, create_task_problems),
    "assign_owner": Action(gettext_lazy("Assign an owner"), assign_owner, assign_owner_problems),
    "add_tag": Action(gettext_lazy("Add a tag"), add_tag, tag_problems),
    "remove_tag": Action(gettext_lazy("Remove a tag"), remove_tag, tag_problems),
    "set_field": Action(gettext_lazy("Set a field"), set_field, set_field_problems),
    "open_ticket": Action(gettext_lazy("Open a ticket"), open_ticket, open_ticket_problems),
    "call_webhook": Action(gettext_lazy("Call a webhook"), call_webhook, call_webhook_problems),
    "notify_staff": Action(gettext_lazy("Notify staff"), notify_staff, notify_staff_problems),
    "next_best_action_task": Action(
        gettext_lazy("Create a task for the next best action"), next_action_task, next_action_task_problems
    ),
    "add_to_campaign": Action(gettext_lazy("Add to a campaign"), add_to_campaign, campaign_problems),
    "remove_from_campaign": Action(
        gettext_lazy("Remove from a campaign"), remove_from_campaign, campaign_problems
    ),
}


def describe(step: Step) -> str:
    """One line for the editor and the run log: "Add a tag “vip”"."""
    action = ACTIONS.get(step.get("action", ""))
    if action is None:
        return str(step.get("action", "?"))
    detail = step.get("tag") or step.get("title") or step.get("url") or step.get("username") or ""
    if step.get("action") == "send_email":
        detail = step.get("subject", {}).get("en", "")
    elif step.get("action") == "set_field":
        detail = f"{step.get('field')} = {step.get('value')}"
    return f"{action.label} “{detail}”" if detail else str(action.label)
