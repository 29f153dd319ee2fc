"""Every write of the Red Button: submitting a report, receipts, follow-up, platform tokens."""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.core.models import Region, User
from qorgau.core.rows import insert_row
from qorgau.core.selectors import region_get_by_code
from qorgau.core.services import audit_append
from qorgau.intake import evidence as evidence_files
from qorgau.intake import receipts
from qorgau.intake.enums import (
    Category,
    ChildGender,
    CloseReason,
    EventKind,
    IdentifierKind,
    MessageAuthor,
    ReferralTarget,
    ReporterRelation,
    Source,
    Status,
)
from qorgau.intake.models import (
    Evidence,
    Platform,
    PlatformToken,
    Report,
    ReportEvent,
    ReportMessage,
    TriageRuleSet,
)
from qorgau.intake.triage import DEFAULT_RULES, PRIORITIES, TriageInput, TriageResult, evaluate
from qorgau.linking import identifiers as ids
from qorgau.linking.services import LinkResult, link_owner

NARRATIVE_MAX = 20_000
MESSAGE_MAX = 10_000
NAME_MAX = 200
IDENTIFIER_MAX = 300
IDENTIFIERS_MAX = 30
PLATFORM_TOKEN_PREFIX = "qp_"
RECEIPT_MAX_FAILURES = 5
RECEIPT_LOCK = timedelta(hours=1)


