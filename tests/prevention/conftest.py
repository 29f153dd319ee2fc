import itertools
from datetime import timedelta

import pytest
from django.utils import timezone

from qorgau.prevention import services
from qorgau.prevention.models import PartnerOrganisation

_numbers = itertools.count(1)


@pytest.fixture(autouse=True)
def evidence_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"


@pytest.fixture
def make_school(reference_data):
    def make(code="KZ-75", pupils=500, name=None, district="Bostandyk", **kwargs):
        return services.school_create(
            acting_user=None,
            data=services.SchoolInput(
                name=name or f"Test School No. {next(_numbers)}",
                region_code=code,
                district=district,
                settlement=kwargs.pop("settlement", "Almaty"),
                settlement_kind=kwargs.pop("settlement_kind", "town"),
                pupils=pupils,
                languages=kwargs.pop("languages", ["kk", "ru"]),
            ),
        )

    return make


@pytest.fixture
def make_teacher(make_school):
    def make(school=None, master=False, code="KZ-75", name=None):
        school = school or make_school(code=code)
        return services.teacher_create(
            acting_user=None,
            full_name=name or f"Test Teacher {next(_numbers)}",
            school=school,
            master_trainer=master,
            certified_on=timezone.localdate() - timedelta(days=100) if master else None,
        )

    return make


@pytest.fixture
def certify(reference_data):
    """Run a past session of `trainer` for `attendees`, everyone came, everyone certified."""

    def run(trainer, attendees, days_ago=10):
        session = services.session_create(
            acting_user=None,
            region=trainer.region,
            held_on=timezone.localdate() - timedelta(days=days_ago),
            place="Test Centre",
            trainer=trainer,
            attendees=attendees,
        )
        services.session_record_attendance(
            acting_user=None,
            session=session,
            present=[a.pk for a in session.attendances.all()],
        )
        services.session_certify(acting_user=None, session=session)
        for teacher in attendees:
            teacher.refresh_from_db()
        return session

    return run


@pytest.fixture
def organisation(db):
    return PartnerOrganisation.objects.create(name="Test Movement", kind="civil_movement")


@pytest.fixture
def partner_member(partner, organisation):
    services.partner_member_set(acting_user=None, user=partner, organisation=organisation)
    return partner


def done_round(school, *, concerns=1):
    today = timezone.localdate()
    start, _end = services.school_year_bounds(services.school_year_of(today))
    round_ = services.round_plan(acting_user=None, school=school, planned_on=start)
    return services.round_record_done(
        acting_user=None,
        round_=round_,
        done_on=today,
        conducted_by="Test psychologist",
        pupils_seen=min(100, school.pupils),
        concerns_raised=concerns,
    )
