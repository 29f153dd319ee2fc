"""Evidence files on a known-hash list (issue 22): the report is P1 before anyone opens a file.

Matched against the list in force (the newest version of each list):
- when a report is stored, by its files' MD5, SHA-1 and SHA-256 (one query, in the report's
  transaction: the report is P1 from its first moment and alerts like any P1);
- when a file's PDQ hash is made (`fingerprints`), within QORGAU_PDQ_MAX_DISTANCE bits;
- when a new version of a list is imported, against every file already stored (`rematch`, run by
  `tick`: idempotent, since a match is unique per file and list entry, and resumable, since each
  version keeps the last file id it has compared).
A match found after the report was stored raises it to P1 through triage (`report_retriage`, which
alerts the duty analysts) and leaves an event on its staff timeline; a closed report is marked,
not reopened.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import OuterRef, Q, Subquery
from django.utils import timezone

from qorgau.core.services import audit_append
from qorgau.intake.enums import EventKind, Status
from qorgau.intake.match_models import KnownMaterialMatch
from qorgau.intake.models import Evidence, Report
from qorgau.linking import pdq
from qorgau.linking.hash_models import KNOWN_OWNER, HashAlgorithm, HashListVersion, KnownHash

KNOWN_MATERIAL = "known_material"
# The reason's label in the three staff languages, as the rules' labels are kept.
KNOWN_MATERIAL_LABEL = {
    "en": "A file is on a known-hash list (known abuse material)",
    "ru": "Файл есть в списке хешей известных материалов сексуального насилия",
    "kk": "Файл белгілі зорлық-зомбылық материалдарының хеш тізімінде бар",
}
REMATCH_BATCH = 2000
REMATCH_SECONDS = 10.0


def current_versions() -> dict[int, int]:
    """The version in force of each list: {version id: list id} (one query)."""
    newest = HashListVersion.objects.filter(hash_list_id=OuterRef("hash_list_id")).order_by(
        "-number"
    )
    return dict(
        HashListVersion.objects.filter(pk=Subquery(newest.values("pk")[:1])).values_list(
            "pk", "hash_list_id"
        )
    )


def _exact_query(rows: Iterable[Evidence]) -> Q | None:
    by_algorithm: dict[str, set[str]] = {}
    for row in rows:
        pairs: tuple[tuple[str, str], ...] = (
            (HashAlgorithm.MD5.value, row.md5),
            (HashAlgorithm.SHA1.value, row.sha1),
            (HashAlgorithm.SHA256.value, row.sha256),
        )
        for algorithm, value in pairs:
            if value:
                by_algorithm.setdefault(algorithm, set()).add(value.lower())
    query = None
    for algorithm, values in by_algorithm.items():
        part = Q(algorithm=algorithm, value__in=sorted(values))
        query = part if query is None else query | part
    return query


def _exact_matches(rows: list[Evidence], versions: Iterable[int]) -> list[KnownMaterialMatch]:
    query = _exact_query(rows)
    version_ids = list(versions)
    if query is None or not version_ids:
        return []
    found = KnownHash.objects.filter(query, version_id__in=version_ids).values_list(
        "pk", "version_id", "algorithm", "value"
    )
    matches = []
    for known_id, version_id, algorithm, value in found:
        for row in rows:
            if getattr(row, algorithm, "").lower() == value:
                matches.append(
                    KnownMaterialMatch(
                        evidence=row, known_id=known_id, version_id=version_id, algorithm=algorithm
                    )
                )
    return matches


def match_exact(rows: list[Evidence]) -> list[KnownMaterialMatch]:
    """New files (of one report, in its transaction) against the lists in force; the matches
    are recorded. The caller marks the report."""
    matches = _exact_matches(rows, current_versions())
    KnownMaterialMatch.objects.bulk_create(matches, ignore_conflicts=True)
    return matches


def match_perceptual(row: Evidence, values: list[str]) -> int:
    """A file's PDQ hashes against the lists' PDQ entries in force; the report is marked."""
    versions = current_versions()
    if not values or not versions:
        return 0
    matches = _pdq_matches({value: [row] for value in values}, list(versions))
    KnownMaterialMatch.objects.bulk_create(matches, ignore_conflicts=True)
    if matches:
        mark_reports([row.report_id])
    return len(matches)


def _pdq_matches(
    owners: dict[str, list[Evidence]], version_ids: list[int]
) -> list[KnownMaterialMatch]:
    """Files (by their PDQ values) within the distance of PDQ entries of these versions: one
    match per file and entry, at the smallest distance over the file's frames."""
    hits = pdq.near(list(owners), owner_type=KNOWN_OWNER)
    if not hits:
        return []
    known = dict(
        KnownHash.objects.filter(
            pk__in={h.owner_id for _v, h in hits}, version_id__in=version_ids
        ).values_list("pk", "version_id")
    )
    best: dict[tuple[int, int], tuple[Evidence, int]] = {}
    for value, hit in hits:
        if hit.owner_id not in known:
            continue
        for row in owners[value]:
            key = (row.pk, hit.owner_id)
            if key not in best or hit.distance < best[key][1]:
                best[key] = (row, hit.distance)
    return [
        KnownMaterialMatch(
            evidence=row,
            known_id=known_id,
            version_id=known[known_id],
            algorithm=HashAlgorithm.PDQ,
            distance=distance,
        )
        for (_pk, known_id), (row, distance) in sorted(best.items(), key=lambda i: i[0])
    ]


