"""Linking: identifiers are stored once, and everything that shares one belongs to one subject."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Count
from django.utils import timezone

from qorgau.core.derived_keys import IDENTIFIER_LOOKUP, keyed_digest, keyed_digests, old_digests
from qorgau.core.models import Region, User
from qorgau.core.services import audit_append
from qorgau.linking.identifiers import LINKING_KINDS, Found
from qorgau.linking.models import Identifier, IdentifierUse, NameEntry, Subject
from qorgau.linking.names import skeleton


def lookup_key(kind: str, value: str) -> str:
    """The keyed hash that finds an identifier without storing it in the clear (the identifier
    lookup key derived from QORGAU_LOOKUP_KEY; SECRET_KEY plays no part)."""
    return keyed_digest(IDENTIFIER_LOOKUP, f"{kind}:{value}")


def lookup_keys(kind: str, value: str) -> list[str]:
    """Every lookup an identifier may be stored under: the current key's first, then those of the
    previous lookup keys and the legacy SECRET_KEYs (rows `rekey_lookups` has not rewritten yet)."""
    return keyed_digests(IDENTIFIER_LOOKUP, f"{kind}:{value}")


def adopt_old_lookups(wanted: dict[str, Found]) -> None:
    """Rows of these identifiers still under an old key (a previous lookup key, or SECRET_KEY before
    the lookup key) take their current lookup now, so that a new report joins the row it would
    have joined and no twin is inserted beside it. Nothing to do (no query) when no old key is
    configured. A row another writer moved first is left to it; a twin already there (written
    while the old key was not configured) is left to `rekey_lookups`, which merges them."""
    olds: dict[str, str] = {}
    for key, item in wanted.items():
        for old in old_digests(IDENTIFIER_LOOKUP, f"{item.kind}:{item.value}"):
            olds[old] = key
    if not olds:
        return
    for pk, old in Identifier.objects.filter(lookup__in=sorted(olds)).values_list("pk", "lookup"):
        try:
            with transaction.atomic():
                Identifier.objects.filter(pk=pk, lookup=old).update(lookup=olds[old])
        except IntegrityError:
            continue


@dataclass
class LinkResult:
    subject: Subject | None
    identifiers: list[Identifier] = field(default_factory=list)
    merged: list[Subject] = field(default_factory=list)
    # what else the subject holds, for triage: other owners by type
    others: dict[str, int] = field(default_factory=dict)


def upsert_identifiers(
    keys: list[str], wanted: dict[str, Found], now: datetime
) -> list[tuple[Any, ...]]:
    """The identifier rows under these lookup keys, inserting those that are new: (id, kind,
    lookup, normalised, subject_id) for every key.

    `INSERT … ON CONFLICT (lookup) DO NOTHING RETURNING …` inserts the new ones, then the rows that
    already existed are read by a second statement. A row that exists is not locked: many reports
    naming one common name, or one known phone, do not queue behind each other here (the subject
    a linking identifier leads to is locked by `_lock_roots`). A row another writer is inserting at
    the same moment is waited for by the INSERT, and the SELECT that follows (a new snapshot) reads
    it with the subject that writer committed, so two reports about one person never miss each
    other. Callers pass the keys sorted: concurrent inserters then wait in the same order.
    """
    adopt_old_lookups({key: wanted[key] for key in keys})
    value_field = Identifier._meta.get_field("value")
    params: list[Any] = []  # values of any column type
    for key in keys:
        item = wanted[key]
        params += [
            item.kind,
            key,
            value_field.get_db_prep_save(item.value, connection),
            item.normalised,
            now,
            now,
        ]
    # only "(%s, …)" placeholders are joined into the statement; every value is a parameter
    sql = (
        "INSERT INTO linking_identifier (kind, lookup, value, normalised, subject_id, created_at, "  # noqa: S608
        "updated_at) VALUES "
        + ", ".join(["(%s, %s, %s, %s, NULL, %s, %s)"] * len(keys))
        + " ON CONFLICT (lookup) DO NOTHING RETURNING id, kind, lookup, normalised, subject_id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
        missing = set(keys).difference(row[2] for row in rows)
        if missing:
            if connection.vendor == "postgresql":  # one statement text whatever the number
                cursor.execute(_EXISTING_SQL + "= ANY(%s)", [sorted(missing)])
            else:
                marks = ", ".join(["%s"] * len(missing))
                cursor.execute(f"{_EXISTING_SQL}IN ({marks})", sorted(missing))
            rows += cursor.fetchall()
    return rows


_EXISTING_SQL = (
    "SELECT id, kind, lookup, normalised, subject_id FROM linking_identifier WHERE lookup "
)


def _identifiers_for(found: Iterable[Found]) -> list[Identifier]:
    """The Identifier rows of these identifiers with their current subject, created where new."""
    wanted: dict[str, Found] = {}
    for item in found:
        wanted.setdefault(lookup_key(item.kind, item.value), item)
    if not wanted:
        return []
    result = []
    for pk, kind, key, normalised, subject_id in upsert_identifiers(
        sorted(wanted), wanted, timezone.now()
    ):
        row = Identifier(
            pk=pk, kind=kind, lookup=key, normalised=bool(normalised), subject_id=subject_id
        )
        row.value = wanted[key].value
        result.append(row)
    return result


def _merge(subjects: list[Subject]) -> tuple[Subject, list[Subject]]:
    """Merge subjects into the oldest; identifiers and names follow; the others point at it."""
    subjects = sorted(subjects, key=lambda s: (s.first_seen, s.pk))
    root, others = subjects[0], subjects[1:]
    if others:
        other_ids = [s.pk for s in others]
        Identifier.objects.filter(subject_id__in=other_ids).update(subject=root)
        NameEntry.objects.filter(subject_id__in=other_ids).update(subject=root)
        Subject.objects.filter(pk__in=other_ids).update(merged_into=root)
        Subject.objects.filter(merged_into_id__in=other_ids).update(merged_into=root)
        root.first_seen = min(s.first_seen for s in subjects)
        root.last_seen = max(s.last_seen for s in subjects)
        # an owner's linking identifiers always sit in one subject, so the counts simply add up
        total: dict[str, int] = {}
        for subject in subjects:
            for kind, n in (subject.owner_counts or {}).items():
                total[kind] = total.get(kind, 0) + n
        root.owner_counts = total
    return root, others


def _lock_roots(subject_ids: set[int]) -> list[Subject]:
    """Lock the subjects (in id order, so concurrent merges cannot deadlock), following any that a
    concurrent merge folded into another to the subject that now holds them."""
    ids = set(subject_ids)
    if not ids:
        return []
    while True:
        locked = list(Subject.objects.select_for_update().filter(pk__in=sorted(ids)).order_by("pk"))
        parents = {s.merged_into_id for s in locked if s.merged_into_id is not None}
        if not parents - ids:
            return [s for s in locked if s.merged_into_id is None]
        ids |= parents


@transaction.atomic(savepoint=False)
def link_owner(
    *,
    owner_type: str,
    owner_id: int,
    found: list[Found],
    region: Region | None,
    seen_at: datetime | None = None,
    names: Sequence[str] = (),
    new_owner: bool = True,
) -> LinkResult:
    """Record where identifiers were seen and grow, create or merge the subject they belong to.

    Only identifiers of linking kinds (phones, e-mails, links, platform handles) join subjects; a
    name, a bare @handle or an identifier that could not be normalised is kept, never merges.
    """
    seen_at = seen_at or timezone.now()
    identifiers = _identifiers_for(found)
    by_key = {i.lookup: i for i in identifiers}
    origins = {lookup_key(f.kind, f.value): f.origin for f in found}
    uses = [
        IdentifierUse(
            identifier=i,
            owner_type=owner_type,
            owner_id=owner_id,
            region=region,
            origin=origins.get(key, "field"),
            seen_at=seen_at,
        )
        for key, i in by_key.items()
    ]
    name_keys = sorted({key[:200] for key in (skeleton(n) for n in names if n) if key})
    # A new owner on PostgreSQL: the writes below go in one statement (`_write_in_one_statement`).
    one_statement = new_owner and connection.vendor == "postgresql"
    if not one_statement:
        IdentifierUse.objects.bulk_create(uses, ignore_conflicts=True)
    linking = [i for i in identifiers if i.kind in LINKING_KINDS and i.normalised]
    result = LinkResult(subject=None, identifiers=identifiers)
    if not linking:
        if one_statement:
            _write_in_one_statement(owner_type, owner_id, None, [], uses, name_keys)
        else:
            _record_names(owner_type, owner_id, name_keys, None)
        return result

    subjects = _lock_roots({i.subject_id for i in linking if i.subject_id})
    if subjects:
        root, merged = _merge(subjects)
        result.merged = merged
    else:
        root = Subject(first_seen=seen_at, last_seen=seen_at, owner_counts={})
    root.first_seen = min(root.first_seen, seen_at)
    root.last_seen = max(root.last_seen, seen_at)
    if recount := not new_owner:
        counts = None  # an owner seen before: recounted below, after the identifiers have moved
    else:
        counts = dict(root.owner_counts or {})
        result.others = {k: v for k, v in counts.items() if v}
        counts[owner_type] = counts.get(owner_type, 0) + 1
        root.owner_counts = counts
    # (a new subject has no primary key yet: every linking identifier moves to it)
    moving = [i.pk for i in linking if root.pk is None or i.subject_id != root.pk]
    if one_statement:
        _write_in_one_statement(owner_type, owner_id, root, moving, uses, name_keys)
    else:
        if root.pk is None:
            root.save(force_insert=True)
        else:
            root.save(update_fields=["first_seen", "last_seen", "owner_counts", "updated_at"])
        if moving:
            Identifier.objects.filter(pk__in=moving).update(subject=root)
        _record_names(owner_type, owner_id, name_keys, root)
    result.subject = root
    if recount:
        counts = recount_subject(subject=root)
        result.others = subject_owner_counts(subject=root, exclude=(owner_type, owner_id))
    return result


def _record_names(
    owner_type: str, owner_id: int, name_keys: Iterable[str], subject: Subject | None
) -> None:
    rows = [
        NameEntry(owner_type=owner_type, owner_id=owner_id, skeleton=key, subject=subject)
        for key in name_keys
    ]
    NameEntry.objects.bulk_create(rows, ignore_conflicts=True)


def _write_in_one_statement(
    owner_type: str,
    owner_id: int,
    root: Subject | None,
    moving: list[int],
    uses: list[IdentifierUse],
    name_keys: list[str],
) -> None:
    """PostgreSQL: what `link_owner` writes for a new owner, as one statement of data-modifying CTEs
    (insert or update the subject, move the identifiers to it, record the uses and the names)
    instead of up to five round trips. `root` gets its primary key when it was new."""
    parts: list[str] = []
    params: list[Any] = []  # values of any column type
    subject_ref = "NULL::bigint"
    if root is not None:
        now = timezone.now()
        counts = Subject._meta.get_field("owner_counts").get_db_prep_save(
            root.owner_counts, connection
        )
        if root.pk is None:
            root.created_at = root.updated_at = now
            parts.append(
                "s AS (INSERT INTO linking_subject (created_at, updated_at, public_id, "
                "merged_into_id, first_seen, last_seen, owner_counts) VALUES "
                "(%s, %s, %s, NULL, %s, %s, %s::jsonb) RETURNING id)"
            )
            params += [now, now, root.public_id, root.first_seen, root.last_seen, counts]
        else:
            root.updated_at = now
            parts.append(
                "s AS (UPDATE linking_subject SET first_seen = %s, last_seen = %s, "
                "owner_counts = %s::jsonb, updated_at = %s WHERE id = %s RETURNING id)"
            )
            params += [root.first_seen, root.last_seen, counts, now, root.pk]
        subject_ref = "(SELECT id FROM s)"
        if moving:
            parts.append(
                f"i AS (UPDATE linking_identifier SET subject_id = {subject_ref} "  # noqa: S608
                "WHERE id = ANY(%s::bigint[]))"
            )
            params.append(moving)
    if uses:
        parts.append(
            "u AS (INSERT INTO linking_identifieruse (identifier_id, owner_type, owner_id, "
            "region_id, origin, seen_at) SELECT * FROM UNNEST(%s::bigint[], %s::varchar[], "
            "%s::bigint[], %s::bigint[], %s::varchar[], %s::timestamptz[]) ON CONFLICT DO NOTHING)"
        )
        params += [
            [u.identifier_id for u in uses],
            [u.owner_type for u in uses],
            [u.owner_id for u in uses],
            [u.region_id for u in uses],
            [u.origin for u in uses],
            [u.seen_at for u in uses],
        ]
    if name_keys:
        parts.append(
            "n AS (INSERT INTO linking_nameentry (owner_type, owner_id, skeleton, subject_id) "  # noqa: S608
            f"SELECT %s, %s, key, {subject_ref} FROM UNNEST(%s::varchar[]) AS key "
            "ON CONFLICT DO NOTHING)"
        )
        params += [owner_type, owner_id, name_keys]
    if not parts:
        return
    # only the fixed fragments above are joined into the statement; every value is a parameter
    final = "SELECT id FROM s" if root is not None else "SELECT 1"
    with connection.cursor() as cursor:
        cursor.execute("WITH " + ", ".join(parts) + " " + final, params)
        row = cursor.fetchone()
    if root is not None and root.pk is None:
        root.pk = row[0]
        root._state.adding, root._state.db = False, connection.alias


def recount_subject(*, subject: Subject) -> dict[str, int]:
    """Count again what the subject holds (after a merge, an unlink or an analyst's link)."""
    counts = subject_owner_counts(subject=subject)
    Subject.objects.filter(pk=subject.pk).update(owner_counts=counts)
    subject.owner_counts = counts
    return counts


def subject_owner_counts(
    *, subject: Subject, exclude: tuple[str, int] | None = None
) -> dict[str, int]:
    """How many distinct reports, cases, register entries the subject holds (by owner type)."""
    uses = IdentifierUse.objects.filter(identifier__subject=subject)
    if exclude:
        uses = uses.exclude(owner_type=exclude[0], owner_id=exclude[1])
    rows = uses.values("owner_type").annotate(n=Count("owner_id", distinct=True))
    return {row["owner_type"]: row["n"] for row in rows}


@transaction.atomic
def unlink_owner(
    *, owner_type: str, owner_id: int, acting_user: User | None, identifier: Identifier
) -> None:
    """An analyst removes one identifier from a report (a wrong link); the subject keeps the rest."""
    IdentifierUse.objects.filter(
        identifier=identifier, owner_type=owner_type, owner_id=owner_id
    ).delete()
    if identifier.subject_id:
        recount_subject(subject=Subject.objects.get(pk=identifier.subject_id))
    audit_append(
        actor=acting_user,
        action="linking.unlink",
        object_type=owner_type,
        object_id=owner_id,
        details={"identifier_id": identifier.pk},
    )


@transaction.atomic
def link_by_analyst(
    *,
    owner_type: str,
    owner_id: int,
    subject: Subject,
    acting_user: User,
    region: Region | None,
    reason: str,
) -> LinkResult:
    """An analyst confirms that a report belongs to a subject (a name candidate, or their judgement):
    the owner's identifiers join the subject, merging where they already had one."""
    ids = list(
        Identifier.objects.filter(
            uses__owner_type=owner_type, uses__owner_id=owner_id, kind__in=LINKING_KINDS
        ).values_list("subject_id", flat=True)
    )
    subjects = _lock_roots({subject.pk, *[i for i in ids if i]})
    root, merged = _merge(subjects)
    root.save(update_fields=["first_seen", "last_seen", "updated_at"])
    Identifier.objects.filter(uses__owner_type=owner_type, uses__owner_id=owner_id).update(
        subject=root
    )
    # an owner with no identifier of its own is tied to the subject by an analyst-made use
    if not Identifier.objects.filter(uses__owner_type=owner_type, uses__owner_id=owner_id).exists():
        anchor, _created = Identifier.objects.get_or_create(
            lookup=lookup_key("analyst", f"{owner_type}:{owner_id}:{root.pk}"),
            defaults={"kind": "analyst", "value": f"{owner_type}:{owner_id}", "subject": root},
        )
        IdentifierUse.objects.get_or_create(
            identifier=anchor,
            owner_type=owner_type,
            owner_id=owner_id,
            defaults={"region": region, "origin": "analyst", "seen_at": timezone.now()},
        )
    recount_subject(subject=root)
    audit_append(
        actor=acting_user,
        action="linking.confirm",
        object_type=owner_type,
        object_id=owner_id,
        region=region,
        details={
            "subject": root.public_id,
            "merged": [s.public_id for s in merged],
            "reason": bool(reason),
        },
    )
    return LinkResult(subject=root, merged=merged)
