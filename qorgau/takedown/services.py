"""Every write of requests to platforms: drafting one from a report or a subject, the moves of its
status with their dates, its deadline and the platform's reference, and the audited export of the
evidence hashes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.core.alerts import close_alerts
from qorgau.core.errors import Conflict, InvalidInput, ServiceError
from qorgau.core.models import Region, User
from qorgau.core.permissions import refuse, require, service
from qorgau.core.services import audit_append
from qorgau.core.transitions import transition
from qorgau.intake.models import Report
from qorgau.linking.models import Subject
from qorgau.takedown import policies, selectors
from qorgau.takedown.alerts import PRESERVATION_OVERDUE_KIND, REMOVAL_OVERDUE_KIND
from qorgau.takedown.enums import (
    STATUS_DATE_FIELDS,
    EventKind,
    Platform,
    RequestKind,
    RequestStatus,
)
from qorgau.takedown.models import TAKEDOWN_STATUS, TakedownEvent, TakedownRequest

TARGETS_MAX_LINES = 100
TARGET_MAX_LENGTH = 500
PLATFORM_NAME_MAX = 80
REFERENCE_MAX = 100


@dataclass
class RequestInput:
    platform: str
    kind: str
    targets: str
    platform_name: str = ""
    # Preservation only; None: QORGAU_TAKEDOWN_PRESERVATION_DAYS from the day it is sent.
    legal_deadline: date | None = None


def _clean(data: RequestInput) -> dict[str, Any]:
    errors: dict[str, list[str]] = {}
    if data.platform not in Platform.values:
        errors["platform"] = [_("Choose the platform.")]
    name = " ".join((data.platform_name or "").split())
    if data.platform == Platform.OTHER and not name:
        errors["platform_name"] = [_("Name the platform.")]
    elif len(name) > PLATFORM_NAME_MAX:
        errors["platform_name"] = [
            _("This is too long: at most %(max)d characters.") % {"max": PLATFORM_NAME_MAX}
        ]
    if data.kind not in RequestKind.values:
        errors["kind"] = [_("Choose what the platform is asked to do.")]
    lines = [line.strip() for line in (data.targets or "").splitlines() if line.strip()]
    if not lines:
        errors["targets"] = [_("Write the URLs or accounts, one per line.")]
    elif len(lines) > TARGETS_MAX_LINES:
        errors["targets"] = [
            _("At most %(max)d URLs or accounts in one request.") % {"max": TARGETS_MAX_LINES}
        ]
    elif any(len(line) > TARGET_MAX_LENGTH for line in lines):
        errors["targets"] = [
            _("A line is too long: at most %(max)d characters.") % {"max": TARGET_MAX_LENGTH}
        ]
    deadline = data.legal_deadline if data.kind == RequestKind.PRESERVATION else None
    if deadline is not None and deadline < timezone.localdate():
        errors["legal_deadline"] = [_("This date has passed.")]
    if errors:
        raise InvalidInput(errors)
    return {
        "platform": data.platform,
        "platform_name": name if data.platform == Platform.OTHER else "",
        "kind": data.kind,
        "targets": "\n".join(lines),
        "legal_deadline": deadline,
    }


def _create(
    *, acting_user: User, region: Region, data: RequestInput, **source: Any
) -> TakedownRequest:
    request = TakedownRequest(
        region=region,
        created_by=acting_user,
        status=RequestStatus.DRAFTED,
        status_changed_at=timezone.now(),
        **_clean(data),
        **source,
    )
    try:
        request.full_clean()
    except ValidationError as exc:
        raise ServiceError(" ".join(exc.messages)) from exc
    request.save(force_insert=True)
    TakedownEvent.objects.create(
        request=request,
        created_at=request.created_at,
        kind=EventKind.CREATED,
        actor=acting_user,
        to_status=RequestStatus.DRAFTED,
    )
    audit_append(
        actor=acting_user,
        action="takedown.create",
        obj=request,
        region=region,
        details={
            "kind": request.kind,
            "platform": request.platform,
            "targets": len(request.target_lines),  # how many, never which
            "report": request.report.public_id if request.report else None,
            "subject": request.subject.public_id if request.subject else None,
        },
    )
    return request


@service
def takedown_from_report(
    *, acting_user: User, report: Report, data: RequestInput
) -> TakedownRequest:
    """An analyst (or the chief) of the report's region drafts a request to a platform from it."""
    require(acting_user, policies.REQUEST_FROM_REPORT, report)
    assert report.region is not None  # OWN_REGION let it in: it has the user's region
    return _create(acting_user=acting_user, region=report.region, data=data, report=report)