class ReportInvalid(Exception):
    """Bad input: `errors` maps a field path (`child.age`, `evidence.2`) to messages in the
    requester's language."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


@dataclass
class Identifier:
    kind: str
    value: str


@dataclass
class ReportDraft:
    """A report as the form or the API received it, before validation."""

    category: str
    narrative: str
    language: str = "ru"
    region_code: str | None = None
    occurred_at: datetime | None = None
    child_age: int | None = None
    child_gender: str | None = None
    reporter_relation: str = ReporterRelation.OTHER
    anonymous: bool = True
    reporter_name: str = ""
    reporter_phone: str = ""
    reporter_email: str = ""
    town: str = ""
    school: str = ""
    suspect_name: str = ""
    identifiers: list[Identifier] = field(default_factory=list)
    files: list[evidence_files.IncomingFile] = field(default_factory=list)


@dataclass(frozen=True)
class Submitter:
    """Who sends a report: the public form (web or widget), a platform, or a member of staff."""

    source: str
    platform: Platform | None = None
    user: User | None = None

    @property
    def idempotency_scope(self) -> str:
        if self.platform is not None:
            return f"platform:{self.platform.pk}"
        if self.user is not None:
            return f"user:{self.user.pk}"
        return "web"


@dataclass
class Submission:
    report: Report
    receipt_code: str | None  # shown once; None for platforms and staff, and for replays
    replayed: bool = False


# --- Validation -----------------------------------------------------------------------------------


def normalise_phone(value: str) -> str | None:
    """E.164 for a phone written any Kazakh way (8 701 …, +7 (701) …, 7701…); None if it is not one."""
    try:
        number = phonenumbers.parse(value, "KZ")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _text(value: str | None) -> str:
    return (value or "").strip()


def validate(draft: ReportDraft) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Check every field; return the cleaned values and the errors (field path -> messages)."""
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}

    def error(path: str, message: str) -> None:
        errors.setdefault(path, []).append(message)

    if draft.category not in Category.values:
        error("category", _("Choose what happened."))
    clean["category"] = draft.category

    narrative = _text(draft.narrative)
    if not narrative:
        error("narrative", _("Tell us what happened, in a few words at least."))
    elif len(narrative) > NARRATIVE_MAX:
        error(
            "narrative",
            _("This is too long: at most %(max)d characters (now %(count)d).")
            % {"max": NARRATIVE_MAX, "count": len(narrative)},
        )
    clean["narrative"] = narrative

    clean["language"] = draft.language if draft.language in ("kk", "ru", "en") else "ru"

    clean["region"] = None
    if draft.region_code:
        region = region_get_by_code(code=draft.region_code)
        if region is None:
            error(
                "region",
                _("There is no region with the code “%(code)s”.")
                % {"code": draft.region_code[:20]},
            )
        clean["region"] = region

    clean["occurred_at"] = None
    if draft.occurred_at is not None:
        when = draft.occurred_at
        if timezone.is_naive(when):
            when = timezone.make_aware(when)
        if when > timezone.now() + timedelta(minutes=10):
            error("occurred_at", _("This date is in the future."))
        elif when.year < 1950:
            error("occurred_at", _("This date is too far in the past."))
        clean["occurred_at"] = when

    if draft.child_age is not None and not 0 <= draft.child_age <= 17:
        error("child.age", _("A child's age is from 0 to 17."))
    clean["child_age"] = draft.child_age
    if draft.child_gender and draft.child_gender not in ChildGender.values:
        error("child.gender", _("Choose girl, boy, or leave it empty."))
    clean["child_gender"] = draft.child_gender or ""

    if draft.reporter_relation not in ReporterRelation.values:
        error("reporter.relation", _("Choose who is reporting."))
    clean["reporter_relation"] = draft.reporter_relation

    contact: dict[str, str] = {}
    name = _text(draft.reporter_name)
    if len(name) > NAME_MAX:
        error("reporter.name", _("This name is too long."))
    if name:
        contact["name"] = name
    phone = _text(draft.reporter_phone)
    if phone:
        normalised = normalise_phone(phone)
        if normalised is None:
            error(
                "reporter.phone",
                _("This is not a phone number we can call. Example: 8 701 123 45 67."),
            )
        else:
            contact["phone"] = normalised
    email = _text(draft.reporter_email)
    if email:
        try:
            EmailValidator()(email)
            contact["email"] = email
        except ValidationError:
            error("reporter.email", _("This is not an e-mail address. Example: name@mail.kz."))
    clean["anonymous"] = bool(draft.anonymous)
    no_contact = not (contact.get("phone") or contact.get("email"))
    if (
        not draft.anonymous
        and no_contact
        and not {"reporter.phone", "reporter.email"} & set(errors)
    ):
        error(
            "reporter.phone",
            _("Give a phone number or an e-mail, or choose to stay anonymous."),
        )
    clean["reporter_contact"] = None if draft.anonymous else (contact or None)

    location = {
        k: v for k, v in (("town", _text(draft.town)), ("school", _text(draft.school))) if v
    }
    for key, value in location.items():
        if len(value) > NAME_MAX:
            error(key, _("This is too long."))
    clean["location"] = location or None

    suspect_name = _text(draft.suspect_name)
    if len(suspect_name) > NAME_MAX:
        error("suspect.name", _("This name is too long."))
    identifiers = []
    if len(draft.identifiers) > IDENTIFIERS_MAX:
        error("suspect.identifiers", _("At most %(max)d identifiers.") % {"max": IDENTIFIERS_MAX})
    for index, item in enumerate(draft.identifiers[:IDENTIFIERS_MAX]):
        path = f"suspect.identifiers.{index}"
        value = _text(item.value)
        if not value:
            continue
        if item.kind not in IdentifierKind.values:
            error(path, _("Unknown kind of identifier."))
            continue
        if len(value) > IDENTIFIER_MAX:
            error(path, _("This is too long."))
            continue
        if (
            item.kind in (IdentifierKind.PHONE, IdentifierKind.WHATSAPP)
            and not any(c.isdigit() for c in value)
            and not value.startswith("@")
        ):
            error(path, _("This is not a phone number. Example: 8 701 123 45 67."))
            continue
        if item.kind == IdentifierKind.PHONE and sum(c.isdigit() for c in value) < 5:
            error(path, _("This is not a phone number. Example: 8 701 123 45 67."))
            continue
        if item.kind == IdentifierKind.EMAIL and "@" not in value:
            error(path, _("This is not an e-mail address. Example: name@mail.kz."))
            continue
        if item.kind == IdentifierKind.URL:
            try:
                URLValidator(schemes=["http", "https"])(
                    value if "://" in value else f"https://{value}"
                )
            except ValidationError:
                error(path, _("This is not a link. Example: https://example.com/page."))
                continue
        identifiers.append({"kind": item.kind, "value": value})
    suspect = {}
    if suspect_name:
        suspect["name"] = suspect_name
    if identifiers:
        suspect["identifiers"] = identifiers
    clean["suspect"] = suspect or None

    try:
        evidence_files.check_limits(draft.files)
    except evidence_files.EvidenceRejected as exc:
        error("evidence", str(exc))
    sniffed = []
    for index, item in enumerate(draft.files):
        if item.content is None:
            if not _is_sha256(item.sha256):
                error(f"evidence.{index}", _("A file's SHA-256 must be 64 hexadecimal characters."))
            sniffed.append(None)
            continue
        kind = evidence_files.sniff(item.content)
        if kind is None:
            error(
                f"evidence.{index}",
                _("“%(name)s” cannot be accepted: send pictures, PDF, text or chat exports.")
                % {"name": item.filename[:80] or "?"},
            )
        digest = evidence_files.sha256_hex(item.content)
        if item.sha256 and item.sha256.lower() != digest:
            error(f"evidence.{index}", _("The file's content does not match its SHA-256."))
        sniffed.append(kind)
    clean["sniffed"] = sniffed
    return clean, errors


