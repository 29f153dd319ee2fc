"""Perceptual hashes of evidence files, made after the report is stored (issue 22).

A picture or a video is fingerprinted on a worker, never while the child waits for the receipt:
`report_submit` marks it `pending` and enqueues `fingerprint` after the commit; `tick` queues
again any still pending `STALE_AFTER` later (a lost worker, a queue that was down), so none is
left behind. The file is decrypted into a temporary file that only this process can read, hashed
(`linking.pdq`), and removed. Then:

- other reports' files within QORGAU_PDQ_MAX_DISTANCE bits become `EvidenceMatch` candidates,
  which an analyst decides on (the same picture, or not), with the distance shown;
- a hash within the distance of a known-hash list's PDQ entry marks the report as known abuse
  material (`known_material.record`).

Fingerprinting the same file twice gives the same rows (hashes replaced, matches unique): a task
and a tick that meet on one file do no harm. A file that cannot be fingerprinted (corrupt, a
format Pillow does not read) is `failed` with a code; it is still stored and exactly hashed.
"""

from __future__ import annotations

import logging
import os
import tempfile
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from qorgau.core.tasks import retried_task
from qorgau.intake import evidence as evidence_files
from qorgau.intake.enums import Perceptual
from qorgau.intake.match_models import EvidenceMatch
from qorgau.intake.models import Evidence
from qorgau.linking import pdq

logger = logging.getLogger(__name__)

OWNER = "intake.evidence"
PICTURES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
# HEIC/HEIF: Pillow reads them only with a plugin that is not installed; fingerprinted "failed"
UNREAD_PICTURES = frozenset({"image/heic", "image/heif"})
STALE_AFTER = timedelta(minutes=2)
PER_TICK = 100
FAILURES = ("corrupt", "unsupported", "too_large", "no_video", "missing")


def is_video(content_type: str) -> bool:
    return content_type.startswith("video/")


def status_for(content_type: str) -> str:
    """What a newly stored file's fingerprint starts as: pending for pictures and videos."""
    if content_type in PICTURES or content_type in UNREAD_PICTURES or is_video(content_type):
        return Perceptual.PENDING
    return Perceptual.NONE


def enqueue_on_commit(rows: Iterable[Evidence]) -> None:
    pending = [row.pk for row in rows if row.perceptual == Perceptual.PENDING]
    if pending:
        transaction.on_commit(lambda: fingerprint.enqueue(evidence_ids=pending))


@retried_task()
def fingerprint(*, evidence_ids: list[int]) -> int:
    """Fingerprint these files (those still pending); the number done."""
    return sum(fingerprint_one(pk) for pk in evidence_ids)


def fingerprint_one(evidence_id: int) -> bool:
    row = Evidence.objects.select_related("report").filter(pk=evidence_id).first()
    if row is None or row.perceptual != Perceptual.PENDING:
        return False
    frames, error = _hash(row)
    with transaction.atomic():
        locked = Evidence.objects.select_for_update().filter(pk=row.pk).first()
        if locked is None or locked.perceptual != Perceptual.PENDING:
            return False  # another worker finished it first
        if error:
            Evidence.objects.filter(pk=row.pk).update(
                perceptual=Perceptual.FAILED, perceptual_error=error
            )
            return True
        stored = pdq.store(OWNER, row.pk, frames)
        Evidence.objects.filter(pk=row.pk).update(perceptual=Perceptual.DONE, perceptual_error="")
        values = [h.value for h in stored if h.quality >= settings.QORGAU_PDQ_MIN_QUALITY]
        _record_similar(row, values)
        from qorgau.intake import known_material

        known_material.match_perceptual(row, values)
    return True


def _hash(row: Evidence) -> tuple[list[pdq.Frame], str]:
    """The file's frames, or the code of why there are none."""
    if row.content_type in UNREAD_PICTURES:
        return [], "unsupported"
    if not row.storage_name or not (evidence_files.evidence_dir() / row.storage_name).exists():
        return [], "missing"
    handle, path = tempfile.mkstemp(prefix="qorgau-fp-", dir=settings.FILE_UPLOAD_TEMP_DIR)
    try:
        with os.fdopen(handle, "wb") as out:
            evidence_files.decrypt_to(row.storage_name, row.data_key, out)
        if is_video(row.content_type):
            return pdq.hash_video(path), ""
        return [pdq.hash_image(path)], ""
    except pdq.Unhashable as exc:
        return [], exc.code
    finally:
        os.unlink(path)


def _record_similar(row: Evidence, values: list[str]) -> int:
    """Candidates: files of other reports whose hashes are near this file's."""
    if not values:
        return 0
    same_report = Evidence.objects.filter(report_id=row.report_id).values("pk")
    best: dict[int, tuple[int, int]] = {}  # other evidence -> (smallest distance, frames alike)
    for _value, hit in pdq.near(values, owner_type=OWNER, exclude=Q(owner_id__in=same_report)):
        distance, frames = best.get(hit.owner_id, (256, 0))
        best[hit.owner_id] = (min(distance, hit.distance), frames + 1)
    EvidenceMatch.objects.bulk_create(
        [
            EvidenceMatch(evidence=row, other_id=other, distance=distance, frames=frames)
            for other, (distance, frames) in sorted(best.items())
        ],
        ignore_conflicts=True,
    )
    return len(best)


def fingerprint_stale(now: datetime | None = None) -> int:
    """`tick`: files still pending STALE_AFTER after they were queued (a lost task, a queue that
    was down) are queued again, each at most once per STALE_AFTER; the worker does the hashing,
    so a long video never holds up the tick that climbs alerts."""
    cutoff = (now or timezone.now()) - STALE_AFTER
    stale = Evidence.objects.filter(perceptual=Perceptual.PENDING).filter(
        Q(perceptual_queued_at__lt=cutoff)
        | Q(perceptual_queued_at__isnull=True, created_at__lt=cutoff)
    )
    ids = list(stale.order_by("pk").values_list("pk", flat=True)[:PER_TICK])
    if not ids:
        return 0
    Evidence.objects.filter(pk__in=ids).update(perceptual_queued_at=now or timezone.now())
    transaction.on_commit(lambda: fingerprint.enqueue(evidence_ids=ids))
    return len(ids)
