"""The audit log: append an entry to the hash chain, and the entries of sign-in and personal views."""

from __future__ import annotations

import ipaddress
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone

from qorgau.core.audit_chain import (
    CHAIN_VERSION,
    GENESIS_HASH,
    address_network,
    canonical_template,
    entry_hash,
    new_address_fields,
)
from qorgau.core.derived_keys import SIGN_IN_NAME, keyed_digest
from qorgau.core.models import (
    AuditChainHead,
    AuditEntry,
    Region,
    User,
)
from qorgau.core.permissions import note_audit_append


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


def _normal_address(ip: str | None) -> str | None:
    """The address in its standard form, or None for what is not an address."""
    if not ip:
        return None
    try:
        return str(ipaddress.ip_address(ip))
    except ValueError:
        return None


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
    ip = _normal_address(ip)
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
        chain_version=CHAIN_VERSION,
        **new_address_fields(ip),
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
                                 object_id, region_id, ip, ip_commitment, ip_salt, details,
                                 chain_version, prev_hash, hash)
    SELECT head.seq, %s::timestamptz, %s::bigint, %s::varchar, %s::varchar, %s::varchar,
           %s::varchar, %s::bigint, %s::inet, %s::varchar, %s::varchar, %s::jsonb, %s::smallint,
           head.prev,
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
                entry.ip_commitment,
                entry.ip_salt,
                details,
                entry.chain_version,
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
    """A refused sign-in, never with the text typed (it may be a password in the wrong field): a
    known account is named by its id (the entry's object), an unknown name only by its keyed hash
    (`username_hash`, the same for the same name, so repeated tries show; case does not matter)."""
    known = User.objects.filter(username=username).first() if username else None
    named: dict[str, Any] = {"known_user": known is not None}
    if known is None and username.strip():
        named["username_hash"] = keyed_digest(SIGN_IN_NAME, username.strip().casefold())
    return audit_append(
        actor=None,
        action=action,
        object_type="core.user" if known else "",
        object_id=known.pk if known else "",
        region=known.region if known else None,
        ip=ip,
        details={**named, **details},
    )


def audit_login_failed(*, username: str, ip: str | None) -> AuditEntry:
    """A refused login: the account, or a keyed hash of an unknown name; never the password."""
    return _audit_refused_sign_in("auth.login_failed", username=username, ip=ip)


def audit_login_locked(*, username: str, ip: str | None, stage: str) -> AuditEntry:
    """An attempt refused because this account from this address, this address, or (at the code
    step) this account has failed too often; named as in `audit_login_failed`."""
    return _audit_refused_sign_in("auth.locked_out", username=username, ip=ip, stage=stage)


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


def audit_addresses_cut(*, batch: int = 1000) -> int:
    """Cut the client addresses of entries older than QORGAU_ADDRESS_RETENTION_DAYS to their network
    (IPv4 /24, IPv6 /48) and erase their salt (`tick`); the chain's hashes do not change (chain
    version 2 covers the network and a commitment). Entries of chain version 1 (written before
    this) keep their address: their hash covers it. Safe on several workers at once. Returns how
    many were cut; one entry with the count goes to the log."""
    cutoff = timezone.now() - timedelta(days=settings.QORGAU_ADDRESS_RETENTION_DAYS)
    total = 0
    while True:
        with transaction.atomic():
            due = AuditEntry.objects.filter(
                chain_version__gte=2, created_at__lt=cutoff, ip__isnull=False
            ).exclude(ip_salt="")
            rows = list(due.select_for_update(skip_locked=True).only("pk", "ip")[:batch])
            for entry in rows:
                entry.ip, entry.ip_salt = address_network(str(entry.ip)), ""
            cut = due.bulk_update(rows, ["ip", "ip_salt"]) if rows else 0
            if cut:
                audit_append(
                    actor=None,
                    action="audit.addresses_cut",
                    details={
                        "count": cut,
                        "retention_days": settings.QORGAU_ADDRESS_RETENTION_DAYS,
                    },
                )
        total += cut
        if len(rows) < batch:
            return total
