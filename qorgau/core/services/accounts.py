"""Staff accounts: created, passwords set, duty started and ended (core/services/duty.py), notifications
read."""

from __future__ import annotations

from django.utils import timezone

from qorgau.core import policies
from qorgau.core.enums import Gender, Language, Role
from qorgau.core.models import (
    Region,
    User,
)
from qorgau.core.permissions import require, service
from qorgau.core.services.audit import audit_append


@service
def user_create(
    *,
    acting_user: User | None,
    username: str,
    role: Role | str,
    password: str | None,
    region: Region | None = None,
    gender: Gender | str = "",
    language: Language | str = Language.RUSSIAN,
    full_name: str = "",
    email: str = "",
    mobile: str = "",
) -> User:
    """Create a member of staff; a regional role needs a region and a prosecutor a gender.

    Made by the system (demo data, the command line) the account is active at once; made by an
    administrator it is switched off until a second person approves switching it on (four eyes:
    `access_change_request`), so that no administrator makes themselves a second account."""
    require(acting_user, policies.CREATE_USER)
    user = User(
        is_active=acting_user is None,
        username=username,
        role=role,
        region=region,
        gender=gender,
        language=language,
        full_name=full_name,
        email=email,
        mobile=mobile,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean()
    user.save(force_insert=True)
    audit_append(
        actor=acting_user,
        action="user.create",
        obj=user,
        region=region,
        details={"role": str(role), "region_id": user.region_id, "username": username},
    )
    if acting_user is not None:
        from qorgau.core.services.access import access_change_request

        access_change_request(
            acting_user=acting_user, user=user, role=role, region=region, is_active=True
        )
    return user


@service
def user_set_password(*, acting_user: User | None, user: User, password: str) -> None:
    """Set a member of staff's password (administrators, and the system for demo data)."""
    require(acting_user, policies.SET_PASSWORD, user)
    user.set_password(password)
    user.save(update_fields=["password", "updated_at"])
    audit_append(actor=acting_user, action="user.set_password", obj=user, region=user.region)


def user_set_on_duty(*, user: User, on_duty: bool) -> None:
    """The staff home's "Start my duty" / "End my duty" (kept for callers of the switch before the
    rota): the manual override of the duty rota, `duty_override_start` or `duty_override_end`."""
    from qorgau.core.services.duty import duty_override_end, duty_override_start

    if on_duty:
        duty_override_start(acting_user=user)
    else:
        duty_override_end(acting_user=user)


# No audit entry: marking one's own notifications read changes nothing anyone else sees.
@service(audit=False)
def notifications_mark_read(*, user: User) -> int:
    """Mark every unread notification of `user` read; returns how many."""
    from qorgau.core.models import Notification

    require(user, policies.READ_NOTIFICATIONS)

    # An alert that climbs stays unread until it is acknowledged: "read" is not "I have it".
    return (
        Notification.objects.filter(user=user, read_at__isnull=True)
        .exclude(acknowledged_at__isnull=True, alert__escalate_at__isnull=False)
        .update(read_at=timezone.now())
    )
