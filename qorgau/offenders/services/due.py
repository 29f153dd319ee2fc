"""What falls due in the register's clinical work, alerted by `tick`: an examination past its date
and not recorded, a risk assessment past its next date with none newer. Each once (`alerted`), to
the clinicians of the person's facility, or the region's chief where the facility has none."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from qorgau.core.alerts import alerted, raise_alert
from qorgau.core.models import User
from qorgau.offenders import policies
from qorgau.offenders.alerts import EXAMINATION_OVERDUE_KIND, REASSESSMENT_OVERDUE_KIND
from qorgau.offenders.enums import ExaminationStatus, PersonStatus
from qorgau.offenders.models import Examination, Facility, Person, RiskAssessment

# At most this many of each kind per tick: a backlog drains over a few minutes.
BATCH = 500


def _responsible(people: Iterable[Person]) -> dict[int, list[int]]:
    """Whom to tell about each person (by id): his facility's active clinicians, else the chiefs."""
    people = list(people)
    clinicians: dict[int, list[int]] = defaultdict(list)
    for facility_id, user_id in (
        Facility.clinicians.through.objects.filter(
            facility_id__in={p.facility_id for p in people if p.facility_id},
            user__is_active=True,
        )
        .order_by("user_id")
        .values_list("facility_id", "user_id")
    ):
        clinicians[facility_id].append(user_id)
    chiefs: dict[int, list[int]] = defaultdict(list)
    if any(not clinicians.get(p.facility_id or 0) for p in people):
        for pk, region_id in User.objects.filter(
            is_active=True,
            role__in=list(policies.CLINICAL_OVERDUE_FALLBACK_ROLES),
            region_id__in={p.region_id for p in people},
        ).values_list("pk", "region_id"):
            chiefs[region_id].append(pk)
    return {p.pk: clinicians.get(p.facility_id or 0) or chiefs[p.region_id] for p in people}


def _raise(kind: str, rows: list[tuple[int, Person, date]]) -> int:
    told = _responsible(person for _pk, person, _d in rows)
    for pk, person, due_on in rows:
        raise_alert(
            kind=kind,
            object_ref=str(pk),
            recipients=told[person.pk],
            url=reverse("offenders:detail", args=[person.public_id]),
            params={"register": person.public_id, "due_on": due_on.isoformat()},
            region=person.region_id,
        )
    return len(rows)


# The system's periodic work, like `supervision_tick`: no policy to require, nothing audited.
def clinical_overdue_alerts(*, today: date | None = None) -> tuple[int, int]:
    """Raise the alerts of examinations and reassessments overdue (of inmates) not raised yet.
    Returns how many of each were raised."""
    today = today or timezone.localdate()
    person_fields = ("person__public_id", "person__region_id", "person__facility_id")
    exams = list(
        Examination.objects.filter(
            status=ExaminationStatus.SCHEDULED,
            scheduled_for__lt=today,
            person__status=PersonStatus.IN_CUSTODY,
        )
        .exclude(alerted(EXAMINATION_OVERDUE_KIND))
        .select_related("person")
        .only("pk", "scheduled_for", "person_id", *person_fields)
        .order_by("scheduled_for", "pk")[:BATCH]
    )
    newer = RiskAssessment.objects.filter(person_id=OuterRef("person_id"), pk__gt=OuterRef("pk"))
    assessments = list(
        RiskAssessment.objects.filter(next_due__lt=today, person__status=PersonStatus.IN_CUSTODY)
        .exclude(Exists(newer))
        .exclude(alerted(REASSESSMENT_OVERDUE_KIND))
        .select_related("person")
        .only("pk", "next_due", "person_id", *person_fields)
        .order_by("next_due", "pk")[:BATCH]
    )
    return (
        _raise(EXAMINATION_OVERDUE_KIND, [(e.pk, e.person, e.scheduled_for) for e in exams]),
        _raise(
            REASSESSMENT_OVERDUE_KIND,
            [(a.pk, a.person, a.next_due) for a in assessments if a.next_due is not None],
        ),
    )
