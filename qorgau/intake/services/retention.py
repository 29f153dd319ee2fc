"""Retention: purging closed unfounded reports past their period, with what linking kept."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from qorgau.core.permissions import service
from qorgau.core.services import audit_append
from qorgau.intake import evidence as evidence_files
from qorgau.intake.enums import CloseReason, Status
from qorgau.intake.models import Evidence, Report
from qorgau.intake.services._common import REPORT_OWNER


def _unlink_purged(report_ids: list[int]) -> None:
    """What linking kept of purged reports goes with them: their identifier uses and name skeletons,
    identifiers nothing else uses any more, and the subjects' counts (else triage would still count
    the purged reports as "other reports" of the subject)."""
    from qorgau.linking.models import Identifier, IdentifierUse, NameEntry, Subject
    from qorgau.linking.services import recount_subject

    uses = IdentifierUse.objects.filter(owner_type=REPORT_OWNER, owner_id__in=report_ids)
    identifier_ids = set(uses.values_list("identifier_id", flat=True))
    subject_ids = set(
        Identifier.objects.filter(pk__in=identifier_ids, subject__isnull=False).values_list(
            "subject_id", flat=True
        )
    )
    uses.delete()
    NameEntry.objects.filter(owner_type=REPORT_OWNER, owner_id__in=report_ids).delete()
    Identifier.objects.filter(pk__in=identifier_ids).exclude(
        pk__in=IdentifierUse.objects.values("identifier_id")
    ).delete()
    for subject in Subject.objects.filter(pk__in=subject_ids):
        recount_subject(subject=subject)


def purge_expired_reports(*, now: datetime | None = None, batch: int = 500) -> int:
    """Delete closed unfounded reports past their retention, with their files, a batch at a time
    (each batch one transaction, with its audit entry). The system's periodic work (`tick`)."""
    now = now or timezone.now()
    total = 0
    while True:
        ids_ = list(
            Report.objects.filter(
                status=Status.CLOSED, close_reason=CloseReason.UNFOUNDED, expires_at__lt=now
            ).values_list("pk", flat=True)[:batch]
        )
        deleted = _purge(report_ids=ids_) if ids_ else 0
        if not deleted:
            return total
        total += deleted


@service
def _purge(*, report_ids: list[int]) -> int:
    """One batch: the reports, what linking kept of them, and (once committed) their files."""
    names = list(
        Evidence.objects.filter(report_id__in=report_ids)
        .exclude(storage_name="")
        .values_list("storage_name", flat=True)
    )
    _unlink_purged(report_ids)
    from qorgau.intake.fingerprints import OWNER as FINGERPRINTED
    from qorgau.linking.hash_models import PerceptualHash

    # the files' fingerprints go with them (their chunks by cascade)
    PerceptualHash.objects.filter(
        owner_type=FINGERPRINTED,
        owner_id__in=Evidence.objects.filter(report_id__in=report_ids).values("pk"),
    ).delete()
    Report.objects.filter(duplicate_of_id__in=report_ids).update(duplicate_of=None)
    deleted = Report.objects.filter(pk__in=report_ids).delete()[1].get("intake.Report", 0)
    transaction.on_commit(
        lambda: evidence_files.remove([evidence_files.evidence_dir() / n for n in names])
    )
    audit_append(actor=None, action="retention.purge", details={"reports": deleted})
    return deleted
