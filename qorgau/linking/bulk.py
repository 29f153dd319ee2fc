"""Linking many owners at once (an import): what `services.link_owner` does for one owner, set-based.

A few statements per thousand owners, whatever their number, instead of a handful per owner; the same
rules (see `services.link_owner`)."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from qorgau.core.bulk import insert_rows, update_from_values
from qorgau.linking.identifiers import LINKING_KINDS, Found
from qorgau.linking.models import IdentifierUse, NameEntry, Subject
from qorgau.linking.names import skeleton
from qorgau.linking.relink import UnionFind
from qorgau.linking.services import LinkResult, _merge, lookup_key, upsert_identifiers

BULK_CHUNK = 1000


@dataclass
class OwnerLinks:
    """One owner of a bulk link: its identifiers, its region and the names it goes by."""

    owner_id: int
    found: list[Found]
    region_id: int | None = None
    names: list[str] = field(default_factory=list)


def _identifier_rows_bulk(wanted: dict[str, Found], now) -> dict[str, tuple[int, int | None]]:
    """lookup -> (identifier id, current subject id): `upsert_identifiers` in chunks, in lookup
    order (as `link_owner` locks)."""
    keys = sorted(wanted)
    out: dict[str, tuple[int, int | None]] = {}
    for first in range(0, len(keys), BULK_CHUNK):
        chunk = keys[first : first + BULK_CHUNK]
        for pk, _kind, key, _normalised, subject_id in upsert_identifiers(chunk, wanted, now):
            out[key] = (pk, subject_id)
    return out


def _lock_subjects(subject_ids: set[int]) -> dict[int, Subject]:
    """`_lock_roots` for many subjects: locks them (id order) and maps each id to its live root."""
    ids = set(subject_ids)
    rows: dict[int, Subject] = {}
    while True:
        wanted = sorted(ids - set(rows))
        for first in range(0, len(wanted), BULK_CHUNK):
            chunk = wanted[first : first + BULK_CHUNK]
            for subject in Subject.objects.select_for_update().filter(pk__in=chunk).order_by("pk"):
                rows[subject.pk] = subject
        parents = {s.merged_into_id for s in rows.values() if s.merged_into_id is not None}
        if not parents - set(rows):
            break
        ids |= parents

    def root(pk: int) -> Subject:
        subject = rows[pk]
        while subject.merged_into_id is not None:
            subject = rows[subject.merged_into_id]
        return subject

    return {pk: root(pk) for pk in subject_ids if pk in rows}


@transaction.atomic(savepoint=False)
def link_owners_bulk(
    *, owner_type: str, owners: list[OwnerLinks], seen_at=None
) -> dict[int, LinkResult]:
    """`link_owner` for many new owners at once (an import), set-based: a few statements per
    thousand owners, whatever their number, instead of a handful per owner.

    The same rules: only identifiers of linking kinds join subjects; owners that share one (with
    each other or with what is stored) end up in one subject, merging stored subjects where the
    batch joins them; names are kept with the subject. Returns, per owner id, its subject and
    `others`: what that subject held before this batch (for triage)."""
    seen_at = seen_at or timezone.now()
    results = {owner.owner_id: LinkResult(subject=None) for owner in owners}
    wanted: dict[str, Found] = {}
    keys_of: dict[int, dict[str, str]] = {}  # owner -> lookup -> origin
    for owner in owners:
        mine = keys_of.setdefault(owner.owner_id, {})
        for item in owner.found:
            key = lookup_key(item.kind, item.value)
            wanted.setdefault(key, item)
            mine.setdefault(key, item.origin)
    rows = _identifier_rows_bulk(wanted, seen_at) if wanted else {}
    insert_rows(
        IdentifierUse,
        ["identifier_id", "owner_type", "owner_id", "region_id", "origin", "seen_at"],
        [
            (rows[key][0], owner_type, owner.owner_id, owner.region_id, origin, seen_at)
            for owner in owners
            for key, origin in keys_of[owner.owner_id].items()
        ],
    )

    def links(key: str) -> bool:
        return wanted[key].kind in LINKING_KINDS and wanted[key].normalised

    # Union-find over identifiers (ids > 0) and the stored subjects they belong to (-id).
    roots = _lock_subjects(
        {subject_id for k in rows if links(k) and (subject_id := rows[k][1]) is not None}
    )
    union = UnionFind()
    first_of: dict[int, int] = {}  # owner -> its first linking identifier
    for owner in owners:
        for key in keys_of[owner.owner_id]:
            if not links(key):
                continue
            pk, subject_id = rows[key]
            union.find(pk)
            if subject_id is not None and subject_id in roots:
                union.union(pk, -roots[subject_id].pk)
            first = first_of.setdefault(owner.owner_id, pk)
            if first != pk:
                union.union(first, pk)
    components: dict[int, dict] = {}
    for owner_id, first in first_of.items():
        component = components.setdefault(
            union.find(first), {"owners": [], "subjects": {}, "identifiers": set()}
        )
        component["owners"].append(owner_id)
    for key, (pk, subject_id) in rows.items():
        if not links(key) or pk not in union.parent:
            continue
        component = components[union.find(pk)]
        component["identifiers"].add(pk)
        if subject_id is not None and subject_id in roots:
            root = roots[subject_id]
            component["subjects"][root.pk] = root

    changed: list[Subject] = []
    new: list[tuple[dict, Subject]] = []
    for component in components.values():
        held = list(component["subjects"].values())
        n = len(component["owners"])
        if held:
            root, merged = _merge(held)
            before = dict(root.owner_counts or {})
            counts = dict(before)
            counts[owner_type] = counts.get(owner_type, 0) + n
            root.owner_counts = counts
            root.first_seen = min(root.first_seen, seen_at)
            root.last_seen = max(root.last_seen, seen_at)
            root.updated_at = seen_at
            changed.append(root)
            component["root"] = root
            for owner_id in component["owners"]:
                results[owner_id] = LinkResult(
                    subject=root, merged=merged, others={k: v for k, v in before.items() if v}
                )
        else:
            subject = Subject(first_seen=seen_at, last_seen=seen_at, owner_counts={owner_type: n})
            new.append((component, subject))
    Subject.objects.bulk_update(
        changed, ["first_seen", "last_seen", "owner_counts", "updated_at"], batch_size=BULK_CHUNK
    )
    subject_ids = insert_rows(
        Subject,
        ["public_id", "first_seen", "last_seen", "owner_counts"],
        [(s.public_id, s.first_seen, s.last_seen, s.owner_counts) for _c, s in new],
        returning_ids=True,
    )
    for (_component, subject), pk in zip(new, subject_ids, strict=True):
        subject.pk = subject.id = pk
        subject._state.adding = False
    for component, subject in new:
        component["root"] = subject
        for owner_id in component["owners"]:
            results[owner_id] = LinkResult(subject=subject)

    current = dict(rows.values())
    moving = [
        (pk, component["root"].pk)
        for component in components.values()
        for pk in component["identifiers"]
        if current.get(pk) != component["root"].pk
    ]
    update_from_values(
        table="linking_identifier",
        key="id",
        columns=["subject_id"],
        rows=moving,
        casts=["bigint"],
    )

    entries = []
    for owner in owners:
        linked = results[owner.owner_id].subject
        subject_id = linked.pk if linked is not None else None
        for key in {skeleton(n) for n in owner.names if n}:
            if key:
                entries.append((owner_type, owner.owner_id, key[:200], subject_id))
    insert_rows(NameEntry, ["owner_type", "owner_id", "skeleton", "subject_id"], entries)
    return results
