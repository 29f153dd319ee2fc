"""The demo data: an education coordinator sees their cascade and coverage, the central office the
national map, and a school-round referral is in the analyst's queue."""

import pytest
from django.core.management import call_command

from qorgau.core.models import User
from qorgau.intake.enums import Source
from qorgau.intake.models import Report
from qorgau.prevention.models import PartnerReferral, RoundReferral, School, Teacher

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(reference_data, settings, tmp_path, guidance):
    settings.VAR_DIR = tmp_path
    call_command("seed_demo")


def test_the_demo_builds_a_cascade_of_three_levels(demo):
    assert (
        School.objects.filter(name__startswith="Demo School No. ").count() == School.objects.count()
    )
    assert set(Teacher.objects.filter(region__code="KZ-75").values_list("level", flat=True)) >= {
        0,
        1,
        2,
    }


def test_the_educator_sees_their_region_against_the_target(demo, client):
    client.force_login(User.objects.get(username="educator"))
    own = client.get("/staff/prevention/").context["own"]
    assert own.region.code == "KZ-75" and own.master_trainers == 4 and own.target > 0
    assert own.teachers_trained > 0 and 0 < own.schools_covered <= own.schools
    assert len(client.get("/staff/prevention/cascade/").context["nodes"]) > 10


def test_the_central_office_sees_the_national_map(demo, client):
    client.force_login(User.objects.get(username="central"))
    response = client.get("/staff/prevention/")
    assert response.context["national"].target == 300
    assert response.content.decode().count('class="tile tile-kz-') == 20


def test_a_school_round_referral_is_in_the_analysts_queue(demo, client):
    referral = RoundReferral.objects.get()
    assert referral.report.source == Source.SCHOOL and referral.report.region.code == "KZ-75"
    client.force_login(User.objects.get(username="analyst"))
    queue = client.get("/staff/reports/?source=school")
    assert referral.report in list(queue.context["page"])
    assert Report.objects.filter(source=Source.SCHOOL).count() == 1


def test_the_partner_sees_the_demo_referrals(demo, client):
    partner = User.objects.get(username="partner")
    client.force_login(partner)
    page = client.get("/staff/partner-referrals/").context["page"]
    assert len(page) == PartnerReferral.objects.count() > 0


def test_a_second_run_adds_nothing(demo):
    count = School.objects.count()
    from qorgau.prevention.demo import seed

    assert seed(rng=__import__("random").Random(1)) == []
    assert School.objects.count() == count
