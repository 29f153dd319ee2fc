"""Submitting a report: storing it whole with its files, triage, linking, re-triage."""

from __future__ import annotations

import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.core.models import Region, User
from qorgau.core.permissions import require, service
from qorgau.core.rows import insert_row
from qorgau.core.services import audit_append
from qorgau.intake import evidence as evidence_files
from qorgau.intake import fingerprints, known_material, policies, receipts
from qorgau.intake.enums import EventKind, Perceptual, Source, Status
from qorgau.intake.known_material import KNOWN_MATERIAL, KNOWN_MATERIAL_LABEL
from qorgau.intake.models import Evidence, Report, TriageRuleSet
from qorgau.intake.services._common import OFFENDER_OWNER, REPORT_OWNER, ActionRefused, _event
from qorgau.intake.services.drafts import (
    ReportDraft,
    ReportInvalid,
    Submission,
    Submitter,
    validate,
)
from qorgau.intake.textforms import language_of, script_of
from qorgau.intake.triage import DEFAULT_RULES, PRIORITIES, TriageInput, TriageResult, evaluate
from qorgau.linking import identifiers as ids
from qorgau.linking.services import LinkResult, link_owner

if TYPE_CHECKING:
    from qorgau.linking.models import Subject

# --- Submitting -----------------------------------------------------------------------------------


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
            },
            conflict=True,
        )
    return Submission(report=existing, receipt_code=None, replayed=True)


def _refuse_an_outer_transaction() -> None:
    """A report is committed when `report_submit` returns: it must not run inside a transaction of
    its caller's, which could still roll the child's report back. (What `atomic(durable=True)`
    checks; the transactions a test case wraps around each test do not count.)"""
    blocks = transaction.get_connection().atomic_blocks
    if any(not getattr(block, "_from_testcase", False) for block in blocks):
        raise RuntimeError("report_submit commits by itself: call it outside any transaction")


def report_submit(
    *,
    draft: ReportDraft,
    submitter: Submitter,
    idempotency_key: str = "",
    digest: str = "",
) -> Submission:
    """Validate, triage and store a report whole, with its files, audit entry and timeline.

    Who may send one is `policies.SUBMIT_REPORT`: the public form and platforms always (no staff
    user, no query), staff by role; a member of staff's personal API token (`Source.STAFF`) also
    `policies.FILE_THROUGH_API`, in the region filed into (their own when none is named). Everything is on disk when this returns: the files are fsynced
    before the transaction commits, and the transaction (`_report_store`, the service) is committed
    before the caller answers. Around it, what a transaction cannot do for itself: the checks run
    before it (no write lock is held while files are read), files of an attempt that did not
    commit are removed, and the same idempotency key from the same submitter returns the first
    report, read once the attempt is rolled back, never a second one.
    """
    require(submitter.user, policies.SUBMIT_REPORT)
    if submitter.source == Source.STAFF:
        require(submitter.user, policies.FILE_THROUGH_API)
    _refuse_an_outer_transaction()
    idempotency_key = (idempotency_key or "").strip()[:200]
    clean, errors = validate(draft)
    if errors:
        raise ReportInvalid(errors)
    if submitter.source == Source.STAFF:
        clean["region"] = _filing_region(submitter.user, clean["region"])
    report, code = _new_report(clean, submitter, idempotency_key, digest)
    written: list[Path] = []
    try:
        submission = _report_store(
            report=report,
            receipt_code=code,
            clean=clean,
            submitter=submitter,
            written=written,
        )
        submission.notes = clean["notes"]
        return submission
    except IntegrityError:
        evidence_files.remove(written)
        # A repeated key is found by the unique constraint at insert, not by a query per report.
        if idempotency_key:
            replay = _replay(submitter.idempotency_scope, idempotency_key, digest)
            if replay is not None:
                return replay
        raise
    except BaseException:
        evidence_files.remove(written)
        raise


