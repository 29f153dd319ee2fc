"""Every read of requests to platforms that a page needs, scoped to the reader."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from qorgau.core.errors import NotFound
from qorgau.core.models import User
from qorgau.core.permissions import Policy, require, visible_to
from qorgau.intake.fingerprints import OWNER as FINGERPRINT_OWNER
from qorgau.intake.models import Evidence, Report
from qorgau.linking.enums import OwnerType
from qorgau.linking.hash_models import PerceptualHash
from qorgau.linking.models import Subject
from qorgau.takedown import policies
from qorgau.takedown.enums import RequestStatus
from qorgau.takedown.models import TakedownEvent, TakedownRequest, overdue_q

# The hashes a platform's matching may load, in the CSV's order: the file's SHA-256, MD5 and
# SHA-1 (blank for a file of which only the SHA-256 was sent), and its PDQ perceptual hash (blank
# for what is not a picture or a video; a video has a row per fingerprinted frame).
HASH_COLUMNS = ("sha256", "md5", "sha1", "pdq")
CSV_HEADER = (*HASH_COLUMNS, "report")


def _requests() -> QuerySet[TakedownRequest]:
    # lists and pages never read the targets: they stay encrypted until the request's own page
    return TakedownRequest.objects.select_related("region", "report", "subject").defer("targets")


@dataclass
class RequestFilters:
    status: str | None = None
    overdue: bool = False


def takedown_list_for_user(
    *, user: User, filters: RequestFilters | None = None, now: datetime | None = None
) -> QuerySet[TakedownRequest]:
    """The requests the user may list: their region's (the central office every region's). A role
    that may not browse them is refused (403, audited)."""
    require(user, policies.BROWSE_REQUESTS)
    filters = filters or RequestFilters()
    qs = visible_to(_requests(), user)
    if filters.status in RequestStatus.values:
        qs = qs.filter(status=filters.status)
    if filters.overdue:
        qs = qs.filter(overdue_q(now or timezone.now()))
    return qs.order_by("-created_at", "-pk")


def takedown_get_for_user(*, user: User, public_id: str) -> TakedownRequest:
    """One request with its targets, or 404 outside what the user may see."""
    request = (
        visible_to(
            TakedownRequest.objects.select_related("region", "report", "subject", "created_by"),
            user,
        )
        .filter(public_id=public_id)
        .first()
    )
    if request is None:
        raise NotFound
    return request


def takedown_for_action(*, user: User, public_id: str, policy: Policy) -> TakedownRequest:
    """The request a member of staff acts on from its page: refused (403, audited) when their role
    may not do the action; 404 when there is no such request or (audited) it is outside what they
    may act on. The service checks again."""
    require(user, policy)
    request = (
        TakedownRequest.objects.select_related("region", "report", "subject")
        .filter(public_id=public_id)
        .first()
    )
    if request is None:
        raise NotFound
    require(user, policy, request)
    return request


def takedown_events(*, request: TakedownRequest) -> QuerySet[TakedownEvent]:
    """The request's history, oldest first."""
    return request.events.select_related("actor").order_by("created_at", "pk")


def takedowns_for_report(*, user: Any, report: Report) -> QuerySet[TakedownRequest]:
    """For the report's page (and the case's): the requests of the report the user may see."""
    return visible_to(_requests(), user).filter(report=report).order_by("-created_at", "-pk")


def takedowns_for_subject(*, user: Any, subject: Subject) -> QuerySet[TakedownRequest]:
    return visible_to(_requests(), user).filter(subject=subject).order_by("-created_at", "-pk")


def subject_report_ids(*, subject: Subject, region_id: int) -> list[int]:
    """The subject's reports of one region (a subject has none of its own: its reports do)."""
    from qorgau.linking.selectors import owner_ids_of_subject, root_of

    ids = owner_ids_of_subject(subject=root_of(subject), owner_type=OwnerType.REPORT.value)
    return list(Report.objects.filter(pk__in=ids, region_id=region_id).values_list("pk", flat=True))


def takedown_hash_rows(*, request: TakedownRequest) -> list[tuple[str, ...]]:
    """The CSV rows of the request's evidence: sha256, md5, sha1, pdq and the report's public id.
    Only hashes and public ids: no file name, no type, no content. From the request's report, or
    the subject's reports of the request's region; one row per file and report, duplicates once."""
    if request.report_id is not None:
        report_ids = [request.report_id]
    elif request.subject is not None:
        report_ids = subject_report_ids(subject=request.subject, region_id=request.region_id)
    else:
        report_ids = []
    evidence = (
        Evidence.objects.filter(report_id__in=report_ids)
        .select_related("report")
        .only("sha256", "md5", "sha1", "report__public_id")
        .order_by("report__public_id", "sha256", "pk")
    )
    items = list(evidence)
    perceptual: dict[int, list[str]] = {}
    for owner_id, value in (
        PerceptualHash.objects.filter(
            owner_type=FINGERPRINT_OWNER, owner_id__in=[item.pk for item in items]
        )
        .order_by("owner_id", "frame")
        .values_list("owner_id", "value")
    ):
        perceptual.setdefault(owner_id, []).append(value)
    rows: dict[tuple[str, ...], None] = {}
    for item in items:
        for value in perceptual.get(item.pk) or [""]:
            rows[(item.sha256, item.md5, item.sha1, value, item.report.public_id)] = None
    return list(rows)


def subject_for_request(*, user: User, public_id: str) -> Subject:
    """The subject a member of staff drafts a request about, from its page: refused (403,
    audited) to a role that may not; 404 when there is no such subject, or (audited) when it has no
    report of the user's region."""
    from qorgau.core.permissions import refuse
    from qorgau.linking.selectors import subject_by_public_id

    require(user, policies.REQUEST_FROM_SUBJECT, user.region)
    subject = subject_by_public_id(public_id=public_id)
    if subject is None:
        raise NotFound
    if user.region_id is None or not subject_report_ids(subject=subject, region_id=user.region_id):
        refuse(user, policies.REQUEST_FROM_SUBJECT, subject, reason="scope")
    return subject