def _is_sha256(value: str) -> bool:
    return len(value or "") == 64 and all(c in "0123456789abcdefABCDEF" for c in value)


def request_digest(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()


# --- Submitting -----------------------------------------------------------------------------------


def _event(report: Report, kind: str, *, actor: User | None = None, **kwargs: Any) -> ReportEvent:
    return insert_row(
        ReportEvent(report=report, created_at=timezone.now(), kind=kind, actor=actor, **kwargs)
    )


def _replay(scope: str, key: str, digest: str) -> Submission | None:
    existing = Report.objects.filter(idempotency_scope=scope, idempotency_key=key).first()
    if existing is None:
        return None
    if digest and existing.request_digest and existing.request_digest != digest:
        raise ReportInvalid(
            {
                "idempotency_key": [
                    _("This Idempotency-Key was already used for a different report.")
                ]
            }
        )
    return Submission(report=existing, receipt_code=None, replayed=True)


def report_submit(
    *,
    draft: ReportDraft,
    submitter: Submitter,
    idempotency_key: str = "",
    digest: str = "",
) -> Submission:
    """Validate, triage and store a report whole, with its files, audit entry and timeline.

    Everything is on disk when this returns: the files are fsynced before the transaction commits,
    and the transaction is committed (durable) before the caller answers. The same idempotency key
    from the same submitter returns the first report, never a second one.
    """
    idempotency_key = (idempotency_key or "").strip()[:200]
    scope = submitter.idempotency_scope
    # A repeated key is found by the unique constraint at insert (below), not by a query per report.
    clean, errors = validate(draft)
    if errors:
        raise ReportInvalid(errors)

    now = timezone.now()
    code = receipts.generate() if submitter.source in (Source.WEB, Source.WIDGET) else None

    written: list[Path] = []
    try:
        with transaction.atomic(durable=True):
            report = Report(
                source=submitter.source,
                platform=submitter.platform,
                submitted_by=submitter.user,
                idempotency_scope=scope if idempotency_key else "",
                idempotency_key=idempotency_key,
                request_digest=digest,
                category=clean["category"],
                reporter_relation=clean["reporter_relation"],
                language=clean["language"],
                region=clean["region"],
                occurred_at=clean["occurred_at"],
                child_age=clean["child_age"],
                child_gender=clean["child_gender"],
                narrative=clean["narrative"],
                location=clean["location"],
                reporter_anonymous=clean["anonymous"],
                reporter_contact=clean["reporter_contact"],
                suspect=clean["suspect"],
                status=Status.RECEIVED,
                status_changed_at=now,
                receipt_locator=receipts.locators(code)[0] if code else "",
                receipt_hash=receipts.hash_code(code) if code else "",
            )
            # triage on the report itself first; links found below may only raise it
            version, rules = triage_rules_current()
            first = evaluate(rules, _triage_input(report, None))
            report.priority, report.priority_reasons = first.priority, first.reasons
            report.triage_version = version
            report.respond_by = response_deadline(first.priority, report.created_at)
            insert_row(report)
            written = _store_files(report, draft.files, clean["sniffed"], later=False)
            link = _link_report(report, draft)
            if link.others:
                _apply_triage(report, link=link, initial=True)
            elif report.priority == "P1":
                _notify_p1(report)
            if link.subject is not None and _subject_crossed_threshold(link, rules):
                _retriage_subject(link, exclude=report.pk)
            _event(report, EventKind.SUBMITTED, to_status=Status.RECEIVED)
            audit_append(
                actor=submitter.user,
                action="report.submit",
                obj=report,
                region=report.region,
                details={
                    "source": submitter.source,
                    "platform_id": submitter.platform.pk if submitter.platform else None,
                    "priority": report.priority,
                    "files": len(draft.files),
                },
            )
    except IntegrityError:
        evidence_files.remove(written)
        if idempotency_key:
            replay = _replay(scope, idempotency_key, digest)
            if replay is not None:
                return replay
        raise
    except BaseException:
        evidence_files.remove(written)
        raise
    return Submission(report=report, receipt_code=code)


def _store_files(
    report: Report,
    files: list[evidence_files.IncomingFile],
    kinds: list[str | None],
    *,
    later: bool,
) -> list[Path]:
    written: list[Path] = []
    for item, kind in zip(files, kinds, strict=True):
        row = Evidence(
            report=report,
            filename=item.filename[:255] or None,
            sha256=(item.sha256 or "").lower(),
            added_by_reporter_later=later,
        )
        if item.content is not None:
            storage_name, data_key = evidence_files.new_storage()
            written.append(evidence_files.write_encrypted(item.content, data_key, storage_name))
            row.storage_name = storage_name
            row.data_key = data_key
            row.size = len(item.content)
            row.content_type = kind or ""
            row.sha256 = evidence_files.sha256_hex(item.content)
        row.save(force_insert=True)
    return written


# --- Triage and linking --------------------------------------------------------------------------

REPORT_OWNER = "intake.report"
OFFENDER_OWNER = "offenders.person"


_rules_cache: dict[str, Any] = {"until": 0.0, "value": None}


def triage_rules_current() -> tuple[int | None, dict[str, Any]]:
    """The rule set in force: the newest published version (the shipped default if none).

    Kept in memory for QORGAU_TRIAGE_RULES_TTL seconds: a published change reaches every worker
    within that time, and each report does not pay a query for it."""
    now = time.monotonic()
    if _rules_cache["value"] is not None and now < _rules_cache["until"]:
        return _rules_cache["value"]
    row = TriageRuleSet.objects.order_by("-version").values_list("version", "rules").first()
    value = (row[0], row[1]) if row else (None, DEFAULT_RULES)
    _rules_cache.update(until=now + settings.QORGAU_TRIAGE_RULES_TTL, value=value)
    return value


@transaction.atomic
def triage_rules_publish(
    *, acting_user: User | None, rules: dict[str, Any], note: str = ""
) -> TriageRuleSet:
    """Publish a new version of the triage rules (checked first); it applies to new reports."""
    from qorgau.intake.triage import validate_rules

    problems = validate_rules(rules)
    if problems:
        raise ActionRefused("; ".join(problems))
    latest = TriageRuleSet.objects.select_for_update().order_by("-version").first()
    row = TriageRuleSet.objects.create(
        version=(latest.version + 1) if latest else 1,
        rules=rules,
        note=note,
        created_by=acting_user,
    )
    audit_append(
        actor=acting_user,
        action="triage.publish",
        obj=row,
        details={"version": row.version, "rules": len(rules.get("rules", []))},
    )
    return row


def response_deadline(priority: str, since: datetime) -> datetime:
    return since + timedelta(hours=settings.QORGAU_RESPONSE_HOURS[priority])


def report_identifiers(report: Report, draft: ReportDraft | None = None) -> list[ids.Found]:
    """Every identifier of the other person: the structured fields, then the narrative's text."""
    suspect = report.suspect or {}
    found = [ids.normalise(i["kind"], i["value"]) for i in suspect.get("identifiers", [])]
    if suspect.get("name"):
        found.append(ids.normalise(ids.NAME, suspect["name"]))
    found.extend(ids.extract_from_text(report.narrative or ""))
    return ids.unique(found)


def _link_report(report: Report, draft: ReportDraft | None = None) -> LinkResult:
    suspect = report.suspect or {}
    return link_owner(
        owner_type=REPORT_OWNER,
        owner_id=report.pk,
        found=report_identifiers(report, draft),
        region=report.region,
        seen_at=report.created_at,
        names=[suspect["name"]] if suspect.get("name") else [],
    )


def _triage_input(report: Report, link: LinkResult | None) -> TriageInput:
    hours = (
        (report.created_at - report.occurred_at).total_seconds() / 3600
        if report.occurred_at
        else None
    )
    others = link.others if link else {}
    return TriageInput(
        category=report.category,
        narrative=report.narrative or "",
        child_age=report.child_age,
        hours_since=hours,
        linked_reports=others.get(REPORT_OWNER, 0),
        linked_offender=others.get(OFFENDER_OWNER, 0) > 0,
    )


def _apply_triage(
    report: Report, *, link: LinkResult | None, initial: bool = False
) -> TriageResult:
    """Set the priority the rules give; never lower one that an analyst raised or that was higher."""
    version, rules = triage_rules_current()
    result = evaluate(rules, _triage_input(report, link))
    if not initial and PRIORITIES.index(result.priority) > PRIORITIES.index(report.priority):
        return result  # triage only ever raises an existing priority
    if report.priority_by_analyst and PRIORITIES.index(result.priority) >= PRIORITIES.index(
        report.priority
    ):
        return result
    changed = initial or result.priority != report.priority
    deadline = response_deadline(result.priority, report.created_at if initial else timezone.now())
    if report.respond_by and not initial:
        deadline = min(report.respond_by, deadline)
    report.priority, report.priority_reasons = result.priority, result.reasons
    report.triage_version, report.respond_by = version, deadline
    Report.objects.filter(pk=report.pk).update(
        priority=report.priority,
        priority_reasons=report.priority_reasons,
        triage_version=version,
        respond_by=deadline,
    )
    if changed and not initial:
        _event(report, EventKind.TRIAGED, details={"priority": result.priority})
    if changed and result.priority == "P1":
        _notify_p1(report)
    return result


def _notify_p1(report: Report) -> None:
    """Alert the on-duty analysts in the same transaction; e-mails go through the queue on commit."""
    from qorgau.intake.notifications import notify_p1

    notify_p1(report=report)


def _subject_crossed_threshold(link: LinkResult, rules: dict[str, Any]) -> bool:
    """Whether the subject's other reports may now match a rule they did not: its report count just
    reached a rule's threshold, or subjects merged."""
    if link.merged:
        return True
    others = link.others.get(REPORT_OWNER, 0)
    thresholds = {
        r["min_linked_reports"] for r in rules.get("rules", []) if "min_linked_reports" in r
    }
    return others in thresholds


def _retriage_subject(link: LinkResult, *, exclude: int) -> None:
    """The subject grew: its other open reports may now deserve a higher priority."""
    from qorgau.linking.selectors import owner_ids_of_subject

    others = owner_ids_of_subject(subject=link.subject, owner_type=REPORT_OWNER, limit=50)
    for other in Report.objects.open().filter(pk__in=[i for i in others if i != exclude]):
        report_retriage(report=other)


def report_retriage(*, report: Report) -> TriageResult:
    """Re-run triage on one report (after a link grew its subject, or new rules); never lowers."""
    link = LinkResult(subject=None)
    from qorgau.linking.selectors import subject_for_owner
    from qorgau.linking.services import subject_owner_counts

    subject = subject_for_owner(owner_type=REPORT_OWNER, owner_id=report.pk)
    if subject is not None:
        link = LinkResult(
            subject=subject,
            others=subject_owner_counts(subject=subject, exclude=(REPORT_OWNER, report.pk)),
        )
    return _apply_triage(report, link=link)


# --- Follow-up through the receipt code -----------------------------------------------------------


class ReceiptRefused(Exception):
    """The code is wrong, or its report is locked after too many wrong attempts."""

    def __init__(self, message: str, *, locked: bool = False):
        super().__init__(message)
        self.locked = locked


def report_open_with_receipt(*, code_text: str) -> Report:
    """The report a receipt code opens. Wrong codes count against the report their first half names,
    which locks for an hour after five of them."""
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
            if report.receipt_failures:
                Report.objects.filter(pk=report.pk).update(receipt_failures=0)
            return report
    locked = False
    for report in candidates:
        if report.receipt_locked_until and report.receipt_locked_until > now:
            locked = True
            continue
        with transaction.atomic():
            failures = report.receipt_failures + 1
            if failures >= RECEIPT_MAX_FAILURES:
                Report.objects.filter(pk=report.pk).update(
                    receipt_failures=0, receipt_locked_until=now + RECEIPT_LOCK
                )
                _event(report, EventKind.RECEIPT_LOCKED)
                locked = True
            else:
                Report.objects.filter(pk=report.pk).update(receipt_failures=failures)
    if locked:
        raise ReceiptRefused(
            _("This report is locked for an hour after too many wrong codes. Try again later."),
            locked=True,
        )
    raise ReceiptRefused(_("We found no report with this code. Check the digits and try again."))


@transaction.atomic
def report_add_information(
    *, report: Report, text: str, files: list[evidence_files.IncomingFile]
) -> ReportMessage | None:
    """The reporter adds a message and/or files through the receipt code."""
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
        kind = evidence_files.sniff(item.content or b"")
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


def report_mark_read_by_reporter(*, report: Report) -> None:
    ReportMessage.objects.filter(
        report=report, author=MessageAuthor.STAFF, read_by_reporter_at__isnull=True
    ).update(read_by_reporter_at=timezone.now())


# --- Platforms ------------------------------------------------------------------------------------


@transaction.atomic
def platform_token_create(
    *, acting_user: User | None, platform_name: str
) -> tuple[PlatformToken, str]:
    """Create a platform (if new) and a token for it; the token is returned once, stored hashed."""
    platform, _created = Platform.objects.get_or_create(name=platform_name.strip())
    prefix = secrets.token_hex(6)
    token = f"{PLATFORM_TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    row = PlatformToken.objects.create(
        platform=platform, prefix=prefix, digest=hashlib.sha256(token.encode()).hexdigest()
    )
    audit_append(
        actor=acting_user,
        action="platform_token.create",
        obj=row,
        details={"platform_id": platform.pk, "prefix": prefix},
    )
    return row, token


