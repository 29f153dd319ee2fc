"""The second factor: enrolling an authenticator, recovery codes, checking a code."""

from __future__ import annotations

from typing import Any, TypeGuard

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from qorgau.core import policies
from qorgau.core.derived_keys import RECOVERY_CODE, keyed_digests
from qorgau.core.enums import SECOND_FACTOR_ROLES
from qorgau.core.models import (
    StaffTOTPDevice,
    User,
)
from qorgau.core.permissions import refuse, require, service
from qorgau.core.services.audit import audit_append


def second_factor_required(user: Any) -> TypeGuard[User]:
    """Whether this user must pass a second factor after the password (enums.SECOND_FACTOR_ROLES)."""
    return bool(getattr(user, "is_authenticated", False)) and (
        user.role in SECOND_FACTOR_ROLES or user.is_superuser
    )


def otp_totp_device_start(*, user: User) -> StaffTOTPDevice:
    """The authenticator a user is enrolling: an unconfirmed TOTP device, the same one until confirmed.

    Refused (ValueError) once the user has a confirmed device: only an administrator deleting it (a lost
    phone) opens enrolment again, so a stolen password alone cannot replace the second factor.
    """
    if StaffTOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise ValueError("the user already has an authenticator")
    device = StaffTOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = StaffTOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


@transaction.atomic
def otp_enrol_confirm(*, user: User, token: str, ip: str | None) -> tuple[Device, list[str]] | None:
    """Confirm the authenticator being enrolled with its first code and give new recovery codes.

    Returns the device and the recovery codes (shown once, never stored in clear elsewhere), or None
    when the code is wrong.
    """
    device = (
        StaffTOTPDevice.objects.select_for_update()
        .filter(user=user, confirmed=False)
        .order_by("pk")
        .first()
    )
    if device is None or not device.verify_token(token):
        return None
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    StaffTOTPDevice.objects.filter(user=user, confirmed=False).delete()
    codes = recovery_codes_replace(user=user)
    audit_append(
        actor=user,
        action="auth.otp_enrolled",
        obj=user,
        region=user.region,
        ip=ip,
        details={"recovery_codes": len(codes)},
    )
    return device, codes


def recovery_code_digests(code: str) -> list[str]:
    """What is stored for a recovery code: a keyed hash (16 characters: django-otp's token column)
    under the recovery-code key derived from QORGAU_LOOKUP_KEY, never the code. The first is what
    new codes store; the others are how codes handed out under a previous lookup key, or before the
    lookup key (under a SECRET_KEY pinned in QORGAU_LEGACY_SECRET_KEYS), were stored. SECRET_KEY
    itself plays no part: rotating it keeps every code."""
    code = "".join(code.split()).lower()
    return keyed_digests(RECOVERY_CODE, code)


def recovery_codes_replace(*, user: User) -> list[str]:
    """A new set of recovery codes for `user` (the old ones stop working); each works once.

    The codes are returned to be shown once; the database keeps only their keyed hashes."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(settings.QORGAU_RECOVERY_CODES)]
    StaticToken.objects.bulk_create(
        [StaticToken(device=device, token=recovery_code_digests(code)[0]) for code in codes]
    )
    return codes


def _use_recovery_code(user: User, code: str) -> StaticDevice | None:
    """Find the user's recovery code by its hash and use it up (locked, so it works once)."""
    used = (
        StaticToken.objects.select_for_update()
        .filter(device__user=user, device__confirmed=True, token__in=recovery_code_digests(code))
        .select_related("device")
        .first()
    )
    if used is None:
        return None
    used.delete()
    return used.device


@transaction.atomic
def otp_verify(*, user: User, token: str, ip: str | None) -> Device | None:
    """Check the code of the second step: the authenticator's, or a recovery code (used up).

    Returns the device that accepted it, or None. A success is audited with its method; the caller
    counts a failure against the lockout.
    """
    token = "".join(token.split()).lower()
    if not token:
        return None
    device: Device | None = None
    if token.isdigit():
        for candidate in StaffTOTPDevice.objects.select_for_update().filter(
            user=user, confirmed=True
        ):
            if candidate.verify_token(token):
                device = candidate
                break
    else:
        device = _use_recovery_code(user, token)
    if device is None:
        return None
    details: dict[str, Any] = {
        "method": "totp" if isinstance(device, StaffTOTPDevice) else "recovery"
    }
    if isinstance(device, StaticDevice):
        details["recovery_codes_left"] = device.token_set.count()
    audit_append(
        actor=user, action="auth.otp_verified", obj=user, region=user.region, ip=ip, details=details
    )
    return device


@service
def second_factor_reset(*, acting_user: User | None, user_id: int) -> User:
    """A lost phone: the security officer removes a member of staff's authenticators and recovery
    codes, and the person sets up a new authenticator at their next sign-in. Never one's own
    (someone who lost their phone is not signed in; someone who is should not drop their second
    factor alone). Returns the account; the audit entry says how many of each were removed, never a
    secret. A role the policy does not name is refused before the account is looked up (403); an
    account the officer does not see, or none, is a 404."""
    require(acting_user, policies.RESET_SECOND_FACTOR)
    user = User.objects.select_related("region").filter(pk=user_id).first()
    if user is None:
        refuse(acting_user, policies.RESET_SECOND_FACTOR, None)
    require(acting_user, policies.RESET_SECOND_FACTOR, user)
    if acting_user is not None and acting_user.pk == user.pk:
        refuse(
            acting_user,
            policies.RESET_SECOND_FACTOR,
            user,
            reason="party",
            message=_("Another security officer removes your own authenticator."),
        )
    authenticators = StaffTOTPDevice.objects.filter(user=user)
    recovery = StaticDevice.objects.filter(user=user)
    counts = {"authenticators": authenticators.count(), "recovery_code_sets": recovery.count()}
    authenticators.delete()
    recovery.delete()
    audit_append(
        actor=acting_user,
        action="auth.second_factor_reset",
        obj=user,
        region=user.region,
        details=counts,
    )
    return user