@service
def takedown_from_subject(
    *, acting_user: User, subject: Subject, data: RequestInput
) -> TakedownRequest:
    """An analyst (or the chief) drafts a request about a subject, for their own region: the
    subject must have a report of that region (else 404, as if it did not exist for them)."""
    region = acting_user.region
    require(acting_user, policies.REQUEST_FROM_SUBJECT, region)
    assert region is not None
    if not selectors.subject_report_ids(subject=subject, region_id=region.pk):
        refuse(acting_user, policies.REQUEST_FROM_SUBJECT, subject, reason="scope")
    return _create(acting_user=acting_user, region=region, data=data, subject=subject)


def _ref(request: TakedownRequest) -> str:
    """The overdue alert's object: a preservation's deadline is part of it, so a deadline
    extended and missed again alerts again."""
    if request.kind == RequestKind.PRESERVATION:
        deadline = request.legal_deadline.isoformat() if request.legal_deadline else ""
        return f"{request.pk}:{deadline}"
    return str(request.pk)


def _move(
    request: TakedownRequest,
    *,
    to: str,
    acting_user: User,
    reference: str = "",
    updates: dict[str, Any] | None = None,
) -> TakedownRequest:
    reference = _clean_reference(reference)
    values: dict[str, Any] = {STATUS_DATE_FIELDS[RequestStatus(to)]: timezone.now()}
    if reference:
        values["platform_reference"] = reference
    values.update(updates or {})
    deadline = values.get("legal_deadline", request.legal_deadline)
    transition(
        request,
        to=to,
        table=TAKEDOWN_STATUS,
        acting_user=acting_user,
        updates=values,
        details={
            "reference": bool(reference),  # whether one was recorded, never which
            "deadline_on": deadline.isoformat() if deadline else None,
        },
        region=request.region,
    )
    if to != RequestStatus.SENT:
        # the platform answered: what the alert was about is dealt with
        kind = (
            PRESERVATION_OVERDUE_KIND
            if request.kind == RequestKind.PRESERVATION
            else REMOVAL_OVERDUE_KIND
        )
        close_alerts(kind=kind, object_ref=_ref(request))
    return request


def _clean_reference(reference: str) -> str:
    reference = " ".join((reference or "").split())
    if len(reference) > REFERENCE_MAX:
        raise InvalidInput(
            {
                "reference": [
                    _("This is too long: at most %(max)d characters.") % {"max": REFERENCE_MAX}
                ]
            }
        )
    return reference


@service
def takedown_send(
    *, acting_user: User, request: TakedownRequest, reference: str = ""
) -> TakedownRequest:
    """Record that the request was sent to the platform (now). A preservation without a deadline
    gets QORGAU_TAKEDOWN_PRESERVATION_DAYS from today."""
    require(acting_user, policies.SEND_REQUEST, request)
    updates: dict[str, Any] = {}
    if request.kind == RequestKind.PRESERVATION and request.legal_deadline is None:
        updates["legal_deadline"] = timezone.localdate() + timedelta(
            days=settings.QORGAU_TAKEDOWN_PRESERVATION_DAYS
        )
    return _move(
        request,
        to=RequestStatus.SENT,
        acting_user=acting_user,
        reference=reference,
        updates=updates,
    )


