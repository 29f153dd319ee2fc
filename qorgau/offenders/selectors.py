"""Reads of the offenders app, scoped: the register, coverage, today's meetings, name search."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from qorgau.core.enums import Role
from qorgau.core.models import User
from qorgau.core.permissions import visible_to
from qorgau.linking.models import NameEntry
from qorgau.linking.names import best_matches
from qorgau.offenders.enums import MeetingStatus, PersonStatus
from qorgau.offenders.models import Examination, Facility, Meeting, Person

PERSON_OWNER = "offenders.person"
MAY_SEARCH = {
    Role.ANALYST,
    Role.REGIONAL_CHIEF,
    Role.CENTRAL_OFFICE,
    Role.CLINICIAN,
    Role.POLICE_SUPERVISOR,
}


def person_list_for_user(*, user: User, status: str | None = None) -> QuerySet[Person]:
    qs = visible_to(Person.objects.select_related("region", "facility"), user)
    if status:
        qs = qs.filter(status=status)
    return qs.annotate(
        examined=Exists(Examination.objects.filter(person=OuterRef("pk"), done_on__isnull=False)),
    ).order_by("-created_at")


def person_get_for_user(*, user: User, public_id: str) -> Person:
    person = (
        visible_to(Person.objects.select_related("region", "facility"), user)
        .filter(public_id=public_id)
        .first()
    )
    if person is None:
        raise Http404
    return person


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
    key = {"facility": "facility__name", "region": "region__name_en", "nation": None}[by]
    annotations = {
        "inmates": Count("pk"),
        "examined": Count("pk", filter=Q(is_examined=True)),
        "overdue": Count("pk", filter=Q(is_examined=False, is_late=True)),
    }
    if key is None:
        row = inmates.aggregate(**annotations)
        return [CoverageRow(name="", **row)]
    rows = inmates.values(key).annotate(**annotations).order_by(key)
    return [
        CoverageRow(
            name=r[key] or "—", inmates=r["inmates"], examined=r["examined"], overdue=r["overdue"]
        )
        for r in rows
    ]


def meetings_due_for_user(*, user: User, until=None) -> QuerySet[Meeting]:
    """The police supervisor's calendar: meetings due up to a day (today by default), oldest first."""
    until = until or timezone.localdate()
    qs = Meeting.objects.visible_to(user).select_related("plan__person", "plan__officer")
    if user.role == Role.POLICE_SUPERVISOR:
        qs = qs.filter(plan__officer=user)
    return qs.filter(status=MeetingStatus.DUE, due_on__lte=until).order_by("due_on")


def facilities_for_user(*, user: User) -> QuerySet[Facility]:
    if user.role == Role.CLINICIAN:
        return user.facilities.all()
    if user.role == Role.CENTRAL_OFFICE:
        return Facility.objects.all()
    if user.role == Role.REGIONAL_CHIEF:
        return Facility.objects.filter(region_id=user.region_id)
    return Facility.objects.none()


# --- Name search across alphabets -----------------------------------------------------------------

_cache_lock = threading.Lock()
_cache: dict[str, object] = {"stamp": None, "choices": {}}


def _register_skeletons() -> tuple[dict[int, str], dict[int, int]]:
    """Skeletons of every register name, kept in memory until a name is added (checked by the
    newest name entry's id: one index lookup) or five minutes have passed."""
    import time

    newest = NameEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    now = time.monotonic()
    with _cache_lock:
        if _cache["stamp"] != newest or now > _cache.get("until", 0):
            rows = NameEntry.objects.filter(owner_type=PERSON_OWNER).values_list(
                "pk", "skeleton", "owner_id"
            )
            _cache["choices"] = {pk: skeleton for pk, skeleton, _owner in rows}
            _cache["owners"] = {pk: owner for pk, _skeleton, owner in rows}
            _cache["stamp"] = newest
            _cache["until"] = now + 300
        return _cache["choices"], _cache["owners"]


@dataclass
class SearchHit:
    person: Person
    score: float


def person_search(*, user: User, name: str, limit: int = 20) -> list[SearchHit]:
    """Register entries ranked by how alike their names (and aliases) are to `name`, with scores."""
    if user.role not in MAY_SEARCH or not name.strip():
        return []
    choices, owners = _register_skeletons()
    matches = best_matches(name, choices, limit=limit * 3, cutoff=70)
    best: dict[int, float] = {}
    for match in matches:
        owner = owners[match.key]
        best[owner] = max(best.get(owner, 0), match.score)
    ranked = sorted(best, key=lambda owner: (-best[owner], owner))[: limit * 2]
    people = Person.objects.select_related("region").in_bulk(ranked)
    if user.role in (Role.CLINICIAN, Role.POLICE_SUPERVISOR):
        allowed = set(
            visible_to(Person.objects.filter(pk__in=list(best)), user).values_list("pk", flat=True)
        )
        people = {pk: p for pk, p in people.items() if pk in allowed}
    hits = [SearchHit(person=people[pk], score=score) for pk, score in best.items() if pk in people]
    return sorted(hits, key=lambda h: (-h.score, h.person.pk))[:limit]
