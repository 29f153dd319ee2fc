"""Alerts that reach a person: a P1 with nobody on duty, climbing, deadlines, acknowledgement, and a
failing SMS gateway. End to end: the Red Button's submit service, the commit, the tasks (immediate in
the tests), the e-mail outbox, the SMS gateway (the in-memory backend, or a local HTTP server standing
in for Mobizon), and `tick` at chosen moments."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from qorgau.core import alerts, sms
from qorgau.core.alert_models import DeliveryStatus
from qorgau.core.enums import Role
from qorgau.core.models import Alert, AuditEntry, Delivery, Notification
from qorgau.intake import services
from qorgau.intake.enums import Source
from qorgau.intake.models import Report
from tests.core.test_sms import KEY, FakeMobizon
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NARRATIVE = "Он сказал, что завтра встретит её после школы."  # P1 by the triage rules
MOBILES = {
    "analyst": "+77011112233",
    "chief": "+77012223344",
    "central": "+77013334455",
    "chief2": "+77014445566",
}


def reachable(user, name):
    user.email = f"{name}@example.invalid"
    user.mobile = MOBILES[name]
    user.save(update_fields=["email", "mobile"])
    return user


def submit(region="KZ-75", narrative=NARRATIVE, **overrides):
    values = {"category": "grooming", "narrative": narrative, "region_code": region, **overrides}
    return services.report_submit(
        draft=services.ReportDraft(**values), submitter=services.Submitter(source=Source.WEB)
    ).report


def tick_at(moment, monkeypatch):
    monkeypatch.setattr(timezone, "now", lambda: moment)
    call_command("tick", stdout=io.StringIO())


@pytest.fixture
def people(analyst, chief, central):
    return {
        "analyst": reachable(analyst, "analyst"),
        "chief": reachable(chief, "chief"),
        "central": reachable(central, "central"),
    }


def told(report) -> dict[str, int]:
    return dict(
        Notification.objects.filter(object_ref=report.public_id, kind="report_p1").values_list(
            "user__username", "level"
        )
    )


def test_with_nobody_on_duty_a_p1_reaches_the_chief_and_the_national_desk_on_every_channel(
    people, outsider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = submit()
    assert report.priority == "P1"
    assert told(report) == {"chief": 0, "central": 0}
    # e-mail: what, which report, when, the link; never the child's words
    assert sorted(m.to[0] for m in mail.outbox) == [
        "central@example.invalid",
        "chief@example.invalid",
    ]
    for message in mail.outbox:
        assert report.public_id in message.subject + message.body
        assert f"/staff/reports/{report.public_id}/" in message.body
        assert "встрет" not in message.body and "школ" not in message.body
    # SMS: the same, short
    assert sorted(m.to for m in sms.outbox) == [MOBILES["chief"], MOBILES["central"]]
    for message in sms.outbox:
        assert report.public_id in message.text and "встрет" not in message.text
    assert set(Delivery.objects.values_list("status", flat=True)) == {DeliveryStatus.SENT}


@pytest.mark.parametrize(
    ("category", "narrative"),
    [
        # self-harm said without "die" or "kill", in a report filed under something else
        ("other", "ол хабар жазбаса өзіме бірдеңе істеп қоямын"),
        ("sextortion", "esli on vylozhit ya sebe chto to sdelayu"),
        ("grooming", "he left and im hurting myself again"),
    ],
)
def test_a_child_who_may_hurt_themselves_reaches_a_person_at_once(
    people, category, narrative, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        report = submit(narrative=narrative, category=category)
    assert report.priority == "P1"
    assert "self_harm" in [reason["code"] for reason in report.priority_reasons]
    assert told(report) == {"chief": 0, "central": 0}
    for message in mail.outbox:
        assert report.public_id in message.subject + message.body
        assert not any(word in message.body for word in narrative.split() if len(word) > 3)
    for message in sms.outbox:
        assert report.public_id in message.text


def test_an_unacknowledged_p1_climbs_to_the_chief_after_10_minutes_and_the_desk_after_20(
    people, django_capture_on_commit_callbacks, monkeypatch
):
    from qorgau.core.services import user_set_on_duty

    user_set_on_duty(user=people["analyst"], on_duty=True)
    with django_capture_on_commit_callbacks(execute=True):
        report = submit()
    raised = Alert.objects.get(kind="report_p1", object_ref=report.public_id).created_at
    assert told(report) == {"analyst": 0}
    assert [m.to for m in sms.outbox] == [MOBILES["analyst"]]

    with django_capture_on_commit_callbacks(execute=True):
        tick_at(raised + timedelta(minutes=9, seconds=59), monkeypatch)
    assert told(report) == {"analyst": 0}

    with django_capture_on_commit_callbacks(execute=True):
        tick_at(raised + timedelta(minutes=10), monkeypatch)
        tick_at(raised + timedelta(minutes=10, seconds=30), monkeypatch)  # again: nothing new
    assert told(report) == {"analyst": 0, "chief": 1}
    chief_mail = [
        m
        for m in mail.outbox
        if m.to == ["chief@example.invalid"] and report.public_id in m.subject
    ]
    assert len(chief_mail) == 1 and "10 minutes" in chief_mail[0].body
    assert [m.to for m in sms.outbox] == [MOBILES["analyst"], MOBILES["chief"]]

    with django_capture_on_commit_callbacks(execute=True):
        tick_at(raised + timedelta(minutes=20), monkeypatch)
        tick_at(raised + timedelta(minutes=21), monkeypatch)
    assert told(report) == {"analyst": 0, "chief": 1, "central": 2}
    assert len(sms.outbox) == 3
    assert Alert.objects.get(object_ref=report.public_id).escalate_at is None  # at the top


def test_an_acknowledged_p1_climbs_no_further(
    client, people, django_capture_on_commit_callbacks, monkeypatch
):
    from qorgau.core.services import user_set_on_duty

    analyst = people["analyst"]
    user_set_on_duty(user=analyst, on_duty=True)
    with django_capture_on_commit_callbacks(execute=True):
        report = submit()
    notification = analyst.notifications.get()
    client.force_login(analyst)
    response = client.post(f"/staff/notifications/{notification.pk}/acknowledge/")
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(action="alert.acknowledge").get()
    assert entry.actor == analyst and entry.details["object"] == report.public_id
    raised = notification.alert.created_at
    tick_at(raised + timedelta(minutes=30), monkeypatch)
    assert told(report) == {"analyst": 0}


def test_taking_the_report_stops_the_climb(people, django_capture_on_commit_callbacks, monkeypatch):
    from qorgau.core.services import user_set_on_duty

    user_set_on_duty(user=people["analyst"], on_duty=True)
    with django_capture_on_commit_callbacks(execute=True):
        report = submit()
    services.report_take(report=report, acting_user=people["analyst"])
    alert = Alert.objects.get(object_ref=report.public_id)
    assert alert.closed_at is not None
    tick_at(alert.created_at + timedelta(minutes=30), monkeypatch)
    assert told(report) == {"analyst": 0}


def test_two_workers_climbing_at_once_tell_each_person_once(
    people, django_capture_on_commit_callbacks
):
    from qorgau.core.services import user_set_on_duty

    user_set_on_duty(user=people["analyst"], on_duty=True)
    with django_capture_on_commit_callbacks(execute=True):
        report = submit()
    alert = Alert.objects.get(object_ref=report.public_id)
    later = alert.created_at + timedelta(minutes=11)
    # The second worker read the alert before the first one took the step: its claim finds the
    # level changed and takes nothing.
    stale = Alert.objects.get(pk=alert.pk)
    assert alerts.escalate_due(now=later) == 1
    claimed = Alert.objects.filter(
        pk=stale.pk, level=stale.level, escalate_at=stale.escalate_at
    ).update(level=stale.level + 1)
    assert claimed == 0
    assert alerts.escalate_due(now=later) == 0
    assert told(report) == {"analyst": 0, "chief": 1}


def test_someone_elses_alert_cannot_be_acknowledged(
    client, people, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        submit()
    chiefs = Notification.objects.get(user=people["chief"])
    client.force_login(people["analyst"])
    response = client.post(f"/staff/notifications/{chiefs.pk}/acknowledge/")
    assert response.status_code == 404
    chiefs.refresh_from_db()
    assert chiefs.acknowledged_at is None and chiefs.alert.acknowledged_at is None
    assert not AuditEntry.objects.filter(action="alert.acknowledge").exists()
    refused = AuditEntry.objects.filter(action="refused").last()
    assert refused.actor == people["analyst"]


def test_a_p1_nobody_took_by_its_deadline_raises_deadline_passed_to_the_chief(
    people, django_capture_on_commit_callbacks, monkeypatch
):
    with django_capture_on_commit_callbacks(execute=True):
        report = submit()
    taken = submit(narrative="Он сказал, что встретит её у школы завтра утром.")
    services.report_take(report=taken, acting_user=people["analyst"])
    report.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        tick_at(report.respond_by - timedelta(seconds=1), monkeypatch)
        assert not Alert.objects.filter(kind="report_deadline").exists()
        tick_at(report.respond_by + timedelta(seconds=30), monkeypatch)
        tick_at(report.respond_by + timedelta(seconds=90), monkeypatch)
    deadline = Alert.objects.get(kind="report_deadline")
    assert deadline.object_ref == report.public_id  # not the one taken in time
    assert set(deadline.notifications.values_list("user__username", flat=True)) == {"chief"}
    title, body = alerts.texts("report_deadline", deadline.params, language="en")
    assert report.public_id in title and "P1" in body
    assert any(m.to == MOBILES["chief"] and title in m.text for m in sms.outbox), sms.outbox


def test_a_p2_at_its_deadline_alerts_the_analysts_and_the_chief(people, outsider, monkeypatch):
    report = submit(category="other", narrative="Synthetic: a stranger keeps asking for photos.")
    Report.objects.filter(pk=report.pk).update(priority="P2")
    report.refresh_from_db()
    tick_at(report.respond_by + timedelta(minutes=1), monkeypatch)
    deadline = Alert.objects.get(kind="report_deadline", object_ref=report.public_id)
    assert set(deadline.notifications.values_list("user__username", flat=True)) == {
        "analyst",
        "chief",
    }
    assert deadline.escalate_at is None  # a P2's does not climb


def test_a_failing_sms_gateway_is_retried_shown_on_the_alerts_page_and_holds_nothing_up(
    client, people, settings, django_capture_on_commit_callbacks
):
    fake = FakeMobizon()
    try:
        fake.status = 503
        settings.QORGAU_SMS_BACKEND = "qorgau.core.sms.backends.mobizon.SmsBackend"
        settings.QORGAU_SMS_URL = fake.url
        settings.QORGAU_SMS_API_KEY = KEY
        settings.QORGAU_SMS_TIMEOUT = 1
        settings.QORGAU_TASK_ATTEMPTS = 2
        with django_capture_on_commit_callbacks(execute=True):
            report = submit()
    finally:
        fake.close()
    # tried twice per SMS (the immediate test backend runs the retry at once), then stopped
    assert len(fake.requests) == 4
    assert {r["form"]["recipient"][0] for r in fake.requests} == {
        MOBILES["chief"][1:],
        MOBILES["central"][1:],
    }
    sms_rows = Delivery.objects.filter(channel="sms")
    assert {(d.status, d.attempts, d.last_error) for d in sms_rows} == {
        (DeliveryStatus.STOPPED, 2, "HTTP 503")
    }
    # in the app and by e-mail all the same
    assert told(report) == {"chief": 0, "central": 0}
    assert len(mail.outbox) == 2
    client.force_login(people["chief"])
    html = client.get("/staff/notifications/").content.decode()
    assert report.public_id in html
    assert "SMS not delivered (HTTP 503) after 2 attempts" in html
    assert "e-mail: sent" in html


def test_a_failed_sms_that_will_be_tried_again_says_so(client, people):
    alert = alerts.raise_alert(
        kind="report_p1",
        object_ref="R-TEST",
        recipients=[people["chief"]],
        url="/staff/",
        params={"report": "R-TEST", "deadline_at": ""},
    )
    Delivery.objects.filter(notification__alert=alert, channel="sms").update(
        status=DeliveryStatus.FAILED, attempts=1, last_error="timeout"
    )
    client.force_login(people["chief"])
    html = client.get("/staff/notifications/").content.decode()
    assert "SMS not delivered (timeout) after 1 attempt; trying again." in html


def test_alert_texts_read_in_words_in_every_language():
    for code, kind in alerts.kinds().items():
        for language in ("kk", "ru", "en"):
            title, _body = alerts.texts(code, _sample_params(kind), language=language)
            assert title and "%(" not in title and code not in title


def _sample_params(kind):
    import re

    names = set(re.findall(r"%\((\w+)\)s", f"{kind.title} {kind.body}"))
    sample = {"region": "KZ-75"}
    return {
        name: sample.get(name, "2026-12-03" if name.endswith(("_on", "_at")) else "X-1")
        for name in names
    }


def test_dates_in_alerts_are_written_as_each_language_writes_them():
    params = {"report": "R-1", "deadline_at": "2026-12-03T12:05:00+00:00"}
    _t, kk = alerts.texts("report_p1", params, language="kk")
    _t, ru = alerts.texts("report_p1", params, language="ru")
    _t, en = alerts.texts("report_p1", params, language="en")
    assert "2026 жылғы 3 желтоқсан, 17:05" in kk  # Asia/Almaty, UTC+5
    assert "3 декабря 2026 г., 17:05" in ru
    assert "3 December 2026, 17:05" in en


def test_a_staff_member_without_a_mobile_number_gets_no_sms_and_an_inactive_one_nothing(
    people, django_capture_on_commit_callbacks
):
    people["central"].mobile = ""
    people["central"].save(update_fields=["mobile"])
    extra = UserFactory(role=Role.REGIONAL_CHIEF, region=people["chief"].region, is_active=False)
    with django_capture_on_commit_callbacks(execute=True):
        report = submit()
    assert told(report) == {"chief": 0, "central": 0}
    assert not Notification.objects.filter(user=extra).exists()
    assert [m.to for m in sms.outbox] == [MOBILES["chief"]]


def test_a_landline_cannot_be_saved_as_a_staff_mobile_and_a_mobile_is_saved_in_one_writing(
    people,
):
    from django.core.exceptions import ValidationError

    user = people["analyst"]
    user.mobile = "+7 727 250 00 00"  # Almaty, a landline
    with pytest.raises(ValidationError) as refused:
        user.full_clean()
    assert "mobile" in refused.value.message_dict
    user.mobile = "8 (701) 234-56-78"
    user.full_clean()
    assert user.mobile == "+77012345678"


def test_the_account_form_takes_a_mobile_as_people_write_it_and_refuses_a_landline(almaty):
    from qorgau.core.admin import QorgauUserCreationForm

    def form(mobile):
        return QorgauUserCreationForm(
            data={
                "username": "new.analyst",
                "full_name": "Synthetic Analyst",
                "mobile": mobile,
                "role": Role.ANALYST,
                "region": almaty.pk,
                "language": "kk",
                "usable_password": "false",
            }
        )

    written = form("8 (701) 234-56-78")
    assert written.is_valid(), written.errors
    assert written.cleaned_data["mobile"] == "+77012345678"
    landline = form("8 727 250 00 00")
    assert not landline.is_valid()
    assert "mobile number" in str(landline.errors["mobile"])


def test_a_region_without_a_chief_climbs_to_the_national_desk_at_the_first_step(
    analyst, central, django_capture_on_commit_callbacks, monkeypatch
):
    from qorgau.core.services import user_set_on_duty

    user_set_on_duty(user=analyst, on_duty=True)
    with django_capture_on_commit_callbacks(execute=True):
        report = submit()
    alert = Alert.objects.get(object_ref=report.public_id)
    tick_at(alert.created_at + timedelta(minutes=10), monkeypatch)
    assert told(report) == {"analyst": 0, "central": 1}


def test_a_tick_that_was_down_catches_up_every_step_at_once(
    people, django_capture_on_commit_callbacks, monkeypatch
):
    from qorgau.core.services import user_set_on_duty

    user_set_on_duty(user=people["analyst"], on_duty=True)
    with django_capture_on_commit_callbacks(execute=True):
        report = submit()
    alert = Alert.objects.get(object_ref=report.public_id)
    tick_at(alert.created_at + timedelta(minutes=45), monkeypatch)
    assert told(report) == {"analyst": 0, "chief": 1, "central": 2}


@pytest.mark.django_db(transaction=True)
def test_several_workers_climbing_and_raising_at_once_tell_each_person_once(almaty):
    """Four workers run the climb and raise the same alerts at the same moment, each in its own
    connection and transaction: every step is taken once, every person told once."""
    import threading

    from django.db import connections

    analyst = UserFactory(role=Role.ANALYST, region=almaty, email="a@example.invalid")
    chief = UserFactory(role=Role.REGIONAL_CHIEF, region=almaty, email="c@example.invalid")
    desk = UserFactory(role=Role.CENTRAL_OFFICE, region=None, email="d@example.invalid")
    raised = timezone.now() - timedelta(minutes=25)
    refs = [f"R-C{n}" for n in range(20)]
    for ref in refs:
        alerts.raise_alert(
            kind="report_p1",
            object_ref=ref,
            recipients=[analyst],
            url="/staff/",
            params={"report": ref, "deadline_at": ""},
            region=almaty,
            climbs=True,
            now=raised,
        )
    workers, errors = 4, []
    start = threading.Barrier(workers)

    def work() -> None:
        try:
            start.wait()
            alerts.escalate_due()
            for ref in refs:  # and the same alerts raised again, as a second tick would
                alerts.raise_alert(
                    kind="report_p1",
                    object_ref=ref,
                    recipients=[analyst, chief],
                    url="/staff/",
                    params={"report": ref, "deadline_at": ""},
                    region=almaty,
                    climbs=True,
                )
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=work) for _ in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    for ref in refs:
        told = list(Notification.objects.filter(object_ref=ref).values_list("user_id", "level"))
        assert sorted(told) == sorted([(analyst.pk, 0), (chief.pk, 1), (desk.pk, 2)]), ref
    assert Delivery.objects.count() == 3 * len(refs)  # one e-mail each, none twice
