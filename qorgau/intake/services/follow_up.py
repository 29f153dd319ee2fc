"""Follow-up through the receipt code: opening a report with it, adding to it, reading."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.core.errors import ServiceError
from qorgau.core.permissions import service
from qorgau.core.services import audit_append
from qorgau.intake import evidence as evidence_files
from qorgau.intake import receipts
from qorgau.intake.enums import EventKind, MessageAuthor
from qorgau.intake.models import Report, ReportMessage
from qorgau.intake.services._common import _event, _text
from qorgau.intake.services.drafts import MESSAGE_MAX, ReportInvalid
from qorgau.intake.services.submit import _store_files

RECEIPT_MAX_FAILURES = 5
RECEIPT_LOCK = timedelta(hours=1)


class ReceiptRefused(ServiceError):
    """The code is wrong, or its report is locked after too many wrong attempts (`locked`)."""

    def __init__(self, message: str, *, locked: bool = False):
        super().__init__(message)
        self.locked = locked
        if locked:
            self.status_code = 429


# The follow-up acts for the reporter who holds the code: the code is their key, so no staff
# policy applies; `report_submit` made the report, and the views throttle who may try a code.


def report_open_with_receipt(*, code_text: str) -> Report:
    """The report a receipt code opens. Wrong codes count against the report their first half names,
    which locks for an hour after five of them. (Not a transaction: the count of a wrong code must
    stay written when the code is refused.)"""
    code = receipts.normalise(code_text)
    if code is None:
        raise ReceiptRefused(_("A receipt code has 16 digits, like 1234 5678 9012 3456."))
    now = timezone.now()
    candidates = list(
        Report.objects.filter(receipt_locator__in=receipts.locators(code)).exclude(receipt_hash="")
    )
    for report in candidates:
        if report.receipt_locked_until and report.receipt_locked_until > now:
            continue
        if receipts.verify(code, report.receipt_hash):
            if report.receipt_failures or not receipts.is_current(report.receipt_locator):
                _receipt_opened(report=report, code=code)
            return report
    locked = False
    for report in candidates:
        if report.receipt_locked_until and report.receipt_locked_until > now:
            locked = True
            continue
        locked = _receipt_failed(report=report, now=now) or locked
    if locked:
        raise ReceiptRefused(
            _("This report is locked for an hour after too many wrong codes. Try again later."),
            locked=True,
        )
    raise ReceiptRefused(_("We found no report with this code. Check the digits and try again."))


# The reporter's key bookkeeping writes no audit entry: like the rate limits of the sign-in, it
# records attempts, not anything done to the report (the lock is on the report's timeline).


@service(audit=False)
def _receipt_opened(*, report: Report, code: str) -> None:
    receipts.locator_refresh(report_id=report.pk, stored=report.receipt_locator, code=code)
    if report.receipt_failures:
        Report.objects.filter(pk=report.pk).update(receipt_failures=0)


@service(audit=False)
def _receipt_failed(*, report: Report, now: datetime) -> bool:
    """Count a wrong code against the report; whether it is now locked."""
    failures = report.receipt_failures + 1
    if failures >= RECEIPT_MAX_FAILURES:
        Report.objects.filter(pk=report.pk).update(
            receipt_failures=0, receipt_locked_until=now + RECEIPT_LOCK
        )
        _event(report, EventKind.RECEIPT_LOCKED)
        return True
    Report.objects.filter(pk=report.pk).update(receipt_failures=failures)
    return False


@service
def report_add_information(
    *, report: Report, text: str, files: list[evidence_files.IncomingFile]
) -> ReportMessage | None:
    """The reporter adds a message and/or files through the receipt code (audited as the reporter,
    with no actor)."""
    text = _text(text)
    errors: dict[str, list[str]] = {}
    if not text and not files:
        errors["body"] = [_("Write something or add a file.")]
    if len(text) > MESSAGE_MAX:
        errors["body"] = [_("This is too long: at most %(max)d characters.") % {"max": MESSAGE_MAX}]
    existing = report.evidence.count()
    allowed = settings.QORGAU_EVIDENCE_MAX_FILES - existing
    if len(files) > allowed:
        errors["evidence"] = [
            _("At most %(count)d files can be sent.")
            % {"count": settings.QORGAU_EVIDENCE_MAX_FILES}
        ]
    kinds = []
    for index, item in enumerate(files):
        try:
            evidence_files.check_limits([item])
        except evidence_files.EvidenceRejected as exc:
            errors.setdefault("evidence", []).append(str(exc))
            continue
        kind = item.sniffed() if item.has_content else None
        if kind is None:
            errors.setdefault(f"evidence.{index}", []).append(
                _("“%(name)s” cannot be accepted: send pictures, PDF, text or chat exports.")
                % {"name": item.filename[:80] or "?"}
            )
        kinds.append(kind)
    if errors:
        raise ReportInvalid(errors)
    message = None
    written: list[Path] = []
    try:
        if text:
            message = ReportMessage.objects.create(
                report=report, author=MessageAuthor.REPORTER, body=text
            )
            _event(report, EventKind.MESSAGE_FROM_REPORTER)
        if files:
            written = _store_files(report, files, kinds, later=True)
            _event(report, EventKind.EVIDENCE_ADDED, details={"files": len(files)})
        audit_append(
            actor=None,
            action="report.reporter_added",
            obj=report,
            region=report.region,
            details={"message": bool(text), "files": len(files)},
        )
    except BaseException:
        evidence_files.remove(written)
        raise
    return message


# A read marker: the reporter's page was shown; nothing an audit entry would need to explain.
@service(audit=False)
def report_mark_read_by_reporter(*, report: Report) -> None:
    """The staff's messages the reporter has now seen."""
    ReportMessage.objects.filter(
        report=report, author=MessageAuthor.STAFF, read_by_reporter_at__isnull=True
    ).update(read_by_reporter_at=timezone.now())
