"""Re-link from scratch: recompute every subject from where identifiers were seen.

Each report's identifiers are extracted once, as it arrives (IdentifierUse rows). Re-linking rebuilds
the clustering from those rows alone, in memory with a union-find, and writes back only what changed:
subjects keep their numbers wherever a cluster still holds them.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from qorgau.core.bulk import update_from_values
from qorgau.linking.identifiers import LINKING_KINDS
from qorgau.linking.models import Identifier, IdentifierUse, Subject

CHUNK = 5000


class UnionFind:
    def __init__(self) -> None:
        self.parent: dict[int, int] = {}

    def find(self, x: int) -> int:
        parent = self.parent
        parent.setdefault(x, x)
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            if ra < rb:
                self.parent[rb] = ra
            else:
                self.parent[ra] = rb


@dataclass
class RelinkStats:
    identifiers: int = 0
    uses: int = 0
    subjects: int = 0
    created: int = 0
    merged: int = 0
    changed: int = 0


def _bulk_set_subject(pairs: list[tuple[int, int | None]]) -> None:
    """UPDATE identifier SET subject_id = … for many rows at once."""
    update_from_values(
        table="linking_identifier", key="id", columns=["subject_id"], rows=pairs, casts=["bigint"]
    )


@transaction.atomic
def relink_all() -> RelinkStats:
    stats = RelinkStats()
    kinds = dict(Identifier.objects.values_list("pk", "kind"))
    normalised = set(Identifier.objects.filter(normalised=True).values_list("pk", flat=True))
    current = dict(Identifier.objects.values_list("pk", "subject_id"))
    stats.identifiers = len(kinds)

    def links(pk: int) -> bool:
        return (kinds[pk] in LINKING_KINDS and pk in normalised) or kinds[pk] == "analyst"

    union = UnionFind()
    by_owner: dict[tuple[str, int], int] = {}
    seen: dict[int, list] = defaultdict(lambda: [None, None])
    for identifier_id, owner_type, owner_id, seen_at in IdentifierUse.objects.values_list(
        "identifier_id", "owner_type", "owner_id", "seen_at"
    ).iterator(chunk_size=20000):
        stats.uses += 1
        if not links(identifier_id):
            continue
        union.find(identifier_id)
        key = (owner_type, owner_id)
        first = by_owner.setdefault(key, identifier_id)
        if first != identifier_id:
            union.union(first, identifier_id)
        span = seen[identifier_id]
        span[0] = seen_at if span[0] is None or seen_at < span[0] else span[0]
        span[1] = seen_at if span[1] is None or seen_at > span[1] else span[1]

    components: dict[int, list[int]] = defaultdict(list)
    for pk in union.parent:
        components[union.find(pk)].append(pk)

    subjects = {s.pk: s for s in Subject.objects.all()}
    keep: set[int] = set()
    wanted: dict[int, int | None] = dict.fromkeys(kinds)
    new_rows: list[tuple[list[int], datetime, datetime]] = []
    for members in components.values():
        first_seen = min(seen[m][0] for m in members)
        last_seen = max(seen[m][1] for m in members)
        held = sorted(
            {current[m] for m in members if current.get(m) in subjects and current[m] not in keep},
            key=lambda pk: (subjects[pk].created_at, pk),
        )
        if held:
            root = held[0]
            keep.add(root)
            subject = subjects[root]
            if (
                subject.first_seen != first_seen
                or subject.last_seen != last_seen
                or subject.merged_into_id
            ):
                Subject.objects.filter(pk=root).update(
                    first_seen=first_seen, last_seen=last_seen, merged_into=None
                )
            for m in members:
                wanted[m] = root
        else:
            new_rows.append((members, first_seen, last_seen))
    created = Subject.objects.bulk_create(
        [
            Subject(first_seen=first, last_seen=last, created_at=timezone.now())
            for _members, first, last in new_rows
        ],
        batch_size=CHUNK,
    )
    for (members, _f, _l), subject in zip(new_rows, created, strict=True):
        for m in members:
            wanted[m] = subject.pk
    stats.created = len(created)
    stats.subjects = len(components)

    changes = [(pk, s) for pk, s in wanted.items() if current.get(pk) != s]
    stats.changed = len(changes)
    _bulk_set_subject(changes)

    # subjects that no longer hold anything point at where their identifiers went
    orphans = {pk for pk in subjects if pk not in keep}
    moved = {current[pk]: wanted[pk] for pk in kinds if current.get(pk) in orphans and wanted[pk]}
    for old, new in moved.items():
        Subject.objects.filter(pk=old).update(merged_into_id=new)
    stats.merged = len(moved)
    _recount_all()
    return stats


def _recount_all() -> None:
    """owner_counts of every subject, from the uses (one grouped query, then bulk updates)."""
    from django.db.models import Count

    rows = (
        IdentifierUse.objects.filter(identifier__subject__isnull=False)
        .values("identifier__subject_id", "owner_type")
        .annotate(n=Count("owner_id", distinct=True))
    )
    counts: dict[int, dict[str, int]] = defaultdict(dict)
    for row in rows.iterator(chunk_size=20000):
        counts[row["identifier__subject_id"]][row["owner_type"]] = row["n"]
    subjects = list(Subject.objects.filter(merged_into__isnull=True).only("pk", "owner_counts"))
    changed = []
    for subject in subjects:
        fresh = counts.get(subject.pk, {})
        if subject.owner_counts != fresh:
            subject.owner_counts = fresh
            changed.append(subject)
    Subject.objects.bulk_update(changed, ["owner_counts"], batch_size=CHUNK)
