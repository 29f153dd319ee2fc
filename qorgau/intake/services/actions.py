"""The staff side: status transitions, messages to the reporter and the analyst's actions."""

from __future__ import annotations

import re
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.core.alerts import close_alerts
from qorgau.core.errors import Conflict
from qorgau.core.models import Region, User
from qorgau.core.permissions import may, refuse, require, service
from qorgau.core.services import audit_append, audit_personal_view
from qorgau.core.transitions import Transitions, transition
from qorgau.intake import evidence as evidence_files
from qorgau.intake import policies
from qorgau.intake.alerts import DEADLINE_KIND, P1_KIND
from qorgau.intake.enums import CloseReason, EventKind, MessageAuthor, ReferralTarget, Status
from qorgau.intake.models import Evidence, Report, ReportMessage
from qorgau.intake.services._common import REPORT_OWNER, ActionRefused, _event, _text
from qorgau.intake.services.drafts import MESSAGE_MAX, REASON_MAX, ReportInvalid
from qorgau.intake.services.submit import _notify_p1, report_retriage, response_deadline
from qorgau.intake.triage import PRIORITIES

# --- Staff side: messages and status --------------------------------------------------------------


def _status_event(
    report: Report, from_status: str, to_status: str, actor: User | None, reason: str
) -> None:
    """The timeline's line for a status move (whether a reason was given, never the reason)."""
    _event(
        report,
        EventKind.STATUS,
        actor=actor,
        from_status=from_status,
        to_status=to_status,
        details={"reason": bool(reason)},
    )


# The report's allowed status moves; `transition()` writes the timeline event and the audit entry.
TRANSITIONS = Transitions(
    {
        Status.RECEIVED: {Status.IN_REVIEW, Status.REFERRED, Status.CLOSED},
        Status.IN_REVIEW: {Status.REFERRED, Status.CLOSED},
        Status.REFERRED: {Status.IN_REVIEW, Status.CLOSED},
        Status.CLOSED: {Status.IN_REVIEW},
    },
    action="report.status",
    changed_at="status_changed_at",
    labels=Status,
    event=_status_event,
)


class TransitionConflict(Conflict):
    """A status move the table does not allow, or one from a status the report no longer has."""


@service
def report_transition(
    *, report: Report, to_status: str, acting_user: User | None, reason: str = ""
) -> Report:
    """Move a report to another status: allowed moves only, and only from the status it still has."""
    require(acting_user, policies.CHANGE_STATUS, report)
    return _move(report, to_status, acting_user, reason)


def _move(report: Report, to_status: str, acting_user: User | None, reason: str = "") -> Report:
    """The status move of an action whose policy was checked (take, refer, close, a case)."""
    if not TRANSITIONS.allows(report.status, to_status):
        raise TransitionConflict(
            _("A report cannot go from “%(from)s” to “%(to)s”.")
            % {"from": TRANSITIONS.label(report.status), "to": TRANSITIONS.label(to_status)}
        )
    try:
        return transition(
            report, to=to_status, table=TRANSITIONS, acting_user=acting_user, reason=reason
        )
    except Conflict as exc:
        raise TransitionConflict(
            _("Someone else changed this report meanwhile. Reload the page.")
        ) from exc


def _message(report: Report, acting_user: User, body: str) -> ReportMessage:
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


@service
def report_message_reporter(*, report: Report, acting_user: User, body: str) -> ReportMessage:
    """A message from the analyst to the reporter, read through the receipt code."""
    require(acting_user, policies.MESSAGE_REPORTER, report)
    return _message(report, acting_user, body)


@service
def report_view_personal(*, report: Report, acting_user: User, fields: list[str]) -> None:
    """Record that a member of staff was shown the report's personal fields."""
    require(acting_user, policies.VIEW_PERSONAL, report)
    audit_personal_view(actor=acting_user, obj=report, fields=fields, region=report.region)


@service
def reports_view_first_lines(*, reports: list[Report], acting_user: User) -> list[Report]:
    """The queue shows the first line of each narrative the user may read (VIEW_PERSONAL): those
    reports, one audit entry for the page (which reports, never what they say)."""
    readable = [r for r in reports if may(acting_user, policies.VIEW_PERSONAL, r)]
    audit_append(
        actor=acting_user,
        action="personal.view",
        object_type="intake.report",
        region=acting_user.region,
        details={"fields": ["narrative.first_line"], "reports": [r.public_id for r in readable]},
    )
    return readable


@service
def evidence_open(*, item: Evidence, acting_user: User) -> bytes:
    """Decrypt an evidence file for a deliberate download, and audit it."""
    require(acting_user, policies.DOWNLOAD_EVIDENCE, item)
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


def _first_action(report: Report) -> None:
    if report.first_action_at is None:
        report.first_action_at = timezone.now()
        Report.objects.filter(pk=report.pk, first_action_at__isnull=True).update(
            first_action_at=report.first_action_at
        )
    # Someone has it: its alerts climb no further.
    for kind in (P1_KIND, DEADLINE_KIND):
        close_alerts(kind=kind, object_ref=report.public_id)


def _require_reason(reason: str) -> str:
    reason = _text(reason)
    if not reason:
        raise ActionRefused(_("Give a reason."))
    if len(reason) > REASON_MAX:
        raise ActionRefused(_("The reason is too long: at most 1000 characters."))
    return reason


