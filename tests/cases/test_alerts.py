"""Issue 19, part 5: handovers near their deadline and the staffing gap raise their alerts, once."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from qorgau.cases import periodic, services
from qorgau.cases.due import handover_due_soon_alerts, staffing_gap_alerts
from qorgau.cases.models import Case
from qorgau.core.alerts import texts
from qorgau.core.enums import Role
from qorgau.core.models import Alert, Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def told(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("user__username", flat=True))


def register(number, code="KZ-75"):
    return services.case_create(
        acting_user=None,
        data=services.CaseInput(
            registry_number=number,
            articles=["120"],
            region_code=code,
            victims=[services.VictimInput(age=12, gender="f")],
        ),
    )


@pytest.fixture
def astana_chief(astana):
    return UserFactory(username="chief_astana", role=Role.REGIONAL_CHIEF, region=astana)


def test_a_handover_near_its_deadline_warns_the_chief_and_the_holder_once(
    make_prosecutor, chief, astana_chief, analyst, settings
):
    settings.QORGAU_HANDOVER_WARN_HOURS = 24
    holder = make_prosecutor("f", username="holder")
    make_prosecutor("f", username="colleague")
    case = register("267500020001")
    Case.objects.filter(pk=case.pk).update(
        prosecutor=holder, handover_deadline=timezone.now() + timedelta(hours=5)
    )
    later = register("267500020002")
    Case.objects.filter(pk=later.pk).update(handover_deadline=timezone.now() + timedelta(days=3))
    assert handover_due_soon_alerts() == 1
    assert handover_due_soon_alerts() == 0
    periodic.run()
    assert told("handover_due_soon") == ["chief", "holder"]
    alert = Alert.objects.get(kind="handover_due_soon")
    assert set(alert.params) == {"case", "deadline_at"} and alert.params["case"] == "267500020001"
    assert alert.url == f"/staff/cases/{case.public_id}/"
    title, body = texts(alert.kind, alert.params, language="en")
    assert "267500020001" in title and "7-day" in body and "%(" not in body
    assert all(texts(alert.kind, alert.params, language=lang)[1] for lang in ("kk", "ru"))


def test_a_finished_or_passed_handover_is_not_warned_of(make_prosecutor, chief):
    holder = make_prosecutor("f")
    case = register("267500020003")
    Case.objects.filter(pk=case.pk).update(
        prosecutor=holder,
        handover_deadline=timezone.now() + timedelta(hours=5),
        handover_done_at=timezone.now(),
    )
    other = register("267500020004")
    Case.objects.filter(pk=other.pk).update(
        prosecutor=holder, handover_deadline=timezone.now() - timedelta(hours=1)
    )
    assert handover_due_soon_alerts() == 0


def test_a_region_short_of_prosecutors_tells_its_chief_once_a_week(
    make_prosecutor, chief, astana_chief, central
):
    make_prosecutor("f", code="KZ-71")  # Astana has someone; Almaty nobody eligible
    register("267500020005")
    register("267100020006", code="KZ-71")
    assert staffing_gap_alerts() == 1
    assert staffing_gap_alerts() == 0  # counted again at most hourly
    cache.clear()
    staffing_gap_alerts()  # counted again: the same week's alert, nobody told twice
    assert told("staffing_gap") == ["chief"]
    alert = Alert.objects.get(kind="staffing_gap")
    assert alert.params["region"] == "KZ-75" and alert.params["hires"] >= 1
    assert set(alert.params) == {"region", "week_on", "hires", "waiting"}
    assert alert.url == "/staff/cases/staffing/"
    title, body = texts(alert.kind, alert.params, language="en")
    assert "KZ-75" not in title and "Almaty" in title  # the region by its name
    assert "%(" not in body and str(alert.params["waiting"]) in body
