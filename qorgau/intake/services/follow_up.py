"""Follow-up through the receipt code: opening a report with it, adding to it, reading."""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from qorgau.core.errors import ServiceError
from qorgau.core.permissions import service
from qorgau.core.services import audit_append, rate_limit_take, rate_limit_wait
from qorgau.intake import evidence as evidence_files
from qorgau.intake import receipts
from qorgau.intake.enums import EventKind, MessageAuthor
from qorgau.intake.models import Evidence, Report, ReportMessage
from qorgau.intake.services._common import _event, _text
from qorgau.intake.services.drafts import (
    MESSAGE_MAX,
    ReportInvalid,
    not_accepted_message,
)
from qorgau.intake.services.submit import _store_files, files_added

RECEIPT_ADDRESS_SCOPE = "receipt"
RECEIPT_CODE_SCOPE = "receipt.code"


class ReceiptRefused(ServiceError):
    """The code opens no report: it is malformed, names no report, is wrong, or this address has
    tried this first half too often (one answer for the last three). `address_limited`: this address
    has tried too many codes (429; it says nothing about any report)."""

    def __init__(self, message: str, *, address_limited: bool = False):
        super().__init__(message)
        self.address_limited = address_limited
        if address_limited:
            self.status_code = 429


def not_opened_message() -> str:
    """The one answer to a code that names no report, a wrong code and an exhausted (first half,
    address) limit: true of all three, so that none of them tells a report exists."""
    minutes = math.ceil(60 / max(settings.QORGAU_RECEIPT_FAILURES_PER_CODE_PER_HOUR, 1))
    return ngettext(
        "This code does not open a report. Check the digits; if they are right, wait "
        "%(minutes)d minute and try again.",
        "This code does not open a report. Check the digits; if they are right, wait "
        "%(minutes)d minutes and try again.",
        minutes,
    ) % {"minutes": minutes}


# The follow-up acts for the reporter who holds the code: the code is their key, so no staff
# policy applies; `report_submit` made the report. Who may try codes is limited here, per address
# and per (first half of the code, address): never per report, which any address could exhaust.


def report_open_with_receipt(*, code_text: str, address: str | None) -> Report:
    """The report a receipt code opens, tried from `address` (`core.utils.client_ip`).

    Every well-formed code costs the same, whatever it names: the same queries, one argon2
    verification (against a dummy hash when its first half names no report, or when this address
    has used up its tries of that first half) and, when refused, one token taken from the (first
    half, address) bucket. So neither the answer nor its time says whether a report exists, and only
    the address that guessed is slowed down. (Not a transaction: a token taken must stay taken when
    the code is refused.)"""
    where = address or "unknown"
    if not rate_limit_take(
        scope=RECEIPT_ADDRESS_SCOPE,
        value=where,
        capacity=settings.QORGAU_RECEIPT_RATE_PER_10_MIN,
        per_seconds=600,
    ):
        raise ReceiptRefused(
            _("Too many attempts from this connection. Wait ten minutes and try again."),
            address_limited=True,
        )
    code = receipts.normalise(code_text)
    if code is None:
        raise ReceiptRefused(_("A receipt code has 16 digits, like 1234 5678 9012 3456."))
    # Keyed by the first half rather than the report: for a code that names a report it is that
    # report's bucket (a first half names one report), and a code that names none takes one too.
    bucket: dict[str, Any] = {
        "scope": RECEIPT_CODE_SCOPE,
        "value": f"{code[: receipts.LOCATOR_DIGITS]}:{where}",
        "capacity": settings.QORGAU_RECEIPT_FAILURES_PER_CODE_PER_HOUR,
        "per_seconds": 3600,
    }
    may_try = rate_limit_wait(**bucket) == 0
    candidates = list(
        Report.objects.filter(receipt_locator__in=receipts.locators(code))
        .exclude(receipt_hash="")
        .order_by("pk")
    )
    found = receipts.matching(code, [r.receipt_hash for r in candidates] if may_try else [])
    if found is None:
        rate_limit_take(**bucket)
        raise ReceiptRefused(not_opened_message())
    report = candidates[found]
    if not receipts.is_current(report.receipt_locator):
        _receipt_opened(report=report, code=code)
    return report


# The reporter's key bookkeeping writes no audit entry: it records no action on the report.
@service(audit=False)
def _receipt_opened(*, report: Report, code: str) -> None:
    receipts.locator_refresh(report_id=report.pk, stored=report.receipt_locator, code=code)


@dataclass
class AddedInformation:
    message: ReportMessage | None
    skipped: int = 0  # files left out: sent twice, or already in the report (kept once)


@service
def report_add_information(
    *, report: Report, text: str, files: list[evidence_files.IncomingFile]
) -> AddedInformation:
    """The reporter adds a message and/or files through the receipt code (audited as the reporter,
    with no actor). A file already in the report, or sent twice, is kept once (`skipped`)."""
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
    sent = len(files)
    files, kinds = _new_files(report, files, errors)
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
            stored: list[Evidence] = []
            written = _store_files(report, files, kinds, later=True, rows=stored)
            _event(report, EventKind.EVIDENCE_ADDED, details={"files": len(files)})
            files_added(report, stored)
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
    return AddedInformation(message=message, skipped=sent - len(files))


def _new_files(
    report: Report, files: list[evidence_files.IncomingFile], errors: dict[str, list[str]]
) -> tuple[list[evidence_files.IncomingFile], list[str | None]]:
    """The files to add, each with its sniffed type; left out, the same bytes twice and bytes the
    report already holds (the same SHA-256)."""
    kept: list[evidence_files.IncomingFile] = []
    kinds: list[str | None] = []
    held = set(report.evidence.values_list("sha256", flat=True))
    for index, item in enumerate(files):
        try:
            evidence_files.check_limits([item])
        except evidence_files.EvidenceRejected as exc:
            errors.setdefault("evidence", []).append(str(exc))
            continue
        kind = item.sniffed() if item.has_content else None
        if kind is None:
            errors.setdefault(f"evidence.{index}", []).append(not_accepted_message(item.filename))
            continue
        try:
            evidence_files.check_size(item, kind)
        except evidence_files.EvidenceTooLarge as exc:
            errors.setdefault(f"evidence.{index}", []).append(str(exc))
            continue
        if item.digest() not in held:
            held.add(item.digest())
            kept.append(item)
            kinds.append(kind)
    return kept, kinds


# A read marker: the reporter's page was shown; nothing an audit entry would need to explain.
@service(audit=False)
def report_mark_read_by_reporter(*, report: Report) -> None:
    """The staff's messages the reporter has now seen."""
    ReportMessage.objects.filter(
        report=report, author=MessageAuthor.STAFF, read_by_reporter_at__isnull=True
    ).update(read_by_reporter_at=timezone.now())