_PLATFORM_TOKEN_SQL = """
SELECT t.id, t.last_used_at, p.id, p.name
FROM intake_platformtoken t JOIN intake_platform p ON p.id = t.platform_id
WHERE t.digest = %s AND t.revoked_at IS NULL AND p.is_active
"""


def platform_authenticate(*, token: str) -> Platform | None:
    if not token.startswith(PLATFORM_TOKEN_PREFIX) or len(token) > 200:
        return None
    digest = hashlib.sha256(token.encode()).hexdigest()
    # Every report through the API asks this, so it is one fixed statement on the unique digest
    # index (the ORM would rebuild the same query for each request).
    with connection.cursor() as cursor:
        cursor.execute(_PLATFORM_TOKEN_SQL, [digest])
        row = cursor.fetchone()
    if row is None:
        return None
    token_id, last_used_at, platform_id, platform_name = row
    if isinstance(last_used_at, str):  # SQLite hands a raw cursor the stored text
        last_used_at = datetime.fromisoformat(last_used_at)
    if last_used_at is not None and timezone.is_naive(last_used_at):
        last_used_at = timezone.make_aware(last_used_at, UTC)
    now = timezone.now()
    if last_used_at is None or now - last_used_at > timedelta(minutes=5):
        PlatformToken.objects.filter(pk=token_id).update(last_used_at=now)
    platform = Platform(pk=platform_id, name=platform_name, is_active=True)
    platform._state.adding = False  # a row of the database, read in part: never saved from here
    return platform


