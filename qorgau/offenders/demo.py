"""Demo data of the offenders app: a facility, synthetic inmates and released people."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.utils import timezone

from qorgau.core.models import Region, User
from qorgau.offenders import services
from qorgau.offenders.instruments import STATIC_99R
from qorgau.offenders.models import Facility, Person

FIRST = [
    "Demo Arman",
    "Demo Bolat",
    "Demo Daniyar",
    "Demo Erlan",
    "Demo Kairat",
    "Demo Murat",
    "Demo Nurlan",
    "Demo Ruslan",
    "Demo Timur",
    "Demo Yerlan",
    "Demo Zhanat",
    "Demo Askar",
]


def seed(*, rng: random.Random) -> list[str]:
    if Person.objects.exists():
        return []
    almaty = Region.objects.get(code="KZ-75")
    facility, _created = Facility.objects.get_or_create(
        name="Demo Facility No. 1", defaults={"region": almaty}
    )
    clinician = User.objects.filter(username="clinician").first()
    police = User.objects.filter(username="police").first()
    if clinician is not None:
        facility.clinicians.add(clinician)
    today = timezone.localdate()
    for n, name in enumerate(FIRST):
        admitted = today - timedelta(days=rng.randint(10, 900))
        person = services.person_create(
            acting_user=None,
            data=services.PersonInput(
                full_name=f"{name} Syntheticuly",
                date_of_birth=date(rng.randint(1960, 1995), rng.randint(1, 12), rng.randint(1, 28)),
                identifiers=[{"kind": "phone", "value": f"8 705 {n:03d} 00 {n:02d}"}],
                facility=facility,
                admitted_on=admitted,
            ),
        )
        services.conviction_add(
            acting_user=None,
            person=person,
            articles=[rng.choice(["120", "121", "122", "124"])],
            sentence_start=admitted,
            sentence_end=admitted + timedelta(days=rng.randint(400, 3000)),
        )
        if clinician is not None and n % 3 != 0:
            exam = person.examinations.first()
            if exam is not None:
                services.examination_record(
                    exam=exam,
                    acting_user=clinician,
                    done_on=min(exam.scheduled_for, today),
                    findings="[DEMO] Synthetic findings.",
                    diagnostic_codes=["F65.4"],
                    recommendations="[DEMO] Programme.",
                )
            answers = {
                item["code"]: rng.choice(item["options"])["value"]
                for item in STATIC_99R["items"]
                if not item.get("derived")  # the age item follows from the date of birth
            }
            services.risk_assess(person=person, acting_user=clinician, answers=answers)
        if clinician is not None and police is not None and n >= 9:
            services.release(
                person=person,
                acting_user=clinician,
                released_on=today - timedelta(days=rng.randint(0, 20)),
                region=almaty,
                officer=police,
            )
    return ["# demo offender register: 12 synthetic entries in Demo Facility No. 1, 3 released"]
