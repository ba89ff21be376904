"""Workflows, their versions, their runs with a log per step, timed triggers and the outbox."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TriggerType(models.TextChoices):
    RECORD = "record", _("A record is created or changed")
    SCORE = "score", _("A score crosses a line")
    ALERT = "alert", _("An anomaly alert")
    SENTIMENT = "sentiment", _("A ticket's sentiment")
    VIEW = "view", _("A customer enters a saved view")
    TIME = "time", _("Time")
    WEBHOOK = "webhook", _("An inbound webhook")
    MANUAL = "manual", _("Manual, for chosen customers")


class Workflow(models.Model):
    name = models.CharField(max_length=120)
    enabled = models.BooleanField(default=False)
    trigger_type = models.CharField(max_length=10, choices=TriggerType.choices)
    current_version = models.ForeignKey(
        "WorkflowVersion", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The secret part of this workflow's inbound webhook URL, and the key its outgoing webhook
    # calls are signed with.
    inbound_token = models.CharField(max_length=64, unique=True)
    signing_secret = models.CharField(max_length=64)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class WorkflowVersion(models.Model):
    """What a workflow does, frozen: an edit makes the next version; runs keep theirs."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    trigger = models.JSONField(help_text='e.g. {"type": "record", "entity": "order", "action": "created"}')
    conditions = models.JSONField(default=dict, blank=True, help_text="A rule (see automation.rules)")
    steps = models.JSONField(default=list, help_text="Actions, waits and if/else branches")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workflow", "number"], name="workflow_version_number")]
        ordering = ["workflow", "-number"]

    def __str__(self) -> str:
        return f"{self.workflow.name} v{self.number}"


class RunStatus(models.TextChoices):
    PENDING = "pending"
    RUNNING = "running"
    WAITING = "waiting"  # a wait step, a rate limit or a retry's backoff: see resume_at
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"


ACTIVE_STATUSES = (RunStatus.PENDING, RunStatus.RUNNING, RunStatus.WAITING)


class WorkflowRun(models.Model):
    """One firing of one workflow version for one subject, exactly once per event."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="runs")
    version = models.ForeignKey(WorkflowVersion, on_delete=models.PROTECT, related_name="runs")
    # event id + version: the same event delivered twice finds the run it already made.
    idempotency_key = models.CharField(max_length=200, unique=True)
    event = models.CharField(max_length=60, help_text='What fired it, e.g. "order.created"')
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    context = models.JSONField(default=dict, help_text="The record and its scores when it fired")
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.PENDING)
    cursor = models.PositiveIntegerField(default=0, help_text="The next instruction of the version's program")
    attempts = models.PositiveSmallIntegerField(default=0, help_text="Failed tries of the current step")
    resume_at = models.DateTimeField(null=True, blank=True)
    error = models.CharField(max_length=300, blank=True)
    triggered_at = models.DateTimeField(help_text="When the event happened (for trigger-to-action time)")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, help_text="Its last step or state change")
    finished_at = models.DateTimeField(null=True, blank=True)
    worker = models.CharField(
        max_length=120, blank=True, help_text="host:pid of the process that last ran it"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["status", "resume_at"], name="run_due_idx"),
            models.Index(fields=["workflow", "-created_at"], name="run_workflow_idx"),
        ]

    def __str__(self) -> str:
        return f"run {self.pk} of {self.version}"


class StepStatus(models.TextChoices):
    DONE = "done"
    FAILED = "failed"
    WAITING = "waiting"


class StepLog(models.Model):
    """One try of one instruction of a run: what went in, what came out, the error, the timing."""

    run = models.ForeignKey(WorkflowRun, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=30, help_text="The action, or if/wait")
    status = models.CharField(max_length=10, choices=StepStatus.choices)
    input = models.JSONField(default=dict)
    output = models.JSONField(default=dict)
    error = models.CharField(max_length=300, blank=True)
    attempt = models.PositiveSmallIntegerField(default=1)
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["run", "pk"]
        indexes = [models.Index(fields=["kind", "started_at"], name="steplog_rate_idx")]

    def __str__(self) -> str:
        return f"step {self.position} ({self.kind}) of run {self.run_id}"


class TimedTrigger(models.Model):
    """A stored due time (UTC) of a timed workflow: a cron line's next firing (key "cron"), or a
    customer's "N days after the last order" ("customer:<id>"), "N days before the birthday"
    ("birthday:<id>", moved to the next year when it fires) or "N days before the renewal"
    ("renewal:<id>"). The sweeper fires each row once and plans the next."""

    workflow = models.ForeignKey(Workflow, on_delete=models.CASCADE, related_name="due_times")
    key = models.CharField(max_length=80, help_text='"cron", or "customer:<id>"')
    due_at = models.DateTimeField()
    customer = models.ForeignKey(
        "customers.Customer", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    fired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["workflow", "key"], name="timed_trigger_key")]
        indexes = [models.Index(fields=["fired_at", "due_at"], name="timed_due_idx")]

    def __str__(self) -> str:
        return f"{self.key} due {self.due_at:%Y-%m-%d %H:%M}Z"


class ScoreSnapshot(models.Model):
    """The scores each customer had at the last refresh, to see which crossed a line since."""

    customer = models.OneToOneField("customers.Customer", primary_key=True, on_delete=models.CASCADE)
    values = models.JSONField(default=dict)

    def __str__(self) -> str:
        return f"scores of customer {self.customer_id}"


class ViewWatch(models.Model):
    """A saved customer view whose members are tracked for the "enters a saved view" trigger,
    since ``since``: its first pass records who is in it (a baseline, like a customer's first
    scores) and fires nothing."""

    view = models.OneToOneField("collaboration.SavedView", on_delete=models.CASCADE, related_name="+")
    since = models.DateTimeField()

    def __str__(self) -> str:
        return f"watching view {self.view_id}"


class ViewMember(models.Model):
    """A customer in a watched view since ``entered_at``: the row goes when they leave, so a
    customer who leaves and comes back enters again (a new row, a new event id)."""

    view = models.ForeignKey("collaboration.SavedView", on_delete=models.CASCADE, related_name="+")
    customer = models.ForeignKey("customers.Customer", on_delete=models.CASCADE, related_name="+")
    entered_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["view", "customer"], name="view_member_once")]

    def __str__(self) -> str:
        return f"customer {self.customer_id} in view {self.view_id}"


class OutboxKind(models.TextChoices):
    EMAIL = "email"
    WEBHOOK = "webhook"


class OutboxStatus(models.TextChoices):
    PENDING = "pending"
    SENDING = "sending"  # an email claimed by a worker; the server has not been told to accept it
    SENT = "sent"
    FAILED = "failed"


class Outbox(models.Model):
    """A message a step decided to send, written in the step's transaction and sent after it
    commits: a run resumed after a crash finds the step done and the message already queued."""

    run = models.ForeignKey(WorkflowRun, on_delete=models.CASCADE, related_name="outbox")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=10, choices=OutboxKind.choices)
    payload = models.JSONField(help_text="Recipient, subject and body; or URL and body")
    status = models.CharField(max_length=10, choices=OutboxStatus.choices, default=OutboxStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True, help_text="The token of the worker sending it")
    claimed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "position"], name="outbox_once_per_step")]

    def __str__(self) -> str:
        return f"{self.kind} of run {self.run_id} step {self.position}"