@transaction.atomic
def platform_token_revoke(*, acting_user: User | None, token: PlatformToken) -> None:
    if PlatformToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    ):
        audit_append(
            actor=acting_user,
            action="platform_token.revoke",
            obj=token,
            details={"prefix": token.prefix},
        )


# --- Staff side: messages and status --------------------------------------------------------------

TRANSITIONS: dict[str, set[str]] = {
    Status.RECEIVED: {Status.IN_REVIEW, Status.REFERRED, Status.CLOSED},
    Status.IN_REVIEW: {Status.REFERRED, Status.CLOSED},
    Status.REFERRED: {Status.IN_REVIEW, Status.CLOSED},
    Status.CLOSED: {Status.IN_REVIEW},
}


class TransitionConflict(Exception):
    pass


@transaction.atomic
def report_transition(
    *, report: Report, to_status: str, acting_user: User | None, reason: str = ""
) -> Report:
    """Move a report to another status: allowed moves only, and only from the status it still has."""
    from_status = report.status
    if to_status not in TRANSITIONS.get(from_status, set()):
        raise TransitionConflict(
            _("A report cannot go from “%(from)s” to “%(to)s”.")
            % {"from": Status(from_status).label, "to": Status(to_status).label}
        )
    now = timezone.now()
    updated = Report.objects.filter(pk=report.pk, status=from_status).update(
        status=to_status, status_changed_at=now, updated_at=now
    )
    if not updated:
        raise TransitionConflict(_("Someone else changed this report meanwhile. Reload the page."))
    report.status, report.status_changed_at = to_status, now
    _event(
        report,
        EventKind.STATUS,
        actor=acting_user,
        from_status=from_status,
        to_status=to_status,
        details={"reason": bool(reason)},
    )
    audit_append(
        actor=acting_user,
        action="report.status",
        obj=report,
        region=report.region,
        details={"from": from_status, "to": to_status},
    )
    return report


