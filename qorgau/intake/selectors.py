"""Every read of the Red Button that a page or the API needs, scoped to the reader."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from qorgau.core.models import User
from qorgau.intake.enums import EventKind, MessageAuthor
from qorgau.intake.models import Evidence, Platform, Report, ReportEvent, ReportMessage

# What the reporter sees of the timeline (the rest is for staff).
REPORTER_EVENTS = [
    EventKind.SUBMITTED,
    EventKind.STATUS,
    EventKind.MESSAGE_FROM_REPORTER,
    EventKind.MESSAGE_FROM_STAFF,
    EventKind.EVIDENCE_ADDED,
]


def report_list_for_user(
    *, user: User, status: str | None = None, priority: str | None = None
) -> QuerySet[Report]:
    """The reports a member of staff may see (their region's queue; the central office all)."""
    qs = Report.objects.visible_to(user).select_related("region", "platform")
    if status:
        qs = qs.filter(status=status)
    if priority:
        qs = qs.filter(priority=priority)
    return qs.annotate(evidence_count=Count("evidence")).order_by("priority", "created_at")


def report_get_for_user(*, user: User, public_id: str) -> Report:
    """One report, or 404 when it does not exist or is outside the user's region or role."""
    report = (
        Report.objects.visible_to(user)
        .select_related("region", "platform", "submitted_by")
        .filter(public_id=public_id)
        .first()
    )
    if report is None:
        raise Http404
    return report


def report_get_for_platform(*, platform: Platform, public_id: str) -> Report:
    report = Report.objects.filter(platform=platform, public_id=public_id).first()
    if report is None:
        raise Http404
    return report


def report_get_for_submitter(
    *, platform: Platform | None, user: User | None, public_id: str
) -> Report:
    """A report as an API caller may read it: a platform its own, staff what they may see or sent."""
    if platform is not None:
        return report_get_for_platform(platform=platform, public_id=public_id)
    assert user is not None
    report = (
        Report.objects.filter(public_id=public_id)
        .filter(Q(pk__in=Report.objects.visible_to(user).values("pk")) | Q(submitted_by=user))
        .first()
    )
    if report is None:
        raise Http404
    return report


def report_get_by_pk(*, pk: int) -> Report | None:
    """For the reporter's own session (opened with the receipt code): no staff scoping applies."""
    return Report.objects.select_related("region").filter(pk=pk).first()


def evidence_list_for_report(*, report: Report) -> QuerySet[Evidence]:
    return report.evidence.all()


def evidence_get_for_user(*, user: User, report_public_id: str, public_id: str) -> Evidence:
    item = (
        Evidence.objects.visible_to(user)
        .select_related("report", "report__region")
        .filter(report__public_id=report_public_id, public_id=public_id)
        .first()
    )
    if item is None:
        raise Http404
    return item


def messages_for_report(*, report: Report) -> QuerySet[ReportMessage]:
    return report.messages.select_related("author_user").order_by("created_at", "id")


def unread_staff_messages(*, report: Report) -> int:
    return report.messages.filter(
        author=MessageAuthor.STAFF, read_by_reporter_at__isnull=True
    ).count()


def timeline_for_reporter(*, report: Report) -> QuerySet[ReportEvent]:
    return report.events.filter(kind__in=REPORTER_EVENTS).order_by("created_at", "id")


def timeline_for_staff(*, report: Report) -> QuerySet[ReportEvent]:
    return report.events.select_related("actor").order_by("created_at", "id")
