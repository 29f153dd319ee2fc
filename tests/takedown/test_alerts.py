"""Done when: a takedown request becomes overdue and alerts. Through `tick`, once, to the request's
author, the region's chiefs and its analysts on duty, naming the request and the report by their
public ids only."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from freezegun import freeze_time

from qorgau.core.alerts import texts
from qorgau.core.enums import Role
from qorgau.core.models import Alert, Notification
from qorgau.takedown import services
from qorgau.takedown.due import takedown_overdue_alerts
from tests.factories import UserFactory, on_duty
from tests.takedown.conftest import draft

pytestmark = pytest.mark.django_db

PRESERVATION = "takedown_preservation_overdue"
REMOVAL = "takedown_removal_overdue"


def told(kind):
    return sorted(Notification.objects.filter(kind=kind).values_list("user__username", flat=True))


def tick() -> str:
    out = StringIO()
    call_command("tick", stdout=out)
    return out.getvalue()


@pytest.fixture
def duty_analyst(almaty):
    user = UserFactory(username="duty_analyst", role=Role.ANALYST, region=almaty)
    on_duty(user, hours=24 * 200)
    return user


def test_a_preservation_past_its_deadline_alerts_through_tick_once(
    analyst, chief, outsider, duty_analyst, report
):
    start = timezone.now()
    with freeze_time(start):
        request = draft(analyst, report)
        services.takedown_send(acting_user=analyst, request=request)
    deadline = request.legal_deadline
    with freeze_time(start + timedelta(days=89)):
        assert "0 overdue requests to platforms alerted" in tick()
    with freeze_time(start + timedelta(days=91)):
        assert "takedown: 1 overdue requests to platforms alerted" in tick()
        assert "takedown: 0 overdue requests to platforms alerted" in tick()  # once
    assert told(PRESERVATION) == ["analyst", "chief", "duty_analyst"]  # not Astana's
    alert = Alert.objects.get(kind=PRESERVATION)
    assert alert.params == {
        "request": request.public_id,
        "about": f"report:{report.public_id}",
        "deadline_on": deadline.isoformat(),
    }
    assert alert.url == f"/staff/platform-requests/{request.public_id}/"
    assert alert.region_id == report.region_id and alert.escalate_at is None
    title, body = texts(alert.kind, alert.params, language="en")
    assert request.public_id in title and f"report {report.public_id}" in body
    assert "synthetic_groomer" not in title + body  # the targets never leave in an alert
    for language in ("kk", "ru"):
        title, body = texts(alert.kind, alert.params, language=language)
        assert request.public_id in title and report.public_id in body and title != body


def test_an_extended_deadline_missed_again_alerts_again(analyst, chief, report):
    start = timezone.now()
    with freeze_time(start):
        request = draft(analyst, report, legal_deadline=timezone.localdate() + timedelta(days=10))
        services.takedown_send(acting_user=analyst, request=request)
    with freeze_time(start + timedelta(days=11)):
        assert takedown_overdue_alerts() == 1
        services.takedown_deadline_set(
            acting_user=analyst, request=request, deadline=timezone.localdate() + timedelta(days=5)
        )
        assert takedown_overdue_alerts() == 0  # no longer overdue
    with freeze_time(start + timedelta(days=17)):
        assert takedown_overdue_alerts() == 1
    assert Alert.objects.filter(kind=PRESERVATION).count() == 2


def test_a_preservation_done_in_time_or_refused_does_not_alert(analyst, chief, report):
    start = timezone.now()
    with freeze_time(start):
        kept = draft(analyst, report)
        refused = draft(analyst, report)
        for request in (kept, refused):
            services.takedown_send(acting_user=analyst, request=request)
        services.takedown_complete(acting_user=analyst, request=kept)
        services.takedown_refuse(acting_user=analyst, request=refused)
    with freeze_time(start + timedelta(days=120)):
        assert takedown_overdue_alerts() == 0


def test_a_draft_without_a_deadline_is_never_overdue(analyst, report):
    draft(analyst, report)
    with freeze_time(timezone.now() + timedelta(days=400)):
        assert takedown_overdue_alerts() == 0


def test_a_removal_unanswered_for_a_week_alerts_and_an_acknowledged_one_does_not(
    analyst, chief, report, settings
):
    settings.QORGAU_TAKEDOWN_REMOVAL_ANSWER_DAYS = 7
    start = timezone.now()
    with freeze_time(start):
        silent = draft(analyst, report, kind="removal")
        answered = draft(analyst, report, kind="removal", platform="tiktok")
        for request in (silent, answered):
            services.takedown_send(acting_user=analyst, request=request)
    with freeze_time(start + timedelta(days=3)):
        services.takedown_acknowledge(acting_user=analyst, request=answered)
    with freeze_time(start + timedelta(days=6, hours=23)):
        assert takedown_overdue_alerts() == 0
    with freeze_time(start + timedelta(days=8)):
        assert takedown_overdue_alerts() == 1
        assert takedown_overdue_alerts() == 0
    alert = Alert.objects.get(kind=REMOVAL)
    assert alert.object_ref == str(silent.pk)
    assert alert.params["days"] == 8 and alert.params["request"] == silent.public_id
    assert told(REMOVAL) == ["analyst", "chief"]
    title, body = texts(alert.kind, alert.params, language="en")
    assert "8 days" in body and silent.public_id in title


def test_an_answer_closes_the_overdue_alert(analyst, chief, report):
    start = timezone.now()
    with freeze_time(start):
        request = draft(analyst, report, kind="removal")
        services.takedown_send(acting_user=analyst, request=request)
    with freeze_time(start + timedelta(days=10)):
        takedown_overdue_alerts()
        services.takedown_complete(acting_user=analyst, request=request)
    assert Alert.objects.get(kind=REMOVAL).closed_at is not None


def test_a_subjects_request_names_the_subject(analyst, chief, report):
    from qorgau.intake import services as intake
    from qorgau.linking.selectors import subject_for_owner
    from qorgau.takedown.services import RequestInput
    from tests.takedown.conftest import submit

    linked = submit(identifiers=[intake.Identifier(kind="telegram", value="@alert_subject")])
    subject = subject_for_owner(owner_type="intake.report", owner_id=linked.pk)
    start = timezone.now()
    with freeze_time(start):
        request = services.takedown_from_subject(
            acting_user=analyst,
            subject=subject,
            data=RequestInput(platform="vk", kind="removal", targets="https://vk.com/x"),
        )
        services.takedown_send(acting_user=analyst, request=request)
    with freeze_time(start + timedelta(days=30)):
        assert takedown_overdue_alerts() == 1
    alert = Alert.objects.get(kind=REMOVAL)
    assert alert.params["about"] == f"subject:{subject.public_id}"
    assert f"subject {subject.public_id}" in texts(alert.kind, alert.params, language="en")[1]
