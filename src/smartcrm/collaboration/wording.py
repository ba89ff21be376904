"""What a notification says, worded when it is shown (in the reader's language)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from smartcrm.collaboration.models import HandoverKind, Notification, NotificationKind


def describe(notification: Notification) -> str:
    actor = notification.actor.get_username() if notification.actor else _("Someone")
    values = {"actor": actor, "target": notification.target_label}
    if notification.kind == NotificationKind.MENTION:
        return _("%(actor)s mentioned you on %(target)s") % values
    if notification.kind == NotificationKind.HANDOVER:
        kind = HandoverKind(notification.detail).label if notification.detail in HandoverKind.values else ""
        return _("%(actor)s handed %(target)s over to your team (%(kind)s)") % {**values, "kind": kind}
    if notification.kind == NotificationKind.SLA_BREACH:
        if notification.detail == "first_response":
            return _("%(target)s has had no first response within its SLA target") % values
        return _("%(target)s was not resolved within its SLA target") % values
    wording = {
        "note": _("%(actor)s added a note to %(target)s"),
        "internal_note": _("%(actor)s added an internal note on %(target)s"),
        "reply": _("%(actor)s replied on %(target)s"),
        "customer_message": _("The customer wrote on %(target)s"),
    }
    return wording.get(notification.detail, _("%(target)s was changed")) % values