def _filing_region(user: User | None, region: Region | None) -> Region:
    """The region a member of staff files a report into through the API: the one named, or else
    their own; refused (404) unless `policies.FILE_THROUGH_API` lets them act in it."""
    region = region if region is not None else getattr(user, "region", None)
    # (no region at all: an unsaved Region is in nobody's scope)
    target = region if region is not None else Region()
    require(user, policies.FILE_THROUGH_API, target)
    return target


def _new_report(
    clean: dict[str, Any], submitter: Submitter, idempotency_key: str, digest: str
) -> tuple[Report, str | None]:
    """The report, not saved yet, and its receipt code (the public form's reports have one): made
    before the transaction, as hashing the code takes a while."""
    now = timezone.now()
    code = receipts.new_code() if submitter.source in (Source.WEB, Source.WIDGET) else None
    report = Report(
        source=submitter.source,
        platform=submitter.platform,
        submitted_by=submitter.user,
        idempotency_scope=submitter.idempotency_scope if idempotency_key else "",
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
    return report, code


@service
def _report_store(
    *,
    report: Report,
    receipt_code: str | None,
    clean: dict[str, Any],
    submitter: Submitter,
    written: list[Path],
) -> Submission:
    """The transaction of `report_submit`: the report, its files (their paths added to `written`),
    its links and triage, its timeline and its audit entry."""
    require(submitter.user, policies.SUBMIT_REPORT)
    # triage on the report itself first; links found below may only raise it
    version, rules = triage_rules_current()
    first = _evaluate(rules, report, None)
    report.priority, report.priority_reasons = first.priority, first.reasons
    report.triage_version = version
    report.text_language = language_of(report.narrative or "")
    report.text_script = script_of(report.narrative or "")
    report.respond_by = response_deadline(first.priority, report.created_at)
    insert_row(report)
    stored: list[Evidence] = []
    written.extend(_store_files(report, clean["files"], clean["sniffed"], later=False, rows=stored))
    if stored and known_material.match_exact(stored):
        # a file on a known-hash list: P1 before anyone opens it, whatever the rules said
        report.known_material = True
        first = _known_material_floor(first)
        report.priority, report.priority_reasons = first.priority, first.reasons
        report.respond_by = response_deadline(first.priority, report.created_at)
        Report.objects.filter(pk=report.pk).update(
            known_material=True,
            priority=report.priority,
            priority_reasons=report.priority_reasons,
            respond_by=report.respond_by,
        )
    link = _link_report(report, stored)
    if link.others:
        _apply_triage(report, link=link, initial=True)
        _alert_linked(report, link)
    elif report.priority == "P1":
        _notify_p1(report)
    if link.subject is not None and _subject_crossed_threshold(link, rules):
        _retriage_subject(link.subject, exclude=report.pk)
    _event(report, EventKind.SUBMITTED, to_status=Status.RECEIVED)
    fingerprints.enqueue_on_commit(stored)
    audit_append(
        actor=submitter.user,
        action="report.submit",
        obj=report,
        region=report.region,
        details={
            "source": submitter.source,
            "platform_id": submitter.platform.pk if submitter.platform else None,
            "priority": report.priority,
            "files": len(clean["files"]),
        },
    )
    return Submission(report=report, receipt_code=receipt_code)


def _store_files(
    report: Report,
    files: list[evidence_files.IncomingFile],
    kinds: list[str | None],
    *,
    later: bool,
    rows: list[Evidence] | None = None,
) -> list[Path]:
    """Write the files (encrypted, fsynced) and their rows; `rows` gets the rows. The hashes are
    computed in the same pass as the encryption."""
    written: list[Path] = []
    for item, kind in zip(files, kinds, strict=True):
        row = Evidence(
            report=report,
            filename=item.filename[:255] or None,
            sha256=(item.sha256 or "").lower(),
            added_by_reporter_later=later,
        )
        if item.has_content:
            storage_name, data_key = evidence_files.new_storage()
            written.append(
                evidence_files.write_encrypted(item.hashing_chunks(), data_key, storage_name)
            )
            row.storage_name = storage_name
            row.data_key = data_key
            row.size = item.size
            row.content_type = kind or ""
            hashes = item.hashes()
            row.sha256, row.md5, row.sha1 = hashes["sha256"], hashes["md5"], hashes["sha1"]
            row.perceptual = fingerprints.status_for(row.content_type)
            if row.perceptual == Perceptual.PENDING:
                row.perceptual_queued_at = timezone.now()
        row.save(force_insert=True)
        if rows is not None:
            rows.append(row)
    return written


def files_added(report: Report, stored: list[Evidence]) -> None:
    """Files the reporter added later, in the same transaction: their hashes link the report
    like its first files', a file on a known-hash list makes it P1, and pictures and videos are
    fingerprinted after the commit."""
    found = [f for row in stored for f in ids.of_file(sha256=row.sha256, md5=row.md5)]
    if found:
        link = link_owner(
            owner_type=REPORT_OWNER,
            owner_id=report.pk,
            found=found,
            region=report.region,
            new_owner=False,
        )
        if link.others:
            _apply_triage(report, link=link)
    if known_material.match_exact(stored):
        known_material.mark_reports([report.pk])
    fingerprints.enqueue_on_commit(stored)


# --- Triage and linking --------------------------------------------------------------------------

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


@service
def triage_rules_publish(
    *, acting_user: User | None, rules: dict[str, Any], note: str = ""
) -> TriageRuleSet:
    """Publish a new version of the triage rules (checked first); it applies to new reports."""
    from qorgau.intake.triage import validate_rules

    require(acting_user, policies.PUBLISH_TRIAGE_RULES)
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


def report_identifiers(
    report: Report, draft: ReportDraft | None = None, files: list[Evidence] | None = None
) -> list[ids.Found]:
    """Every identifier of the other person: the structured fields, the narrative's text, and
    the evidence files' hashes (`files`: the report's, when given)."""
    suspect = report.suspect or {}
    found = [ids.normalise(i["kind"], i["value"]) for i in suspect.get("identifiers", [])]
    if suspect.get("name"):
        found.append(ids.normalise(ids.NAME, suspect["name"]))
    found.extend(ids.extract_from_text(report.narrative or ""))
    for row in files or ():
        found.extend(ids.of_file(sha256=row.sha256, md5=row.md5))
    return ids.unique(found)


def _link_report(report: Report, files: list[Evidence] | None = None) -> LinkResult:
    suspect = report.suspect or {}
    return link_owner(
        owner_type=REPORT_OWNER,
        owner_id=report.pk,
        found=report_identifiers(report, files=files),
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


def _evaluate(rules: dict[str, Any], report: Report, link: LinkResult | None) -> TriageResult:
    """The rules' triage, with one floor no rule set can remove: a report whose file is on a
    known-hash list is P1 ("known abuse material"), first among its reasons."""
    result = evaluate(rules, _triage_input(report, link))
    return _known_material_floor(result) if report.known_material else result


def _known_material_floor(result: TriageResult) -> TriageResult:
    reason = {"code": KNOWN_MATERIAL, "priority": "P1", "label": KNOWN_MATERIAL_LABEL}
    others = [r for r in result.reasons if r.get("code") != KNOWN_MATERIAL]
    return TriageResult(
        priority="P1",
        reasons=[reason, *others],
        age=result.age,
        age_from_text=result.age_from_text,
    )


def _apply_triage(
    report: Report, *, link: LinkResult | None, initial: bool = False
) -> TriageResult:
    """Set the priority the rules give; never lower one that an analyst raised or that was higher."""
    version, rules = triage_rules_current()
    result = _evaluate(rules, report, link)
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


def _alert_linked(report: Report, link: LinkResult) -> None:
    """It links to a supervised offender, an inmate, a case suspect: tell whoever keeps them."""
    from qorgau.intake.linked import alert_linked

    alert_linked(report=report, link=link)


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


def _retriage_subject(subject: Subject, *, exclude: int) -> None:
    """The subject grew: its other open reports may now deserve a higher priority."""
    from qorgau.linking.selectors import owner_ids_of_subject

    others = owner_ids_of_subject(subject=subject, owner_type=REPORT_OWNER, limit=50)
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