@service
def takedown_acknowledge(
    *, acting_user: User, request: TakedownRequest, reference: str = ""
) -> TakedownRequest:
    """The platform confirmed it received the request (often with its own reference number)."""
    require(acting_user, policies.RECORD_ANSWER, request)
    return _move(
        request, to=RequestStatus.ACKNOWLEDGED, acting_user=acting_user, reference=reference
    )


@service
def takedown_complete(
    *, acting_user: User, request: TakedownRequest, reference: str = ""
) -> TakedownRequest:
    """The platform did it: the data is kept, or the content is down."""
    require(acting_user, policies.RECORD_ANSWER, request)
    return _move(request, to=RequestStatus.DONE, acting_user=acting_user, reference=reference)


@service
def takedown_refuse(
    *, acting_user: User, request: TakedownRequest, reference: str = ""
) -> TakedownRequest:
    """The platform refused the request."""
    require(acting_user, policies.RECORD_ANSWER, request)
    return _move(request, to=RequestStatus.REFUSED, acting_user=acting_user, reference=reference)


@service
def takedown_deadline_set(
    *, acting_user: User, request: TakedownRequest, deadline: date
) -> TakedownRequest:
    """Change a preservation's legal deadline (an extension the platform agreed to, or the date
    the law gives), while the request is not final."""
    require(acting_user, policies.SET_DEADLINE, request)
    if request.kind != RequestKind.PRESERVATION:
        raise InvalidInput({"deadline": [_("Only a preservation request has a deadline.")]})
    if request.is_final:
        raise Conflict(_("This request is closed: its deadline no longer changes."))
    if deadline < timezone.localdate():
        raise InvalidInput({"deadline": [_("This date has passed.")]})
    old = request.legal_deadline
    if old == deadline:
        raise InvalidInput({"deadline": [_("This is already the deadline.")]})
    updated = TakedownRequest.objects.filter(
        pk=request.pk, status=request.status, legal_deadline=old
    ).update(legal_deadline=deadline, updated_at=timezone.now())
    if not updated:
        raise Conflict()
    request.legal_deadline = deadline
    changes = {"from": old.isoformat() if old else None, "to": deadline.isoformat()}
    TakedownEvent.objects.create(
        request=request,
        created_at=timezone.now(),
        kind=EventKind.DEADLINE,
        actor=acting_user,
        details=changes,
    )
    audit_append(
        actor=acting_user,
        action="takedown.deadline",
        obj=request,
        region=request.region,
        details=changes,
    )
    return request


@service
def takedown_reference_set(
    *, acting_user: User, request: TakedownRequest, reference: str
) -> TakedownRequest:
    """Record the platform's reference number of a request it was sent."""
    require(acting_user, policies.SET_REFERENCE, request)
    reference = _clean_reference(reference)
    if not reference:
        raise InvalidInput({"reference": [_("Write the platform's reference number.")]})
    if request.status == RequestStatus.DRAFTED:
        raise Conflict(_("Send the request first: the platform gives its number then."))
    TakedownRequest.objects.filter(pk=request.pk).update(
        platform_reference=reference, updated_at=timezone.now()
    )
    request.platform_reference = reference
    TakedownEvent.objects.create(
        request=request, created_at=timezone.now(), kind=EventKind.REFERENCE, actor=acting_user
    )
    audit_append(
        actor=acting_user,
        action="takedown.reference",
        obj=request,
        region=request.region,
        details={"reference": True},
    )
    return request


@service
def takedown_hashes_export(*, acting_user: User, request: TakedownRequest) -> list[tuple[str, ...]]:
    """The rows of the CSV a platform loads into its matching: the hashes of the evidence of the
    request's report (or of the subject's reports of its region) and the reports' public ids. No
    file leaves Qorgau; the download is audited (how many rows, never which)."""
    require(acting_user, policies.EXPORT_HASHES, request)
    rows = selectors.takedown_hash_rows(request=request)
    audit_append(
        actor=acting_user,
        action="takedown.hashes_export",
        obj=request,
        region=request.region,
        details={"rows": len(rows), "reports": len({row[-1] for row in rows})},
    )
    return rows
