"""Reads of the offenders app, scoped: the register, coverage, today's meetings, name search."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, cast

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.core.collation import region_sort_key, sorted_by_name
from qorgau.core.errors import InvalidInput
from qorgau.core.models import Region, User
from qorgau.core.permissions import Policy, require, visible_to
from qorgau.linking.enums import OwnerType
from qorgau.linking.models import NameEntry
from qorgau.linking.names import NameIndex
from qorgau.offenders import policies
from qorgau.offenders.enums import ExaminationStatus, MeetingStatus, PersonStatus, PlanStatus
from qorgau.offenders.models import (
    Examination,
    Facility,
    Meeting,
    Person,
    RiskAssessment,
    SupervisionPlan,
    TreatmentPlan,
)

PERSON_OWNER = OwnerType.PERSON


def person_list_for_user(
    *,
    user: User,
    status: str | None = None,
    examination: str | None = None,
    reassessment: str | None = None,
) -> QuerySet[Person]:
    """The register entries the user sees. `examination` / `reassessment`: only those with an
    examination scheduled, or a risk reassessment due, in a window of "my work now"
    (core/work.py: overdue, today, week), soonest first, with that day as `due_on`."""
    qs = visible_to(Person.objects.select_related("region", "facility"), user)
    if status:
        qs = qs.filter(status=status)
    qs = qs.annotate(
        examined=Exists(Examination.objects.filter(person=OuterRef("pk"), done_on__isnull=False)),
    )
    if examination:
        due = _examinations_due(examination)
        return (
            qs.filter(Exists(due))
            .annotate(due_on=Subquery(due.values("scheduled_for")[:1]))
            .order_by("due_on", "pk")
        )
    if reassessment:
        again = _reassessments_due(reassessment)
        return (
            qs.filter(Exists(again))
            .annotate(due_on=Subquery(again.values("next_due")[:1]))
            .order_by("due_on", "pk")
        )
    return qs.order_by("-created_at")


def _examinations_due(window: str) -> QuerySet[Examination]:
    """The person's (OuterRef) examinations still scheduled, on a day in `window`, soonest first."""
    from qorgau.core.work import Windows

    return Examination.objects.filter(
        Windows.at().day_q("scheduled_for", window),
        person=OuterRef("pk"),
        status=ExaminationStatus.SCHEDULED,
    ).order_by("scheduled_for")


def _reassessments_due(window: str) -> QuerySet[RiskAssessment]:
    """The person's (OuterRef) latest assessment of an instrument, its next one due in `window`."""
    from qorgau.core.work import Windows

    newer = RiskAssessment.objects.filter(
        person=OuterRef("person"),
        instrument=OuterRef("instrument"),
        assessed_on__gt=OuterRef("assessed_on"),
    )
    return (
        RiskAssessment.objects.filter(Windows.at().day_q("next_due", window), person=OuterRef("pk"))
        .filter(~Exists(newer))
        .order_by("next_due")
    )


def clinical_due_counts(*, user: User, what: str) -> dict[str, int]:
    """For each window of "my work now" (core/work.py), how many register entries the user sees
    have an examination scheduled (`what="examination"`) or a risk reassessment due in it: the
    rows of the register's ?examination= / ?reassessment= pages. One query."""
    from qorgau.core.work import DUE_WINDOWS, Windows

    windows = Windows.at()
    register = visible_to(Person.objects.all(), user).values("pk")
    rows: QuerySet[Any]
    if what == "examination":
        rows = Examination.objects.filter(person__in=register, status=ExaminationStatus.SCHEDULED)
        day = "scheduled_for"
    else:
        newer = RiskAssessment.objects.filter(
            person=OuterRef("person"),
            instrument=OuterRef("instrument"),
            assessed_on__gt=OuterRef("assessed_on"),
        )
        rows = RiskAssessment.objects.filter(person__in=register).filter(~Exists(newer))
        day = "next_due"
    return rows.order_by().aggregate(
        **{
            window: Count("person", distinct=True, filter=windows.day_q(day, window))
            for window in DUE_WINDOWS
        }
    )


def person_get_for_user(*, user: User, public_id: str) -> Person:
    person = (
        visible_to(Person.objects.select_related("region", "facility"), user)
        .filter(public_id=public_id)
        .first()
    )
    if person is None:
        raise Http404
    return person


def person_for_action(*, user: User, public_id: str, policy: Policy) -> Person:
    """The register entry a user acts on from its page: 404 if they do not see it, refused (and
    audited) if the action's policy does not let them act on it, before any form is read."""
    person = person_get_for_user(user=user, public_id=public_id)
    require(user, policy, person)
    return person


def examination_due(*, person: Person) -> Examination | None:
    """The person's next examination to record (the earliest scheduled one)."""
    return (
        person.examinations.filter(status=ExaminationStatus.SCHEDULED)
        .select_related("person")
        .order_by("scheduled_for")
        .first()
    )