@transaction.atomic
def report_message_reporter(*, report: Report, acting_user: User, body: str) -> ReportMessage:
    """A message from the analyst to the reporter, read through the receipt code."""
    body = _text(body)
    if not body:
        raise ReportInvalid({"body": [_("Write the message first.")]})
    if len(body) > MESSAGE_MAX:
        raise ReportInvalid(
            {"body": [_("This is too long: at most %(max)d characters.") % {"max": MESSAGE_MAX}]}
        )
    message = ReportMessage.objects.create(
        report=report, author=MessageAuthor.STAFF, author_user=acting_user, body=body
    )
    _first_action(report)
    _event(report, EventKind.MESSAGE_FROM_STAFF, actor=acting_user)
    audit_append(actor=acting_user, action="report.message", obj=report, region=report.region)
    return message


def report_view_personal(*, report: Report, acting_user: User, fields: list[str]) -> None:
    """Record that a member of staff was shown the report's personal fields."""
    from qorgau.core.services import audit_personal_view

    audit_personal_view(actor=acting_user, obj=report, fields=fields, region=report.region)


def evidence_open(*, item: Evidence, acting_user: User) -> bytes:
    """Decrypt an evidence file for a deliberate download, and audit it."""
    if not item.has_content:
        raise Evidence.DoesNotExist
    content = evidence_files.read_decrypted(item.storage_name, item.data_key)
    audit_append(
        actor=acting_user,
        action="evidence.download",
        obj=item,
        region=item.report.region,
        details={"report": item.report.public_id, "sha256": item.sha256},
    )
    return content


