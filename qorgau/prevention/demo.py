"""Demo data of the prevention app: synthetic schools, a training cascade, school rounds (one with a
referral through the real Red Button pipeline), and a partner organisation with referrals."""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.utils import timezone

from qorgau.core.models import Region, User
from qorgau.intake.models import Report
from qorgau.prevention import services
from qorgau.prevention.enums import PartnerKind, ReferralStatus
from qorgau.prevention.models import PartnerOrganisation, School, Teacher

DEMO_PARTNER = "Demo Civil Movement"
# region, districts, number of schools: Almaty (the educator's region) the most.
REGIONS = [
    ("KZ-75", ["Almaly", "Auezov", "Bostandyk", "Medeu"], 24),
    ("KZ-71", ["Almaty district", "Yesil", "Saryarka"], 14),
    ("KZ-79", ["Abai", "Al-Farabi", "Enbekshi"], 10),
    ("KZ-19", ["Ili", "Karasay", "Talgar"], 16),
    ("KZ-35", ["Bukhar-Zhyrau", "Abai district"], 10),
]
FIRST_NAMES = ["Aigerim", "Dana", "Marat", "Serik", "Aliya", "Nurlan", "Gulnara", "Yerlan"]


def _schools(rng: random.Random) -> None:
    number = 1
    for code, districts, count in REGIONS:
        for n in range(count):
            district = districts[n % len(districts)]
            village = code == "KZ-19" and n % 3 == 0
            services.school_create(
                acting_user=None,
                data=services.SchoolInput(
                    name=f"Demo School No. {number}",
                    region_code=code,
                    district=district,
                    settlement=f"Demo Village {n}" if village else district,
                    settlement_kind="village" if village else "town",
                    pupils=rng.randint(120, 1400),
                    languages=rng.choice([["kk"], ["kk", "ru"], ["ru"], ["kk", "ru", "en"]]),
                ),
            )
            number += 1


def _cascade(rng: random.Random, region: Region, *, masters: int, today: date) -> None:
    schools = list(School.objects.filter(region=region).order_by("pk"))
    people = 0

    def teacher(master: bool = False) -> Teacher:
        nonlocal people
        people += 1
        return services.teacher_create(
            acting_user=None,
            full_name=f"Demo Teacher {rng.choice(FIRST_NAMES)} {region.code[-2:]}-{people:03d}",
            school=rng.choice(schools),
            master_trainer=master,
            certified_on=today - timedelta(days=400) if master else None,
        )

    trainers = [teacher(master=True) for _ in range(masters)]
    # two levels below the masters: each trainer gives one session; most of the attendees come
    for level, days_ago in ((1, 200), (2, 60)):
        next_trainers: list[Teacher] = []
        for index, trainer in enumerate(trainers):
            if level == 2 and index % 2:
                continue  # not every level-1 teacher has trained others yet
            attendees = [teacher() for _ in range(rng.randint(3, 5))]
            session = services.session_create(
                acting_user=None,
                region=region,
                held_on=today - timedelta(days=days_ago + index),
                place=f"Demo Teachers' Centre, {region.centre_en or region.name_en}",
                trainer=trainer,
                attendees=attendees,
            )
            came = [a.pk for a in session.attendances.all()][: max(len(attendees) - 1, 1)]
            services.session_record_attendance(acting_user=None, session=session, present=came)
            services.session_certify(acting_user=None, session=session, on=session.held_on)
            next_trainers.extend(
                Teacher.objects.filter(pk__in=[a.pk for a in attendees], level=level)
            )
        trainers = next_trainers
    # one session still to come
    if trainers:
        services.session_create(
            acting_user=None,
            region=region,
            held_on=today + timedelta(days=14),
            place=f"Demo School Hall, {region.centre_en or region.name_en}",
            trainer=trainers[0],
            attendees=[teacher(), teacher()],
        )


def _rounds(rng: random.Random, today: date) -> list[str]:
    year = services.school_year_of(today)
    start, _end = services.school_year_bounds(year)
    educator = User.objects.filter(username="educator").first()
    done_day = max(start, today - timedelta(days=20))
    referred = []
    for code, _districts, _count in REGIONS[:3]:
        schools = list(School.objects.filter(region__code=code).order_by("pk")[:6])
        for index, school in enumerate(schools):
            round_ = services.round_plan(
                acting_user=None,
                school=school,
                planned_on=max(start, today - timedelta(days=30)) + timedelta(days=index * 3),
            )
            if index < 3:
                seen = min(school.pupils, rng.randint(80, 400))
                services.round_record_done(
                    acting_user=None,
                    round_=round_,
                    done_on=done_day,
                    conducted_by="Demo school psychologist; Demo inspector for minors",
                    pupils_seen=seen,
                    concerns_raised=rng.randint(0, 3) if index else 2,
                )
                if index == 0 and code == "KZ-75" and educator is not None:
                    referral = services.round_refer(
                        acting_user=educator,
                        round_=round_,
                        category="grooming",
                        narrative="[DEMO] A pupil said an adult from an online game asks for "
                        "photos and to meet after school.",
                        child_age=13,
                        language="en",
                        nonce="demo",
                    )
                    assert referral.report is not None  # a round's referral files a report
                    referred.append(referral.report.public_id)
    return referred


def _partners(rng: random.Random) -> None:
    organisation, _ = PartnerOrganisation.objects.get_or_create(
        name=DEMO_PARTNER,
        defaults={"kind": PartnerKind.CIVIL_MOVEMENT, "contact_email": "movement@example.invalid"},
    )
    PartnerOrganisation.objects.get_or_create(
        name="Demo Children's Support Centre",
        defaults={"kind": PartnerKind.NGO, "contact_email": "centre@example.invalid"},
    )
    partner = User.objects.filter(username="partner").first()
    if partner is not None:
        services.partner_member_set(acting_user=None, user=partner, organisation=organisation)
    analyst = User.objects.filter(username="analyst").first()
    if analyst is None:
        return
    reports = Report.objects.filter(region=analyst.region).order_by("pk")[:4]
    for index, report in enumerate(reports):
        referral = services.partner_referral_from_report(
            acting_user=analyst,
            report=report,
            organisation=organisation,
            note="[DEMO] Please offer the family a peer supporter and help at the first interview.",
        )
        if partner is not None and index % 2 == 0:
            services.partner_referral_respond(
                acting_user=partner,
                referral=referral,
                status=rng.choice([ReferralStatus.ACCEPTED, ReferralStatus.IN_PROGRESS]),
                text="[DEMO] We called the family and arranged a meeting.",
            )


def seed(*, rng: random.Random) -> list[str]:
    """Idempotent: does nothing when schools exist already."""
    if School.objects.exists():
        return []
    today = timezone.localdate()
    _schools(rng)
    for code, masters in (("KZ-75", 4), ("KZ-71", 2), ("KZ-79", 2), ("KZ-19", 1)):
        _cascade(rng, Region.objects.get(code=code), masters=masters, today=today)
    referred = _rounds(rng, today)
    _partners(rng)
    lines = [
        f"# prevention: {School.objects.count()} demo schools, a training cascade, school rounds"
    ]
    if referred:
        lines.append(f"# a school-round referral in the analyst's queue: report {referred[0]}")
    return lines
