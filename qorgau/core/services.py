"""Every write of the core app: audit log, users, API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from qorgau.core import policies
from qorgau.core.audit_chain import GENESIS_HASH, canonical_template, entry_hash
from qorgau.core.derived_keys import RATE_LIMIT, RECOVERY_CODE, keyed_digest, keyed_digests
from qorgau.core.enums import SECOND_FACTOR_ROLES, Gender, Language, Role
from qorgau.core.models import (
    ApiToken,
    AuditChainHead,
    AuditEntry,
    Region,
    StaffTOTPDevice,
    TokenBucket,
    User,
)
from qorgau.core.permissions import note_audit_append, require, service

TOKEN_PREFIX = "qg_"
# A token's last use is written at most this often, so that reads do not all become writes.
TOKEN_TOUCH_INTERVAL = timedelta(minutes=5)


# --- Audit log ------------------------------------------------------------------------------------


def _lock_chain_head() -> AuditChainHead:
    """Lock the chain head row; every append waits here, so the chain never forks.

    Locking the head row (and not the last entry) matters on PostgreSQL: a transaction that waited on
    the lock re-reads the updated head row when it gets it, while a lock on the last entry would wake
    up holding an entry that is no longer the last.
    """
    try:
        return AuditChainHead.objects.select_for_update().get(pk=1)
    except AuditChainHead.DoesNotExist:
        try:
            with transaction.atomic():
                AuditChainHead.objects.create(pk=1, seq=0, hash=GENESIS_HASH)
        except IntegrityError:
            pass
        return AuditChainHead.objects.select_for_update().get(pk=1)


@transaction.atomic(savepoint=False)
def audit_append(
    *,
    actor: User | None,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str | int = "",
    region: Region | None = None,
    ip: str | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry to the audit log, in the caller's transaction, chained to the one before.

    `details` must never hold a personal value: name fields, not their contents.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    entry = AuditEntry(
        created_at=timezone.now(),
        actor=actor if actor is not None and actor.pk else None,
        actor_label=(actor.get_username() if actor is not None and actor.pk else "")[:150],
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        region=region,
        ip=ip,
        details=details or {},
    )
    note_audit_append()
    if connection.vendor == "postgresql" and _append_in_one_statement(entry):
        return entry
    head = _lock_chain_head()
    entry.seq, entry.prev_hash = head.seq + 1, head.hash
    entry.hash = entry_hash(entry)
    entry.save(force_insert=True)
    AuditChainHead.objects.filter(pk=1).update(seq=entry.seq, hash=entry.hash)
    return entry


# One round trip on PostgreSQL: lock the chain head, insert the entry with its hash computed by the
# database from the canonical content (`canonical_template`), move the head. The head stays locked
# until the caller's transaction ends, as with the three statements it replaces.
_APPEND_SQL = """
WITH head AS (
    SELECT seq + 1 AS seq, hash AS prev FROM core_auditchainhead WHERE id = 1 FOR UPDATE
), entry AS (
    INSERT INTO core_auditentry (seq, created_at, actor_id, actor_label, action, object_type,
                                 object_id, region_id, ip, details, prev_hash, hash)
    SELECT head.seq, %s::timestamptz, %s::bigint, %s::varchar, %s::varchar, %s::varchar,
           %s::varchar, %s::bigint, %s::inet, %s::jsonb, head.prev,
           encode(sha256(convert_to(%s::text || head.prev || %s::text || head.seq::text || '}',
                                    'UTF8')), 'hex')
    FROM head
    RETURNING id, seq, prev_hash, hash
), moved AS (
    UPDATE core_auditchainhead SET seq = entry.seq, hash = entry.hash
    FROM entry WHERE core_auditchainhead.id = 1
)
SELECT id, seq, prev_hash, hash FROM entry
"""


def _append_in_one_statement(entry: AuditEntry) -> bool:
    """Append `entry` in one statement (PostgreSQL); False when the chain head row does not exist
    yet (the first append creates it on the general path)."""
    head_text, middle_text = canonical_template(entry)
    details = AuditEntry._meta.get_field("details").get_db_prep_save(entry.details, connection)
    with connection.cursor() as cursor:
        cursor.execute(
            _APPEND_SQL,
            [
                entry.created_at,
                entry.actor_id,
                entry.actor_label,
                entry.action,
                entry.object_type,
                entry.object_id,
                entry.region_id,
                entry.ip,
                details,
                head_text,
                middle_text,
            ],
        )
        row = cursor.fetchone()
    if row is None:
        return False
    entry.pk, entry.seq, entry.prev_hash, entry.hash = row
    entry._state.adding, entry._state.db = False, connection.alias
    return True


def audit_personal_view(
    *, actor: User, obj: models.Model, fields: list[str], region: Region | None = None
) -> AuditEntry:
    """Record that `actor` was shown the personal fields `fields` of `obj` (names only, no values)."""
    return audit_append(
        actor=actor,
        action="personal.view",
        obj=obj,
        region=region,
        details={"fields": sorted(fields)},
    )


def audit_login(*, user: User, ip: str | None) -> AuditEntry:
    return audit_append(actor=user, action="auth.login", obj=user, region=user.region, ip=ip)


def audit_logout(*, user: User | None, ip: str | None) -> AuditEntry | None:
    if user is None or not user.pk:
        return None
    return audit_append(actor=user, action="auth.logout", obj=user, region=user.region, ip=ip)


def _audit_refused_sign_in(
    action: str, *, username: str, ip: str | None, **details: Any
) -> AuditEntry:
    """A refused sign-in: the name typed (trimmed) and whether it names a user; never a secret."""
    known = User.objects.filter(username=username).first() if username else None
    return audit_append(
        actor=None,
        action=action,
        object_type="core.user" if known else "",
        object_id=known.pk if known else "",
        region=known.region if known else None,
        ip=ip,
        details={"username": username[:150], "known_user": known is not None, **details},
    )


def audit_login_failed(*, username: str, ip: str | None) -> AuditEntry:
    """A refused login: the name typed is recorded (trimmed), never the password."""
    return _audit_refused_sign_in("auth.login_failed", username=username, ip=ip)


# --- Users ----------------------------------------------------------------------------------------


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
) -> User:
    """Create a member of staff; a regional role needs a region and a prosecutor a gender."""
    require(acting_user, policies.CREATE_USER)
    user = User(
        username=username,
        role=role,
        region=region,
        gender=gender,
        language=language,
        full_name=full_name,
        email=email,
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
        details={"role": str(role), "username": username},
    )
    return user


@service
def user_set_password(*, acting_user: User | None, user: User, password: str) -> None:
    """Set a member of staff's password (administrators, and the system for demo data)."""
    require(acting_user, policies.SET_PASSWORD, user)
    user.set_password(password)
    user.save(update_fields=["password", "updated_at"])
    audit_append(actor=acting_user, action="user.set_password", obj=user, region=user.region)