# --- The analyst's actions ------------------------------------------------------------------------


class ActionRefused(Exception):
    """An action that cannot be done as asked; the message says why, in the user's language."""


def _first_action(report: Report) -> None:
    if report.first_action_at is None:
        report.first_action_at = timezone.now()
        Report.objects.filter(pk=report.pk, first_action_at__isnull=True).update(
            first_action_at=report.first_action_at
        )


def _require_reason(reason: str) -> str:
    reason = _text(reason)
    if not reason:
        raise ActionRefused(_("Give a reason."))
    if len(reason) > 1000:
        raise ActionRefused(_("The reason is too long: at most 1000 characters."))
    return reason


@transaction.atomic
def report_take(*, report: Report, acting_user: User) -> Report:
    """The analyst takes the report: it is theirs, and the reporter sees someone is on it."""
    Report.objects.filter(pk=report.pk).update(assigned_to=acting_user, updated_at=timezone.now())
    report.assigned_to = acting_user
    _first_action(report)
    _event(report, EventKind.TAKEN, actor=acting_user)
    if report.status == Status.RECEIVED:
        report_transition(report=report, to_status=Status.IN_REVIEW, acting_user=acting_user)
    audit_append(actor=acting_user, action="report.take", obj=report, region=report.region)
    return report


@transaction.atomic
def report_set_priority(*, report: Report, acting_user: User, priority: str, reason: str) -> Report:
    """An analyst sets the priority, with a reason; triage never lowers it afterwards."""
    if priority not in PRIORITIES:
        raise ActionRefused(_("Choose a priority from P1 to P4."))
    reason = _require_reason(reason)
    old = report.priority
    deadline = response_deadline(priority, timezone.now())
    if report.respond_by:
        deadline = (
            min(deadline, report.respond_by)
            if PRIORITIES.index(priority) < PRIORITIES.index(old)
            else deadline
        )
    Report.objects.filter(pk=report.pk).update(
        priority=priority, priority_by_analyst=True, respond_by=deadline, updated_at=timezone.now()
    )
    report.priority, report.priority_by_analyst, report.respond_by = priority, True, deadline
    _first_action(report)
    _event(report, EventKind.PRIORITY, actor=acting_user, details={"from": old, "to": priority})
    audit_append(
        actor=acting_user,
        action="report.priority",
        obj=report,
        region=report.region,
        details={"from": old, "to": priority},
    )
    if priority == "P1" and old != "P1":
        _notify_p1(report)
    return report


@transaction.atomic
def report_ask_more_information(*, report: Report, acting_user: User, body: str) -> ReportMessage:
    message = report_message_reporter(report=report, acting_user=acting_user, body=body)
    _event(report, EventKind.MORE_INFO, actor=acting_user)
    return message


@transaction.atomic
def report_link_subject(
    *, report: Report, acting_user: User, subject_public_id: str, reason: str
) -> None:
    """The analyst confirms that the report belongs to a subject (e.g. a name candidate)."""
    from qorgau.linking.selectors import subject_by_public_id
    from qorgau.linking.services import link_by_analyst

    subject = subject_by_public_id(public_id=subject_public_id.strip())
    if subject is None:
        raise ActionRefused(_("There is no subject with this number."))
    reason = _require_reason(reason)
    result = link_by_analyst(
        owner_type=REPORT_OWNER,
        owner_id=report.pk,
        subject=subject,
        acting_user=acting_user,
        region=report.region,
        reason=reason,
    )
    _first_action(report)
    _event(
        report, EventKind.LINKED, actor=acting_user, details={"subject": result.subject.public_id}
    )
    report_retriage(report=report)


@transaction.atomic
def report_unlink_identifier(*, report: Report, acting_user: User, identifier_id: int) -> None:
    from qorgau.linking.models import Identifier
    from qorgau.linking.services import unlink_owner

    identifier = Identifier.objects.filter(
        pk=identifier_id, uses__owner_type=REPORT_OWNER, uses__owner_id=report.pk
    ).first()
    if identifier is None:
        raise ActionRefused(_("This identifier is not on this report."))
    unlink_owner(
        owner_type=REPORT_OWNER, owner_id=report.pk, acting_user=acting_user, identifier=identifier
    )
    _event(report, EventKind.UNLINKED, actor=acting_user, details={"kind": identifier.kind})


