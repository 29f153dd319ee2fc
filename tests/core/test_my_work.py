""" "My work now", every member of staff's home page: their open alerts, what is overdue, due today
and this week (each a link to the list that shows exactly those), and for a chief the region's open
P1 reports and duty gaps."""

from datetime import timedelta

import pytest
from django.utils import timezone

from qorgau.core import work
from qorgau.core.models import Notification
from qorgau.intake import services as intake
from qorgau.intake.models import Report
from tests.intake.test_views import form_data

pytestmark = pytest.mark.django_db


def report(code="KZ-75", **fields):
    made = intake.report_submit(
        draft=intake.ReportDraft(category="grooming", narrative="Synthetic", region_code=code),
        submitter=intake.Submitter(source="web"),
    ).report
    if fields:
        Report.objects.filter(pk=made.pk).update(**fields)
        made.refresh_from_db()
    return made


def home(client, user):
    client.force_login(user)
    response = client.get("/staff/")
    assert response.status_code == 200
    return response


def section(response, code):
    return next((s for s in response.context["sections"] if s.code == code), None)


def listed_rows(client, url):
    """How many rows the list behind a link shows (all pages)."""
    return client.get(url).context["page"].paginator.count


# --- Alerts ---------------------------------------------------------------------------------------


def test_an_analyst_on_duty_sees_a_p1_alert_and_acknowledges_it_from_home(
    client, analyst, django_capture_on_commit_callbacks
):
    client.force_login(analyst)
    client.post("/staff/on-duty/", {"on_duty": "1"})
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            "/report/", form_data(narrative="Он сказал, что завтра встретит её после школы.")
        )
    p1 = Report.objects.get()
    assert p1.priority == "P1"
    response = home(client, analyst)
    html = response.content.decode()
    assert "My work now" in html
    assert response.context["alert_count"] == response.context["unread_notifications"]() == 1
    assert p1.public_id in html
    notification = Notification.objects.get(user=analyst)
    assert f'action="/staff/notifications/{notification.pk}/acknowledge/"' in html
    done = client.post(
        f"/staff/notifications/{notification.pk}/acknowledge/", {"next": "/staff/"}, follow=True
    )
    assert done.redirect_chain[-1][0] == "/staff/"
    assert done.context["alert_count"] == 0 == done.context["unread_notifications"]()
    notification.alert.refresh_from_db()
    assert notification.alert.acknowledged_by == analyst


# --- The queue ------------------------------------------------------------------------------------


def test_an_overdue_report_is_counted_listed_and_matches_its_list(client, analyst, outsider):
    now = timezone.now()
    late = report(priority="P2", respond_by=now - timedelta(hours=2))
    report(priority="P2", respond_by=now - timedelta(hours=3), status="closed")
    report(priority="P3", respond_by=now - timedelta(hours=1), first_action_at=now)
    report("KZ-71", priority="P2", respond_by=now - timedelta(hours=2))  # another region's
    response = home(client, analyst)
    overdue = section(response, work.OVERDUE)
    assert overdue.count == 1
    (queue,) = overdue.lists
    assert [i.url for i in queue.items] == [f"/staff/reports/{late.public_id}/"]
    assert late.public_id in response.content.decode()
    assert queue.url in response.content.decode().replace("&amp;", "&")
    assert listed_rows(client, queue.url) == queue.count == 1
    # the other region's analyst has their own
    assert section(home(client, outsider), work.OVERDUE).count == 1


def test_reports_due_today_and_this_week_fall_in_their_sections(client, analyst, settings):
    windows = work.Windows.at()
    soon = report(priority="P2", respond_by=windows.now + timedelta(minutes=5))
    later = report(priority="P3", respond_by=windows.tomorrow + timedelta(hours=1))
    report(priority="P4", respond_by=windows.week_end + timedelta(hours=1))  # next week
    response = home(client, analyst)
    today, week = section(response, work.TODAY), section(response, work.WEEK)
    if soon.respond_by < windows.tomorrow:  # not run five minutes before midnight
        assert [i.title.split(",")[0] for i in today.lists[0].items] == [f"Report {soon.public_id}"]
        assert listed_rows(client, today.lists[0].url) == today.count == 1
    assert [i.url for i in week.lists[0].items] == [f"/staff/reports/{later.public_id}/"]
    assert listed_rows(client, week.lists[0].url) == week.count == 1
    for listed in (today, week):
        for item in listed.lists[0].items if listed else []:
            assert work.section_of(item.due) == listed.code


def test_reports_i_took_wait_for_me(client, analyst):
    mine = report(priority="P3", assigned_to=analyst, first_action_at=timezone.now())
    report(priority="P3", assigned_to=analyst, status="closed")
    response = home(client, analyst)
    waiting = section(response, work.WAITING)
    assert [i.url for i in waiting.lists[0].items] == [f"/staff/reports/{mine.public_id}/"]
    assert listed_rows(client, waiting.lists[0].url) == waiting.count == 1


def test_a_chief_sees_the_open_p1_reports_of_the_region_only(client, chief):
    ours = report(priority="P1", respond_by=timezone.now() + timedelta(days=30))
    report(priority="P1", status="closed")
    report("KZ-71", priority="P1")
    response = home(client, chief)
    p1 = section(response, work.REGION_P1)
    assert [i.url for i in p1.lists[0].items] == [f"/staff/reports/{ours.public_id}/"]
    assert listed_rows(client, p1.lists[0].url) == p1.count == 1


def test_a_long_list_shows_twenty_and_links_to_the_rest(client, analyst):
    past = timezone.now() - timedelta(hours=1)
    for _ in range(work.LIMIT + 3):
        report(priority="P2", respond_by=past)
    response = home(client, analyst)
    (queue,) = section(response, work.OVERDUE).lists
    assert (queue.count, len(queue.items), queue.more) == (work.LIMIT + 3, work.LIMIT, 3)
    assert "and 3 more" in response.content.decode()
    assert listed_rows(client, queue.url) == queue.count


# --- Nothing, and speed ---------------------------------------------------------------------------


def test_someone_with_nothing_waiting_is_told_so_kindly(client, educator, security_officer):
    for user in (educator, security_officer):
        response = home(client, user)
        assert "Nothing is waiting for you." in response.content.decode()
        assert response.context["sections"] == []


def test_the_page_keeps_to_a_handful_of_queries(client, chief, django_assert_max_num_queries):
    past = timezone.now() - timedelta(hours=1)
    for _ in range(5):
        report(priority="P1", respond_by=past)
    client.force_login(chief)
    client.get("/staff/")
    with django_assert_max_num_queries(25):
        assert client.get("/staff/").status_code == 200


# --- Duty gaps (the rota, merged from its own branch) ---------------------------------------------


def test_a_chief_sees_the_duty_gaps_of_the_region(client, chief, analyst):
    from qorgau.core import duty
    from qorgau.core.models import DutyShift

    now = timezone.now()
    # on duty for the next two days, then nobody: one gap, from the end of that shift
    DutyShift.objects.create(
        user=analyst,
        region=analyst.region,
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(days=2),
    )
    gaps = duty.coverage_gaps(region_id=chief.region_id, start=now, end=work.Windows.at().week_end)
    assert len(gaps) == 1
    response = home(client, chief)
    found = section(response, work.DUTY_GAPS)
    assert found.count == 1 and found.url == "/staff/duty/"
    assert "/staff/duty/" in response.content.decode()