@service
def user_set_on_duty(*, user: User, on_duty: bool) -> None:
    """An analyst starts or ends their duty: on-duty analysts are alerted at once to P1 reports."""
    require(user, policies.SET_ON_DUTY)
    User.objects.filter(pk=user.pk).update(on_duty=on_duty, updated_at=timezone.now())
    user.on_duty = on_duty
    audit_append(
        actor=user,
        action="user.on_duty" if on_duty else "user.off_duty",
        obj=user,
        region=user.region,
    )


# No audit entry: marking one's own notifications read changes nothing anyone else sees.
@service(audit=False)
def notifications_mark_read(*, user: User) -> int:
    """Mark every unread notification of `user` read; returns how many."""
    from qorgau.core.models import Notification

    require(user, policies.READ_NOTIFICATIONS)

    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --- API tokens -----------------------------------------------------------------------------------


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@service
def api_token_create(
    *, acting_user: User | None, user: User, name: str = "", days: int | None = None
) -> tuple[ApiToken, str]:
    """Create a personal bearer token; returns the row and the token, which is shown only once."""
    require(acting_user, policies.MANAGE_API_TOKENS)
    if not user.is_active:
        raise ValueError("an inactive user cannot have API tokens")
    days = settings.QORGAU_API_TOKEN_DAYS if days is None else days
    if days < 1:
        raise ValueError("a token lives at least one day")
    prefix = secrets.token_hex(6)
    token = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    now = timezone.now()
    row = ApiToken(
        created_at=now,
        user=user,
        name=name,
        prefix=prefix,
        digest=_digest(token),
        expires_at=now + timedelta(days=days),
    )
    row.full_clean()
    row.save(force_insert=True)
    audit_append(
        actor=acting_user,
        action="api_token.create",
        obj=row,
        region=user.region,
        details={"user_id": user.pk, "prefix": prefix, "days": days},
    )
    return row, token


