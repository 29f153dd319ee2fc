"""Alerts acknowledged by a click: the one it reached says "I have it", and it climbs no further."""

from __future__ import annotations

from qorgau.core import alerts, policies
from qorgau.core.models import Notification, User
from qorgau.core.permissions import require, service
from qorgau.core.services.audit import audit_append


@service
def alert_acknowledge(*, notification: Notification, acting_user: User) -> bool:
    """Acknowledge one of one's own alerts (someone else's is refused: 404, audited). Returns
    whether this click acknowledged the alert itself (False: somebody had already)."""
    require(acting_user, policies.ACKNOWLEDGE_ALERT, notification)
    first = alerts.acknowledge(notification=notification, user=acting_user)
    alert = notification.alert
    audit_append(
        actor=acting_user,
        action="alert.acknowledge",
        obj=alert,
        region=alert.region,
        details={
            "kind": alert.kind,
            "object": alert.object_ref,
            "level": notification.level,
            "first": first,
        },
    )
    return first