@transaction.atomic
def report_mark_duplicate(*, report: Report, acting_user: User, original: Report) -> Report:
    if original.pk == report.pk:
        raise ActionRefused(_("A report cannot be a duplicate of itself."))
    Report.objects.filter(pk=report.pk).update(duplicate_of=original)
    report.duplicate_of = original
    _event(report, EventKind.DUPLICATE, actor=acting_user, details={"of": original.public_id})
    return report_close(
        report=report, acting_user=acting_user, reason=CloseReason.DUPLICATE, note=""
    )


@transaction.atomic
def report_refer(
    *, report: Report, acting_user: User, target: str, reason: str, region: Region | None = None
) -> Report:
    """Refer the report: to the police, a school, social services, a partner, or another region's queue."""
    if target not in ReferralTarget.values:
        raise ActionRefused(_("Choose where to refer the report."))
    reason = _require_reason(reason)
    _first_action(report)
    if target == ReferralTarget.REGION:
        if region is None or region.pk == report.region_id:
            raise ActionRefused(_("Choose another region."))
        old_region = report.region
        Report.objects.filter(pk=report.pk).update(
            region=region, assigned_to=None, updated_at=timezone.now()
        )
        report.region, report.assigned_to = region, None
        _event(
            report,
            EventKind.REFERRED,
            actor=acting_user,
            details={"to": target, "region": region.code},
        )
        audit_append(
            actor=acting_user,
            action="report.refer",
            obj=report,
            region=old_region,
            details={"to": target, "region": region.code},
        )
        return report
    Report.objects.filter(pk=report.pk).update(referred_to=target, updated_at=timezone.now())
    report.referred_to = target
    _event(report, EventKind.REFERRED, actor=acting_user, details={"to": target})
    audit_append(
        actor=acting_user,
        action="report.refer",
        obj=report,
        region=report.region,
        details={"to": target},
    )
    if report.status != Status.REFERRED:
        report_transition(
            report=report, to_status=Status.REFERRED, acting_user=acting_user, reason=reason
        )
    return report


@transaction.atomic
def report_close(*, report: Report, acting_user: User, reason: str, note: str = "") -> Report:
    """Close with a reason; an unfounded report is purged (with its files) after the retention period."""
    if reason not in CloseReason.values:
        raise ActionRefused(_("Choose why the report is closed."))
    _first_action(report)
    expires = None
    if reason == CloseReason.UNFOUNDED:
        expires = timezone.now() + timedelta(days=settings.QORGAU_RETENTION_DAYS_UNFOUNDED)
    report_transition(
        report=report, to_status=Status.CLOSED, acting_user=acting_user, reason=reason
    )
    Report.objects.filter(pk=report.pk).update(close_reason=reason, expires_at=expires)
    report.close_reason, report.expires_at = reason, expires
    _event(report, EventKind.CLOSED, actor=acting_user, details={"reason": reason})
    return report


@transaction.atomic
def report_record_case(*, report: Report, acting_user: User, registry_number: str) -> Report:
    """Record the pre-trial registry number of the criminal case opened on this report."""
    number = re.sub(r"\s", "", registry_number or "")
    if not number.isdigit() or not 6 <= len(number) <= 32:
        raise ActionRefused(_("The registry number is a string of 6 to 32 digits."))
    Report.objects.filter(pk=report.pk).update(
        case_registry_number=number, updated_at=timezone.now()
    )
    report.case_registry_number = number
    _first_action(report)
    _event(report, EventKind.CASE, actor=acting_user)
    audit_append(actor=acting_user, action="report.case", obj=report, region=report.region)
    if report.status != Status.REFERRED:
        report_transition(report=report, to_status=Status.REFERRED, acting_user=acting_user)
    return report


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
    """Delete closed unfounded reports past their retention, with their files; audit the count."""
    now = now or timezone.now()
    total = 0
    while True:
        ids_ = list(
            Report.objects.filter(
                status=Status.CLOSED, close_reason=CloseReason.UNFOUNDED, expires_at__lt=now
            ).values_list("pk", flat=True)[:batch]
        )
        if not ids_:
            break
        with transaction.atomic():
            names = list(
                Evidence.objects.filter(report_id__in=ids_)
                .exclude(storage_name="")
                .values_list("storage_name", flat=True)
            )
            _unlink_purged(ids_)
            Report.objects.filter(duplicate_of_id__in=ids_).update(duplicate_of=None)
            deleted = Report.objects.filter(pk__in=ids_).delete()[1].get("intake.Report", 0)
            transaction.on_commit(
                lambda names=names: evidence_files.remove(
                    [evidence_files.evidence_dir() / n for n in names]
                )
            )
        total += deleted
    if total:
        audit_append(actor=None, action="retention.purge", details={"reports": total})
    return total