def treatment_plan_of(*, person: Person, plan_id: object) -> TreatmentPlan:
    pk = _int(plan_id)
    plan = person.treatment_plans.filter(pk=pk).first() if pk is not None else None
    if plan is None:
        raise Http404
    return plan


def supervision_plan_of(*, person: Person) -> SupervisionPlan:
    """The person's open supervision plan (a person has one at a time), for the page's actions."""
    plan = (
        person.supervision_plans.exclude(status=PlanStatus.ENDED)
        .order_by("-starts_on", "-pk")
        .first()
    )
    if plan is None:
        raise Http404
    return plan


def meeting_of(*, person: Person, meeting_id: object) -> Meeting:
    pk = _int(meeting_id)
    meeting = (
        Meeting.objects.filter(pk=pk, plan__person=person).select_related("plan__person").first()
        if pk is not None
        else None
    )
    if meeting is None:
        raise Http404
    return meeting


def _int(value: object) -> int | None:
    try:
        return int(str(value))
    except (TypeError, ValueError):
        return None


def release_officers() -> QuerySet[User]:
    """The officers a release may name: every active police supervisor, with their region."""
    return User.objects.filter(policies.supervisors()).select_related("region")


def register_import_columns(*, user: User) -> list[str]:
    """The import page: the columns of the file, for those who may add to the register."""
    from qorgau.offenders.services.imports import CSV_COLUMNS

    require(user, policies.REGISTER_OFFENDER)
    return CSV_COLUMNS


@dataclass
class CoverageRow:
    name: str
    inmates: int
    examined: int
    overdue: int

    @property
    def share(self) -> float | None:
        return round(100 * self.examined / self.inmates, 1) if self.inmates else None


def examination_coverage(*, user: User, by: str = "facility") -> list[CoverageRow]:
    """Of N inmates (in custody, with an examination due), how many examined, how many overdue."""
    require(user, policies.VIEW_COVERAGE)
    today = timezone.localdate()
    done = Examination.objects.filter(person=OuterRef("pk"), done_on__isnull=False)
    late = Examination.objects.filter(
        person=OuterRef("pk"), done_on__isnull=True, scheduled_for__lt=today
    )
    inmates = (
        visible_to(Person.objects.all(), user)
        .filter(status=PersonStatus.IN_CUSTODY)
        .filter(Exists(Examination.objects.filter(person=OuterRef("pk"))))
        .annotate(is_examined=Exists(done), is_late=Exists(late))
    )
    key = {"facility": "facility__name", "region": "region_id", "nation": None}[by]
    annotations = {
        "inmates": Count("pk"),
        "examined": Count("pk", filter=Q(is_examined=True)),
        "overdue": Count("pk", filter=Q(is_examined=False, is_late=True)),
    }
    if key is None:
        row = inmates.aggregate(**annotations)
        return [CoverageRow(name="", **row)]
    rows = inmates.values(key).annotate(**annotations).order_by(key)
    if by == "region":  # the region's name in the reader's language, in its alphabetical order
        regions = {r.pk: r for r in Region.objects.filter(pk__in=[r[key] for r in rows])}
        named = [(regions.get(r[key]), r) for r in rows]
        named.sort(key=lambda pair: region_sort_key(pair[0]) if pair[0] else ((), (), ""))
        return [
            CoverageRow(
                name=region.name if region else "—",
                inmates=r["inmates"],
                examined=r["examined"],
                overdue=r["overdue"],
            )
            for region, r in named
        ]
    return sorted_by_name(
        (
            CoverageRow(
                name=r[key] or "—",
                inmates=r["inmates"],
                examined=r["examined"],
                overdue=r["overdue"],
            )
            for r in rows
        ),
        lambda row: row.name,
    )


def meeting_calendar_for_user(*, user: User) -> QuerySet[Meeting]:
    """Every meeting still due of the user's calendar (a police supervisor's own plans, the
    region's for a chief), oldest first."""
    require(user, policies.VIEW_SUPERVISION_CALENDAR)
    qs = Meeting.objects.visible_to(user).select_related("plan__person", "plan__officer")
    return (
        qs.filter(policies.calendar_of(user))
        .filter(status=MeetingStatus.DUE)
        .order_by("due_on", "pk")
    )


def meeting_due_q(window: str) -> Q:
    """Meetings due on a day in a window of "my work now" (core/work.py)."""
    from qorgau.core.work import Windows

    return Windows.at().day_q("due_on", window)


def meetings_due_for_user(
    *, user: User, until: date | None = None, window: str | None = None
) -> QuerySet[Meeting]:
    """The police supervisor's calendar: meetings due up to a day (today by default), oldest first;
    `window`: those due in a window of "my work now" instead (core/work.py: overdue, today, week)."""
    qs = meeting_calendar_for_user(user=user)
    if window:
        return qs.filter(meeting_due_q(window))
    return qs.filter(due_on__lte=until or timezone.localdate())