def mark_reports(report_ids: Iterable[int]) -> int:
    """Reports found to hold known material after they were stored: flagged, an event on their
    staff timeline, and the open ones raised to P1 (which alerts). Those already flagged are
    left as they are."""
    from qorgau.intake.services import report_retriage
    from qorgau.intake.services._common import _event

    marked = 0
    for report in Report.objects.filter(pk__in=set(report_ids), known_material=False):
        report.known_material = True
        Report.objects.filter(pk=report.pk).update(known_material=True)
        _event(report, EventKind.KNOWN_MATERIAL)
        if report.status != Status.CLOSED:
            report_retriage(report=report)
        audit_append(
            actor=None,
            action="report.known_material",
            obj=report,
            region=report.region,
            details={"priority": report.priority},
        )
        marked += 1
    return marked


def rematch(*, seconds: float = REMATCH_SECONDS) -> int:
    """`tick`: files stored before a list version was imported, compared with it in batches of
    file ids, the version's cursor moved after each batch; stops after `seconds`. Files' PDQ
    hashes are compared with the version's PDQ entries. The number of matches found."""
    started = time.monotonic()
    found = 0
    for version_id in sorted(current_versions()):
        while time.monotonic() - started < seconds:
            step = _rematch_batch(version_id)
            if step is None:
                break
            found += step
    return found


def _rematch_batch(version_id: int) -> int | None:
    """One batch of one version, in one transaction; None when the version has met every file."""
    with transaction.atomic():
        version = HashListVersion.objects.select_for_update(skip_locked=True).filter(pk=version_id)
        current = version.values_list("matched_through", flat=True).first()
        if current is None:
            return None  # another worker holds it: it goes on there
        rows = list(
            Evidence.objects.filter(pk__gt=current)
            .order_by("pk")
            .only("pk", "report_id", "md5", "sha1", "sha256")[:REMATCH_BATCH]
        )
        if not rows:
            version.update(matched_at=timezone.now())
            return None
        matches = _exact_matches(rows, [version_id])
        matches += _perceptual_matches(rows, version_id)
        KnownMaterialMatch.objects.bulk_create(matches, ignore_conflicts=True)
        version.update(matched_through=rows[-1].pk)
        mark_reports({m.evidence.report_id for m in matches})
        return len(matches)


def _perceptual_matches(rows: list[Evidence], version_id: int) -> list[KnownMaterialMatch]:
    """The batch's fingerprinted files against one version's PDQ entries."""
    from django.conf import settings

    from qorgau.intake.fingerprints import OWNER
    from qorgau.linking.hash_models import PerceptualHash

    if not KnownHash.objects.filter(version_id=version_id, algorithm=HashAlgorithm.PDQ).exists():
        return []
    by_id = {row.pk: row for row in rows}
    owners: dict[str, list[Evidence]] = {}
    for owner_id, value in PerceptualHash.objects.filter(
        owner_type=OWNER,
        owner_id__in=list(by_id),
        quality__gte=settings.QORGAU_PDQ_MIN_QUALITY,
    ).values_list("owner_id", "value"):
        owners.setdefault(value, []).append(by_id[owner_id])
    return _pdq_matches(owners, [version_id]) if owners else []


def matches_of_report(report: Report) -> list[dict[str, Any]]:
    """What the report page shows of its files' list matches: the list, its version, the file,
    the algorithm and distance (never the hash list's other entries)."""
    rows = (
        KnownMaterialMatch.objects.filter(evidence__report=report)
        .select_related("version__hash_list", "known", "evidence")
        .order_by("created_at", "pk")
    )
    return [
        {
            "evidence": m.evidence,
            "list": m.version.hash_list.label,
            "version": m.version.number,
            "algorithm": m.algorithm,
            "distance": m.distance,
            "entry_label": m.known.label,
            "at": m.created_at,
        }
        for m in rows
    ]