def api_token_authenticate(*, token: str) -> User | None:
    """The active user a bearer token belongs to, or None when it is unknown, expired or revoked."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = (
        ApiToken.objects.select_related("user", "user__region")
        .filter(digest=_digest(token))
        .first()
    )
    now = timezone.now()
    if row is None or not row.is_usable(now):
        return None
    if row.last_used_at is None or now - row.last_used_at > TOKEN_TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user


@service
def api_token_revoke(*, acting_user: User | None, token: ApiToken) -> ApiToken:
    """Revoke a personal token at once (a token already revoked stays as it was; the attempt is
    recorded all the same)."""
    require(acting_user, policies.MANAGE_API_TOKENS)
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    token.refresh_from_db()
    details: dict[str, Any] = {"prefix": token.prefix}
    if not updated:
        details["already_revoked"] = True
    audit_append(
        actor=acting_user,
        action="api_token.revoke",
        obj=token,
        region=token.user.region,
        details=details,
    )
    return token


# --- Rate limits ----------------------------------------------------------------------------------


def rate_limit_key(scope: str, value: str) -> str:
    """A keyed hash naming what is limited: the database never holds the address itself. (A change
    of lookup key starts every bucket afresh: nothing else is lost.)"""
    return keyed_digest(RATE_LIMIT, f"{scope}:{value}")


@transaction.atomic
def rate_limit_take(*, scope: str, value: str, capacity: int, per_seconds: float) -> bool:
    """Take one token from the bucket of (scope, value); False when it is empty.

    The bucket holds at most `capacity` tokens and refills completely in `per_seconds`.
    """
    key = rate_limit_key(scope, value)
    now = timezone.now()
    bucket = TokenBucket.objects.select_for_update().filter(key=key).first()
    if bucket is None:
        try:
            with transaction.atomic():
                TokenBucket.objects.create(key=key, tokens=capacity - 1, updated_at=now)
            return True
        except IntegrityError:
            bucket = TokenBucket.objects.select_for_update().get(key=key)
    elapsed = max((now - bucket.updated_at).total_seconds(), 0.0)
    tokens = min(float(capacity), bucket.tokens + elapsed * capacity / per_seconds)
    allowed = tokens >= 1.0
    if allowed:
        tokens -= 1.0
    TokenBucket.objects.filter(pk=bucket.pk).update(tokens=tokens, updated_at=now)
    return allowed


def rate_limit_wait(*, scope: str, value: str, capacity: int, per_seconds: float) -> float:
    """Seconds until the bucket of (scope, value) holds one token again (0 if it does); reads only."""
    bucket = TokenBucket.objects.filter(key=rate_limit_key(scope, value)).first()
    if bucket is None:
        return 0.0
    elapsed = max((timezone.now() - bucket.updated_at).total_seconds(), 0.0)
    tokens = min(float(capacity), bucket.tokens + elapsed * capacity / per_seconds)
    if tokens >= 1.0:
        return 0.0
    return (1.0 - tokens) * per_seconds / capacity


# --- Sign-in: lockout and the second factor ---------------------------------------------------------

LOGIN_ACCOUNT_SCOPE = "login.account"
LOGIN_ADDRESS_SCOPE = "login.address"


def _login_buckets(username: str, ip: str | None) -> list[tuple[str, str, int]]:
    buckets = [
        (
            LOGIN_ACCOUNT_SCOPE,
            username.strip().casefold(),
            settings.QORGAU_LOGIN_FAILURES_PER_ACCOUNT,
        )
    ]
    if ip:
        buckets.append((LOGIN_ADDRESS_SCOPE, ip, settings.QORGAU_LOGIN_FAILURES_PER_ADDRESS))
    return buckets


def login_lockout_wait(*, username: str, ip: str | None) -> int:
    """Whole seconds before this account or this address may try to sign in again (0: now)."""
    wait = 0.0
    for scope, value, capacity in _login_buckets(username, ip):
        wait = max(
            wait,
            rate_limit_wait(
                scope=scope,
                value=value,
                capacity=capacity,
                per_seconds=settings.QORGAU_LOGIN_LOCKOUT_SECONDS,
            ),
        )
    return int(wait) + (1 if wait % 1 else 0)


@transaction.atomic
def login_failure_record(*, username: str, ip: str | None) -> None:
    """Count one failed attempt (a wrong password or a wrong code) against the account and address."""
    for scope, value, capacity in _login_buckets(username, ip):
        rate_limit_take(
            scope=scope,
            value=value,
            capacity=capacity,
            per_seconds=settings.QORGAU_LOGIN_LOCKOUT_SECONDS,
        )


def audit_login_locked(*, username: str, ip: str | None, stage: str) -> AuditEntry:
    """An attempt refused because the account or the address is locked out (never the secret typed)."""
    return _audit_refused_sign_in("auth.locked_out", username=username, ip=ip, stage=stage)


def second_factor_required(user: Any) -> bool:
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


def audit_otp_failed(*, user: User, ip: str | None, stage: str) -> AuditEntry:
    """A wrong code at the second step or at enrolment (never the code typed)."""
    return audit_append(
        actor=user,
        action="auth.otp_failed",
        obj=user,
        region=user.region,
        ip=ip,
        details={"stage": stage},
    )
