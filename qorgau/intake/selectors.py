"""Every read of the Red Button that a page or the API needs, scoped to the reader."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import (
    BooleanField,
    Count,
    ExpressionWrapper,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.core.errors import InvalidInput, NotFound
from qorgau.core.models import User
from qorgau.core.permissions import On, Policy, require, scope_of
from qorgau.intake import policies
from qorgau.intake.enums import EventKind, MessageAuthor, Status
from qorgau.intake.media import MEDIA_TYPES
from qorgau.intake.models import Evidence, Platform, Report, ReportEvent, ReportMessage
from qorgau.linking.enums import OwnerType

REPORT_OWNER = OwnerType.REPORT.value

# What the reporter sees of the timeline (the rest is for staff).
REPORTER_EVENTS = [
    EventKind.SUBMITTED,
    EventKind.TAKEN,
    EventKind.STATUS,
    EventKind.MESSAGE_FROM_REPORTER,
    EventKind.MESSAGE_FROM_STAFF,
    EventKind.MORE_INFO,
    EventKind.EVIDENCE_ADDED,
    EventKind.REFERRED,
    EventKind.CASE,
    EventKind.CLOSED,
]


SORTS = {
    "priority": ("priority", "created_at"),
    "deadline": ("respond_by", "priority"),
    "newest": ("-created_at",),
    "oldest": ("created_at",),
}


@dataclass
class QueueFilters:
    status: str | None = None
    priority: str | None = None
    category: str | None = None
    source: str | None = None
    overdue: bool = False
    # Awaiting a first action with the response deadline in a window of "my work now"
    # (core/work.py: "today", "week").
    due: str | None = None
    # Taken by the reader.
    mine: bool = False
    open_only: bool = False
    day: date | None = None
    find: str = ""
    sort: str = "priority"
    year: int | None = None
    region_code: str | None = None


def report_ids_for_identifier(text: str) -> list[int] | None:
    """Reports that mention an identifier written any way (`telegram:@x`, `8 701 …`, `@x`, a link).

    None when the text is not an identifier at all."""
    from qorgau.linking import identifiers as ids
    from qorgau.linking.models import IdentifierUse
    from qorgau.linking.services import lookup_keys

    text = text.strip()
    candidates = []
    parsed = ids.parse_query(text)
    if parsed is not None:
        candidates.append(parsed)
    else:
        phone = ids.normalise_phone(text) if sum(c.isdigit() for c in text) >= 7 else None
        if phone:
            candidates.append(ids.Found(ids.PHONE, phone))
        if "@" in text and "." in text.split("@")[-1]:
            candidates.append(ids.normalise(ids.EMAIL, text))
        if "/" in text or text.startswith(("http", "www.")):
            found = ids.profile_from_link(text)
            if found:
                candidates.append(found)
        handle = ids.HANDLE_RE.match(text)
        if text.startswith("@") and handle:
            name = handle.group(1).lower()
            candidates.extend(ids.Found(kind, name) for kind in [*ids.PLATFORMS, ids.HANDLE])
    if not candidates:
        return None
    keys = [key for c in candidates for key in lookup_keys(c.kind, c.value)]
    return list(
        IdentifierUse.objects.filter(identifier__lookup__in=keys, owner_type=REPORT_OWNER)
        .values_list("owner_id", flat=True)
        .distinct()
    )


def report_list_for_user(*, user: User, filters: QueueFilters | None = None) -> QuerySet[Report]:
    """The reports a member of staff may see (their region's queue; the central office all)."""
    filters = filters or QueueFilters()
    now = timezone.now()
    # The queue shows no contact, place or other person: those stay encrypted, undecrypted.
    qs = (
        Report.objects.visible_to(user)
        .select_related("region", "platform", "assigned_to")
        .defer("location", "reporter_contact", "suspect")
    )
    if filters.status:
        qs = qs.filter(status=filters.status)
    elif filters.open_only:
        qs = qs.exclude(status=Status.CLOSED)
    if filters.priority:
        qs = qs.filter(priority=filters.priority)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.source:
        qs = qs.filter(source=filters.source)
    if filters.overdue:
        qs = qs.filter(overdue_q(now))
    if filters.due:
        qs = qs.filter(due_q(filters.due, now))
    if filters.mine:
        qs = qs.filter(assigned_to=user)
    if filters.year:
        qs = qs.filter(created_at__year=filters.year)
    if filters.region_code:
        qs = qs.filter(region__code=filters.region_code)
    if filters.day:
        start = timezone.make_aware(datetime.combine(filters.day, time.min))
        qs = qs.filter(created_at__gte=start, created_at__lt=start + timedelta(days=1))
    if filters.find:
        text = filters.find.strip()
        matched = report_ids_for_identifier(text)
        if matched is None:
            qs = qs.filter(public_id=text)
        else:
            qs = qs.filter(Q(pk__in=matched) | Q(public_id=text))
    # A subquery per row shown, not a join and GROUP BY over the whole queue: the queue's LIMIT
    # then reaches the index that orders it (tests/analytics/test_query_plans.py).
    evidence = (
        Evidence.objects.filter(report=OuterRef("pk"))
        .order_by()
        .values("report")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = qs.annotate(
        evidence_count=Coalesce(Subquery(evidence), 0),
        is_overdue=ExpressionWrapper(overdue_q(now), output_field=BooleanField()),
    )
    return qs.order_by(*SORTS.get(filters.sort, SORTS["priority"]), "pk")


def report_queue_regions_for_user(*, user: User) -> bool:
    """Whether the queue lists reports of more than one region for this user (its region column)."""
    from qorgau.core.permissions import Scope, visibility_of

    return visibility_of(Report).scope_for(user) is Scope.ALL


def overdue_q(now: datetime) -> Q:
    """Open, no first action yet, and past the response deadline of its priority."""
    return Q(first_action_at__isnull=True, respond_by__lt=now) & ~Q(status=Status.CLOSED)


def due_q(window: str, now: datetime) -> Q:
    """Open, no first action yet, and the response deadline in a window of "my work now"."""
    from qorgau.core.work import OVERDUE, Windows

    if window == OVERDUE:
        return overdue_q(now)
    return Q(
        first_action_at__isnull=True, **Windows.at(now).moment_filter("respond_by", window)
    ) & ~Q(status=Status.CLOSED)


def report_get_for_user(*, user: User | None, public_id: str) -> Report:
    """One report, or 404 when it does not exist or is outside the user's region or role (no user
    sees none: the system looks reports up by other means)."""
    report = (
        Report.objects.visible_to(user)
        .select_related("region", "platform", "submitted_by")
        .filter(public_id=public_id)
        .first()
    )
    if report is None:
        raise Http404
    return report


def report_for_action(*, user: User, public_id: str, policy: Policy) -> Report:
    """The report a member of staff acts on from its page. Refused (403, audited) when their role
    may not do the action, whatever the report; 404 when there is no such report, or (audited) when
    it is outside what they may act on, as if it did not exist. The service checks again."""
    require(user, policy)
    report = (
        Report.objects.select_related("region", "platform", "submitted_by")
        .filter(public_id=public_id)
        .first()
    )
    if report is None:
        raise NotFound
    require(user, policy, report)
    return report


def report_get_for_platform(*, platform: Platform, public_id: str) -> Report:
    report = Report.objects.filter(platform=platform, public_id=public_id).first()
    if report is None:
        raise NotFound(_("No such report."))
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
        raise NotFound(_("No such report."))
    return report


def report_get_by_pk(*, pk: int) -> Report | None:
    """For the reporter's own session (opened with the receipt code): no staff scoping applies."""
    return Report.objects.select_related("region").filter(pk=pk).first()


def evidence_list_for_report(*, report: Report) -> QuerySet[Evidence]:
    return report.evidence.all()


@dataclass(frozen=True)
class EvidenceReceived:
    """What the reporter is told the report holds: counts only (no name is decrypted)."""

    media: int  # voice notes and videos
    files: int  # pictures and documents
    fingerprints: int  # hashes only: the file stayed with the sender


def evidence_received_for_report(*, report: Report) -> EvidenceReceived:
    counts = report.evidence.aggregate(
        media=Count("pk", filter=Q(content_type__in=MEDIA_TYPES) & ~Q(storage_name="")),
        files=Count("pk", filter=~Q(content_type__in=MEDIA_TYPES) & ~Q(storage_name="")),
        fingerprints=Count("pk", filter=Q(storage_name="")),
    )
    return EvidenceReceived(**counts)


def evidence_for_download(*, user: User, report_public_id: str, public_id: str) -> Evidence:
    """An evidence file to download: as `report_for_action`, under `policies.DOWNLOAD_EVIDENCE`."""
    require(user, policies.DOWNLOAD_EVIDENCE)
    item = (
        Evidence.objects.select_related("report", "report__region")
        .filter(report__public_id=report_public_id, public_id=public_id)
        .first()
    )
    if item is None:
        raise NotFound
    require(user, policies.DOWNLOAD_EVIDENCE, item)
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


def linked_reports_for_user(*, user: User, report: Report) -> tuple[object, list[Report], int]:
    """The report's subject, the other reports of it the user may see, and how many they may not."""
    from qorgau.linking.selectors import owner_ids_of_subject, subject_for_owner

    subject = subject_for_owner(owner_type=REPORT_OWNER, owner_id=report.pk)
    if subject is None:
        return None, [], 0
    others = [
        i for i in owner_ids_of_subject(subject=subject, owner_type=REPORT_OWNER) if i != report.pk
    ]
    visible = list(
        Report.objects.visible_to(user)
        .filter(pk__in=others)
        .select_related("region")
        .order_by("-created_at")
    )
    return subject, visible, len(others) - len(visible)


def _sees_every_subject(user: User | None) -> bool:
    """The central office opens every subject, even one of cases or register entries only."""
    return scope_of(user, policies.VIEW_SUBJECT) is On.ANY


def subject_visible_to(*, user: User, subject: Any) -> bool:
    """Whether the user may open the subject's page (`subject_page_for_user`): a subject with a
    report they see; for the central office, every subject. The subjects a report may be linked to."""
    from qorgau.linking.models import IdentifierUse

    if _sees_every_subject(user):
        return True
    reports = IdentifierUse.objects.filter(
        identifier__subject=subject, owner_type=REPORT_OWNER
    ).values("owner_id")
    return Report.objects.visible_to(user).filter(pk__in=reports).exists()


def name_candidates_for_user(
    *, user: User, report: Report, limit: int = 5
) -> list[tuple[Any, float]]:
    """Names like the report's suspect's elsewhere, among what the user may check: the reports
    they see (their subjects open to them); for the central office, every report, case suspect
    and register entry. Nobody else learns that a similar name is on a case or the register."""
    from qorgau.linking.selectors import name_candidates

    name = (report.suspect or {}).get("name")
    if not name:
        return []
    if _sees_every_subject(user):
        return name_candidates(name=name, exclude=(REPORT_OWNER, report.pk), limit=limit)
    return name_candidates(
        name=name,
        owner_types=[REPORT_OWNER],
        owner_ids=Report.objects.visible_to(user).values("pk"),
        exclude=(REPORT_OWNER, report.pk),
        limit=limit,
    )


def subject_page_for_user(*, user: User, public_id: str) -> dict:
    """What a subject page shows the user: 404 when no report of the subject is visible to them."""
    from qorgau.linking.selectors import (
        identifiers_of_subject,
        owner_ids_of_subject,
        subject_by_public_id,
        uses_of_subject,
    )

    subject = subject_by_public_id(public_id=public_id)
    if subject is None:
        raise Http404
    report_ids = owner_ids_of_subject(subject=subject, owner_type=REPORT_OWNER)
    visible = list(
        Report.objects.visible_to(user)
        .filter(pk__in=report_ids)
        .select_related("region")
        .order_by("-created_at")
    )
    if not visible and not _sees_every_subject(user):
        raise Http404
    uses = list(uses_of_subject(subject=subject))
    owners: dict[str, set[int]] = {}
    for use in uses:
        owners.setdefault(use.owner_type, set()).add(use.owner_id)
    regions = sorted({u.region.name for u in uses if u.region is not None})
    region_codes = sorted({u.region.code for u in uses if u.region is not None})
    return {
        "subject": subject,
        "reports": visible,
        "hidden_reports": len(report_ids) - len(visible),
        "cases": len(owners.get(OwnerType.SUSPECT.value, ())),
        "register_entries": len(owners.get(OwnerType.PERSON.value, ())),
        "identifiers": _with_report_counts(identifiers_of_subject(subject=subject), uses),
        "regions": regions,
        "region_codes": region_codes,
        "first_seen": min((u.seen_at for u in uses), default=subject.first_seen),
        "last_seen": max((u.seen_at for u in uses), default=subject.last_seen),
    }


def _with_report_counts(identifiers: Any, uses: list[Any]) -> list[Any]:
    """The subject's identifiers, each with `reports`: how many reports it was seen in (the
    page says "the same file in N reports" for a file's hash)."""
    from qorgau.linking.identifiers import FILE_KINDS

    reports: dict[int, set[int]] = {}
    for use in uses:
        if use.owner_type == REPORT_OWNER:
            reports.setdefault(use.identifier_id, set()).add(use.owner_id)
    rows = list(identifiers)
    for row in rows:
        row.reports = len(reports.get(row.pk, ()))
        row.is_file = row.kind in FILE_KINDS
    return rows


def subject_page_for_identifier(*, user: User, identifier: str) -> dict:
    """The subject page (`subject_page_for_user`) of the subject an identifier written as KIND:VALUE
    belongs to. Refused (403) to roles that see no subject; 404 when no subject has it, or none the
    user may see."""
    from qorgau.linking import identifiers as ids
    from qorgau.linking.selectors import subject_by_identifier

    require(user, policies.VIEW_SUBJECT)
    found = ids.parse_query(identifier)
    if found is None:
        raise InvalidInput(
            {"identifier": [_("Write it as KIND:VALUE, for example telegram:some_name.")]}
        )
    subject = subject_by_identifier(found=found)
    if subject is None:
        raise NotFound(_("No subject has this identifier."))
    try:
        return subject_page_for_user(user=user, public_id=subject.public_id)
    except Http404 as exc:
        raise NotFound(_("No subject has this identifier.")) from exc