@service
def report_take(*, report: Report, acting_user: User) -> Report:
    """The analyst takes the report: it is theirs, and the reporter sees someone is on it."""
    require(acting_user, policies.TAKE_REPORT, report)
    Report.objects.filter(pk=report.pk).update(assigned_to=acting_user, updated_at=timezone.now())
    report.assigned_to = acting_user
    _first_action(report)
    _event(report, EventKind.TAKEN, actor=acting_user)
    if report.status == Status.RECEIVED:
        _move(report, Status.IN_REVIEW, acting_user)
    audit_append(actor=acting_user, action="report.take", obj=report, region=report.region)
    return report


@service
def report_set_priority(*, report: Report, acting_user: User, priority: str, reason: str) -> Report:
    """An analyst sets the priority, with a reason; triage never lowers it afterwards."""
    require(acting_user, policies.SET_PRIORITY, report)
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


@service
def report_ask_more_information(*, report: Report, acting_user: User, body: str) -> ReportMessage:
    """A message to the reporter that asks for more: the reporter's timeline says so."""
    require(acting_user, policies.ASK_MORE_INFORMATION, report)
    message = _message(report, acting_user, body)
    _event(report, EventKind.MORE_INFO, actor=acting_user)
    return message


@service
def report_link_subject(
    *, report: Report, acting_user: User, subject_public_id: str, reason: str
) -> None:
    """The analyst confirms that the report belongs to a subject (e.g. a name candidate): one whose
    page they may open. Any other subject is as if it did not exist (404, audited): linking to it
    would open its identifiers and regions to them."""
    from qorgau.intake.selectors import subject_visible_to
    from qorgau.linking.selectors import subject_by_public_id
    from qorgau.linking.services import link_by_analyst

    require(acting_user, policies.LINK_SUBJECT, report)
    subject = subject_by_public_id(public_id=subject_public_id.strip())
    if subject is None or not subject_visible_to(user=acting_user, subject=subject):
        refuse(
            acting_user,
            policies.LINK_SUBJECT,
            subject,
            message=_("There is no subject with this number that you may see."),
        )
    reason = _require_reason(reason)
    result = link_by_analyst(
        owner_type=REPORT_OWNER,
        owner_id=report.pk,
        subject=subject,
        acting_user=acting_user,
        region=report.region,
        reason=reason,
    )
    assert result.subject is not None  # link_by_analyst always ties the owner to a subject
    _first_action(report)
    _event(
        report, EventKind.LINKED, actor=acting_user, details={"subject": result.subject.public_id}
    )
    report_retriage(report=report)
    from qorgau.intake.linked import alert_linked_by_analyst

    alert_linked_by_analyst(report=report, subject=result.subject)


@service
def report_unlink_identifier(*, report: Report, acting_user: User, identifier_id: int) -> None:
    """The analyst removes an identifier wrongly taken from the report (linking audits it)."""
    from qorgau.linking.models import Identifier
    from qorgau.linking.services import unlink_owner

    require(acting_user, policies.REMOVE_LINK, report)
    identifier = Identifier.objects.filter(
        pk=identifier_id, uses__owner_type=REPORT_OWNER, uses__owner_id=report.pk
    ).first()
    if identifier is None:
        raise ActionRefused(_("This identifier is not on this report."))
    unlink_owner(
        owner_type=REPORT_OWNER, owner_id=report.pk, acting_user=acting_user, identifier=identifier
    )
    _event(report, EventKind.UNLINKED, actor=acting_user, details={"kind": identifier.kind})


@service
def report_mark_duplicate(*, report: Report, acting_user: User, original: Report) -> Report:
    """Close the report as a duplicate of another the analyst may act on."""
    require(acting_user, policies.MARK_DUPLICATE, report)
    require(acting_user, policies.MARK_DUPLICATE, original)
    if original.pk == report.pk:
        raise ActionRefused(_("A report cannot be a duplicate of itself."))
    Report.objects.filter(pk=report.pk).update(duplicate_of=original)
    report.duplicate_of = original
    _event(report, EventKind.DUPLICATE, actor=acting_user, details={"of": original.public_id})
    return _close(report, acting_user, CloseReason.DUPLICATE)


@service
def report_refer(
    *, report: Report, acting_user: User, target: str, reason: str, region: Region | None = None
) -> Report:
    """Refer the report: to the police, a school, social services, a partner, or another region's queue."""
    require(acting_user, policies.REFER_REPORT, report)
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
        _move(report, Status.REFERRED, acting_user, reason)
    return report


@service
def report_close(*, report: Report, acting_user: User, reason: str, note: str = "") -> Report:
    """Close with a reason; an unfounded report is purged (with its files) after the retention period."""
    require(acting_user, policies.CLOSE_REPORT, report)
    if reason not in CloseReason.values:
        raise ActionRefused(_("Choose why the report is closed."))
    return _close(report, acting_user, reason)


def _close(report: Report, acting_user: User, reason: str) -> Report:
    _first_action(report)
    expires = None
    if reason == CloseReason.UNFOUNDED:
        expires = timezone.now() + timedelta(days=settings.QORGAU_RETENTION_DAYS_UNFOUNDED)
    _move(report, Status.CLOSED, acting_user, reason)
    Report.objects.filter(pk=report.pk).update(close_reason=reason, expires_at=expires)
    report.close_reason, report.expires_at = reason, expires
    _event(report, EventKind.CLOSED, actor=acting_user, details={"reason": reason})
    return report


@service
def report_record_case(*, report: Report, acting_user: User | None, registry_number: str) -> Report:
    """Record the pre-trial registry number of the criminal case opened on this report."""
    require(acting_user, policies.RECORD_CASE, report)
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
        _move(report, Status.REFERRED, acting_user)
    return report