UPCOMING_DAYS = 30


def meetings_upcoming_for_user(*, user: User, days: int = UPCOMING_DAYS) -> QuerySet[Meeting]:
    """The meetings of the user's calendar due after today, in the coming `days`, soonest first."""
    today = timezone.localdate()
    return meeting_calendar_for_user(user=user).filter(
        due_on__gt=today, due_on__lte=today + timedelta(days=days)
    )


def facilities_for_user(*, user: User) -> QuerySet[Facility]:
    return visible_to(Facility.objects.select_related("region"), user)


def facility_for_registering(*, user: User, name: str) -> Facility:
    """The facility named in a new register entry, among the user's (after the register's policy:
    a role that may not register is refused before the name is looked up)."""
    require(user, policies.REGISTER_OFFENDER)
    facility = facilities_for_user(user=user).filter(name=name).first()
    if facility is None:
        raise InvalidInput({"facility": [_("No such facility among yours.")]})
    return facility


# --- Name search across alphabets -----------------------------------------------------------------

_index_lock = threading.Lock()
_index: dict[str, Any] = {}
FULL_RELOAD_S = 600  # entries of deleted people drop out, late commits of lower ids come in
LOOK_BACK = 1000  # ids below the newest seen that are read again when names are added
CHECK_EVERY_S = 1.0  # names added by other processes are searched within this time


def search_index_clear() -> None:
    with _index_lock:
        _index.clear()


def search_index_touch() -> None:
    """Names were added by this process: the next search checks for them at once."""
    with _index_lock:
        _index["checked"] = 0.0


def _register_index() -> tuple[NameIndex, dict[int, int]]:
    """The register's name skeletons in a `NameIndex`, kept in this process (about 20 MB for
    100,000 people) and checked by the newest name entry's id (one index lookup) at most every
    `CHECK_EVERY_S` (names this process adds: at once, see `search_index_touch`), so that busy
    searching does not pay a round trip to the database each time. Names added since are read and
    indexed alone (with the `LOOK_BACK` ids before the newest seen, in case a transaction that took
    a lower id committed later); everything is read again every `FULL_RELOAD_S` seconds, or when
    the newest id went down (a database restored or rolled back)."""
    now = time.monotonic()
    with _index_lock:
        if "index" in _index and now - _index.get("checked", 0.0) < CHECK_EVERY_S:
            return _index["index"], _index["owners"]
    newest = NameEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    with _index_lock:
        _index["checked"] = now
        stamp = _index.get("stamp")
        if stamp is None or newest < stamp or now > _index["until"]:
            index, owners = NameIndex(), {}
            rows = NameEntry.objects.filter(owner_type=PERSON_OWNER).values_list(
                "pk", "skeleton", "owner_id"
            )
            for pk, skeleton, owner in rows.iterator(chunk_size=20000):
                index.add(pk, skeleton)
                owners[pk] = owner
            _index.update(index=index, owners=owners, stamp=newest, until=now + FULL_RELOAD_S)
        elif newest != stamp:
            index, owners = _index["index"], _index["owners"]
            rows = NameEntry.objects.filter(
                owner_type=PERSON_OWNER, pk__gt=max(stamp - LOOK_BACK, 0)
            ).values_list("pk", "skeleton", "owner_id")
            for pk, skeleton, owner in rows:
                if pk not in owners:
                    index.add(pk, skeleton)
                    owners[pk] = owner
            _index["stamp"] = newest
        return _index["index"], _index["owners"]


@dataclass
class SearchHit:
    person: Person
    score: float


def person_search(*, user: User, name: str, limit: int = 20) -> list[SearchHit]:
    """Register entries ranked by how alike their names (and aliases) are to `name`, with scores."""
    require(user, policies.SEARCH_REGISTER)
    if not name.strip():
        return []
    index, owners = _register_index()
    matches = index.best_matches(name, limit=limit * 3, cutoff=70)
    best: dict[int, float] = {}
    for match in matches:
        owner = owners[cast(int, match.key)]  # the index's keys are name entries' ids
        best[owner] = max(best.get(owner, 0), match.score)
    ranked = sorted(best, key=lambda owner: (-best[owner], owner))
    if policies.search_limited_to_visible(user):
        allowed = set(
            visible_to(Person.objects.filter(pk__in=ranked), user).values_list("pk", flat=True)
        )
        ranked = [pk for pk in ranked if pk in allowed]
    # only the people shown are read (and their names decrypted); an entry deleted since the
    # index was read is not among them, and the next ones are read in its place
    hits: list[SearchHit] = []
    start = 0
    while len(hits) < limit and start < len(ranked):
        chunk = ranked[start : start + limit - len(hits)]
        people = Person.objects.select_related("region").in_bulk(chunk)
        hits += [SearchHit(person=people[pk], score=best[pk]) for pk in chunk if pk in people]
        start += len(chunk)
    return hits
