"""The duty rota: who is on duty now (shifts, night shifts, the expiring override), planning
shifts and weekly patterns with their refusals, the coverage view and `tick`'s gap warning."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django.utils.formats import date_format

from qorgau.core import services
from qorgau.core.duty import is_on_duty, on_duty_users
from qorgau.core.enums import Role
from qorgau.core.errors import NotFound, PermissionRefused, ServiceError
from qorgau.core.models import AuditEntry, DutyPattern, DutyShift, Notification
from qorgau.core.services.duty import at, plan_horizon
from tests.factories import UserFactory, on_duty

pytestmark = pytest.mark.django_db


def local(day: date, hour: int, minute: int = 0) -> datetime:
    return at(day, time(hour, minute))


def next_weekday(weekday: int, after: date | None = None) -> date:
    start = (after or timezone.localdate()) + timedelta(days=1)
    return start + timedelta(days=(weekday - start.weekday()) % 7)


def plan(chief, person, starts_at, ends_at):
    return services.duty_shift_create(
        acting_user=chief, person=person, region=person.region, starts_at=starts_at, ends_at=ends_at
    )


# --- Who is on duty -----------------------------------------------------------------------------


def test_an_analyst_is_on_duty_during_a_shift_of_the_rota_and_not_outside_it(chief, analyst):
    day = next_weekday(0)
    plan(chief, analyst, local(day, 9), local(day, 18))
    assert is_on_duty(analyst, local(day, 9))
    assert is_on_duty(analyst, local(day, 17, 59))
    assert not is_on_duty(analyst, local(day, 18))
    assert not is_on_duty(analyst, local(day, 8, 59))
    assert list(
        on_duty_users(roles=[Role.ANALYST], region_id=analyst.region_id, now=local(day, 12))
    ) == [analyst]


def test_a_night_shift_runs_across_midnight(chief, analyst):
    day = next_weekday(4)
    plan(chief, analyst, local(day, 22), local(day + timedelta(days=1), 6))
    assert is_on_duty(analyst, local(day, 23, 30))
    assert is_on_duty(analyst, local(day + timedelta(days=1), 5))
    assert not is_on_duty(analyst, local(day + timedelta(days=1), 6, 1))


def test_the_national_desk_is_the_central_office_on_its_rota(central, analyst, chief):
    day = next_weekday(1)
    services.duty_shift_create(
        acting_user=central,
        person=central,
        region=None,
        starts_at=local(day, 9),
        ends_at=local(day, 18),
    )
    plan(chief, analyst, local(day, 9), local(day, 18))
    desk = on_duty_users(roles=[Role.CENTRAL_OFFICE], region_id=None, now=local(day, 10))
    assert list(desk) == [central]
    assert not on_duty_users(roles=[Role.CENTRAL_OFFICE], region_id=None, now=local(day, 19))


def test_start_my_duty_is_an_override_that_expires(analyst, settings):
    settings.QORGAU_DUTY_OVERRIDE_HOURS = 8
    until = services.duty_override_start(acting_user=analyst)
    now = timezone.now()
    assert is_on_duty(analyst)
    assert is_on_duty(analyst, now + timedelta(hours=7, minutes=59))
    assert not is_on_duty(analyst, until + timedelta(seconds=1))
    assert AuditEntry.objects.filter(action="duty.override_on", actor=analyst).exists()


def test_end_my_duty_during_a_shift_is_off_until_the_shift_ends(analyst):
    shift = on_duty(analyst, hours=3)
    assert is_on_duty(analyst)
    until = services.duty_override_end(acting_user=analyst)
    assert until == shift.ends_at
    assert not is_on_duty(analyst)
    assert not is_on_duty(analyst, shift.ends_at - timedelta(minutes=1))
    # the next shift puts them on duty again
    later = DutyShift.objects.create(
        user=analyst,
        region=analyst.region,
        starts_at=shift.ends_at + timedelta(hours=1),
        ends_at=shift.ends_at + timedelta(hours=5),
    )
    assert is_on_duty(analyst, later.starts_at + timedelta(minutes=1))
    # and Start my duty overrides the "off"
    services.duty_override_start(acting_user=analyst)
    assert is_on_duty(analyst)


def test_end_my_duty_without_a_shift_ends_the_override(analyst):
    services.duty_override_start(acting_user=analyst)
    assert services.duty_override_end(acting_user=analyst) is None
    assert not is_on_duty(analyst)


def test_a_prosecutor_has_no_duty_to_start(prosecutor):
    with pytest.raises(PermissionRefused):
        services.duty_override_start(acting_user=prosecutor)


# --- Planning and its refusals -------------------------------------------------------------------


def test_an_overlapping_shift_is_refused_naming_both_and_nothing_is_written(chief, analyst):
    day = date(2031, 3, 3)
    plan(chief, analyst, local(day, 9), local(day, 18))
    count, entries = DutyShift.objects.count(), AuditEntry.objects.count()
    with pytest.raises(ServiceError) as refused:
        plan(chief, analyst, local(day, 17), local(day, 23))
    message = refused.value.message
    assert "3 March 2031, 17:00–23:00" in message
    assert "3 March 2031, 09:00–18:00" in message
    assert analyst.get_full_name() in message
    assert DutyShift.objects.count() == count
    assert AuditEntry.objects.count() == entries  # a plain refusal: no entry, nothing written


def test_the_overlap_message_is_in_the_planners_language(chief, analyst):
    from django.utils import translation

    day = date(2031, 3, 3)
    plan(chief, analyst, local(day, 9), local(day, 18))
    with translation.override("ru"), pytest.raises(ServiceError) as refused:
        plan(chief, analyst, local(day, 10), local(day, 11))
    assert "2031" in refused.value.message and "марта" in refused.value.message


def test_an_empty_shift_is_refused(chief, analyst):
    day = date(2031, 3, 3)
    for ends in (local(day, 9), local(day, 8)):
        with pytest.raises(ServiceError) as refused:
            plan(chief, analyst, local(day, 9), ends)
        assert "empty" in refused.value.message
    assert not DutyShift.objects.exists()


def test_a_shift_with_nobody_or_somebody_off_the_rota_is_refused(
    chief, analyst, outsider, prosecutor
):
    day = date(2031, 3, 3)
    with pytest.raises(ServiceError, match="nobody"):
        services.duty_shift_create(
            acting_user=chief,
            person=None,
            region=chief.region,
            starts_at=local(day, 9),
            ends_at=local(day, 10),
        )
    for person in (outsider, prosecutor):
        with pytest.raises(ServiceError, match="not an analyst of"):
            services.duty_shift_create(
                acting_user=chief,
                person=person,
                region=chief.region,
                starts_at=local(day, 9),
                ends_at=local(day, 10),
            )
    assert not DutyShift.objects.exists()


def test_the_central_office_plans_only_its_own_members_on_the_national_desk(central, analyst):
    day = date(2031, 3, 3)
    with pytest.raises(ServiceError, match="central office"):
        services.duty_shift_create(
            acting_user=central,
            person=analyst,
            region=None,
            starts_at=local(day, 9),
            ends_at=local(day, 10),
        )
    with pytest.raises(PermissionRefused):
        services.duty_shift_create(
            acting_user=central,
            person=analyst,
            region=analyst.region,
            starts_at=local(day, 9),
            ends_at=local(day, 10),
        )


def test_an_analyst_may_not_plan_and_the_refusal_is_audited(analyst):
    day = date(2031, 3, 3)
    with pytest.raises(PermissionRefused):
        plan(analyst, analyst, local(day, 9), local(day, 18))
    refusal = AuditEntry.objects.filter(action="refused").last()
    assert refusal.actor == analyst and refusal.details["policy"] == "core.plan_regional_duty"
    assert not DutyShift.objects.exists()


def test_a_chief_of_another_region_may_not_plan_here(analyst, outsider):
    other_chief = UserFactory(role=Role.REGIONAL_CHIEF, region=outsider.region)
    with pytest.raises(NotFound):
        plan(other_chief, analyst, local(date(2031, 3, 3), 9), local(date(2031, 3, 3), 18))


def test_a_swap_gives_the_shift_to_another_analyst_and_names_both(chief, analyst):
    colleague = UserFactory(role=Role.ANALYST, region=analyst.region)
    shift = plan(chief, analyst, local(date(2031, 3, 3), 9), local(date(2031, 3, 3), 18))
    services.duty_shift_swap(acting_user=chief, shift=shift, person=colleague)
    shift.refresh_from_db()
    assert shift.user == colleague and shift.swapped_from == analyst
    entry = AuditEntry.objects.get(action="duty.shift_swap")
    assert (
        entry.details["from_user_id"] == analyst.pk and entry.details["to_user_id"] == colleague.pk
    )
    assert is_on_duty(colleague, local(date(2031, 3, 3), 10))
    assert not is_on_duty(analyst, local(date(2031, 3, 3), 10))


def test_a_deleted_shift_no_longer_counts(chief, analyst):
    shift = plan(chief, analyst, local(date(2031, 3, 3), 9), local(date(2031, 3, 3), 18))
    services.duty_shift_delete(acting_user=chief, shift=shift)
    assert not is_on_duty(analyst, local(date(2031, 3, 3), 10))
    # the same hours can be planned again
    plan(chief, analyst, local(date(2031, 3, 3), 9), local(date(2031, 3, 3), 18))


# --- Weekly patterns -----------------------------------------------------------------------------


def pattern(chief, analyst, weekday=0, starts=time(9), ends=time(18), **kw):
    return services.duty_pattern_create(
        acting_user=chief,
        person=analyst,
        region=analyst.region,
        data=services.PatternInput(
            weekday=weekday, starts=starts, ends=ends, valid_from=timezone.localdate(), **kw
        ),
    )


def test_a_weekly_pattern_is_written_out_once_however_often_tick_runs(chief, analyst):
    made = pattern(chief, analyst, weekday=2)
    shifts = DutyShift.objects.filter(pattern=made)
    count = shifts.count()
    assert count in (2, 3)  # Wednesdays of the plan horizon (15 days)
    assert all(timezone.localtime(s.starts_at).weekday() == 2 for s in shifts)
    assert all(timezone.localtime(s.starts_at).time() == time(9) for s in shifts)
    services.duty_patterns_materialise()
    services.duty_patterns_materialise()
    assert shifts.count() == count
    # as days pass, tick writes out the next ones (and still once)
    DutyPattern.objects.filter(pk=made.pk).update(planned_until=timezone.localdate())
    services.duty_patterns_materialise()
    services.duty_patterns_materialise()
    assert shifts.count() == count
    assert max(s.occurs_on for s in shifts) <= plan_horizon()


def test_a_night_pattern_ends_the_next_morning(chief, analyst):
    made = pattern(chief, analyst, weekday=4, starts=time(22), ends=time(6))
    shift = DutyShift.objects.filter(pattern=made).first()
    start, end = timezone.localtime(shift.starts_at), timezone.localtime(shift.ends_at)
    assert end - start == timedelta(hours=8) and end.date() == start.date() + timedelta(days=1)


def test_overlapping_weekly_patterns_are_refused(chief, analyst):
    pattern(chief, analyst, weekday=0, starts=time(22), ends=time(6))
    with pytest.raises(ServiceError, match="overlaps another weekly shift"):
        pattern(chief, analyst, weekday=1, starts=time(5), ends=time(9))
    with pytest.raises(ServiceError, match="empty"):
        pattern(chief, analyst, weekday=2, starts=time(9), ends=time(9))
    assert DutyPattern.objects.count() == 1


def test_a_pattern_over_a_planned_shift_is_refused_naming_it(chief, analyst):
    day = next_weekday(3)
    plan(chief, analyst, local(day, 12), local(day, 14))
    with pytest.raises(ServiceError, match="overlaps another shift") as refused:
        pattern(chief, analyst, weekday=3)
    assert "12:00–14:00" in refused.value.message
    assert not DutyPattern.objects.exists()


def test_ending_a_pattern_takes_its_coming_shifts_off(chief, analyst):
    made = pattern(chief, analyst, weekday=next_weekday(0).weekday())
    services.duty_pattern_end(acting_user=chief, pattern=made)
    assert (
        not DutyShift.objects.active().filter(pattern=made, starts_at__gt=timezone.now()).exists()
    )
    services.duty_patterns_materialise()
    assert (
        not DutyShift.objects.active().filter(pattern=made, starts_at__gt=timezone.now()).exists()
    )


# --- Pages -------------------------------------------------------------------------------------


def test_the_chief_plans_a_shift_from_the_rota_page(client, chief, analyst):
    client.force_login(chief)
    day = next_weekday(0)
    response = client.post(
        "/staff/duty/shifts/new/",
        {"person": analyst.pk, "day": day.isoformat(), "starts": "09:00", "ends": "18:00"},
    )
    assert response.status_code == 302
    page = client.get("/staff/duty/").content.decode()
    assert analyst.get_full_name() in page and "09:00–18:00" in page


def test_an_overlap_from_the_page_answers_4xx_with_both_shifts_and_writes_nothing(
    client, chief, analyst
):
    client.force_login(chief)
    day = date(2031, 3, 3)
    plan(chief, analyst, local(day, 9), local(day, 18))
    count = DutyShift.objects.count()
    response = client.post(
        "/staff/duty/shifts/new/",
        {
            "person": analyst.pk,
            "day": day.isoformat(),
            "starts": "20:00",
            "ends": "10:00",
            "next_day": "on",
        },
    )
    # 20:00 to 10:00 the next day does not overlap; 08:00-10:00 does
    assert response.status_code == 302
    response = client.post(
        "/staff/duty/shifts/new/",
        {"person": analyst.pk, "day": day.isoformat(), "starts": "08:00", "ends": "10:00"},
    )
    assert response.status_code == 409
    html = response.content.decode()
    assert "3 March 2031, 08:00–10:00" in html and "3 March 2031, 09:00–18:00" in html
    assert DutyShift.objects.count() == count + 1


def test_an_empty_shift_from_the_page_says_so(client, chief, analyst):
    client.force_login(chief)
    response = client.post(
        "/staff/duty/shifts/new/",
        {"person": analyst.pk, "day": "2031-03-03", "starts": "10:00", "ends": "09:00"},
    )
    assert response.status_code == 400 and "empty" in response.content.decode()
    assert not DutyShift.objects.exists()


def test_a_chief_of_another_region_gets_404_for_a_shift_of_this_region(
    client, chief, analyst, outsider
):
    shift = plan(chief, analyst, local(date(2031, 3, 3), 9), local(date(2031, 3, 3), 18))
    other_chief = UserFactory(role=Role.REGIONAL_CHIEF, region=outsider.region)
    client.force_login(other_chief)
    assert client.post(f"/staff/duty/shifts/{shift.public_id}/delete/").status_code == 404
    assert (
        client.post(
            f"/staff/duty/shifts/{shift.public_id}/swap/", {"person": outsider.pk}
        ).status_code
        == 404
    )
    assert DutyShift.objects.active().filter(pk=shift.pk, user=analyst).exists()


def test_an_analyst_reads_the_rota_but_may_not_plan(client, chief, analyst):
    shift = plan(chief, analyst, local(date(2031, 3, 3), 9), local(date(2031, 3, 3), 18))
    client.force_login(analyst)
    page = client.get("/staff/duty/")
    assert page.status_code == 200 and b"Add a shift" not in page.content
    before = AuditEntry.objects.filter(action="refused").count()
    response = client.post(
        "/staff/duty/shifts/new/",
        {"person": analyst.pk, "day": "2031-03-04", "starts": "09:00", "ends": "18:00"},
    )
    assert response.status_code == 403
    assert client.post(f"/staff/duty/shifts/{shift.public_id}/delete/").status_code == 403
    assert AuditEntry.objects.filter(action="refused").count() == before + 2
    assert DutyShift.objects.count() == 1


def test_the_staff_home_says_until_when_one_is_on_duty_and_the_next_shift(client, chief, analyst):
    shift = on_duty(analyst, hours=2)
    later = plan(
        chief,
        analyst,
        shift.ends_at + timedelta(days=1),
        shift.ends_at + timedelta(days=1, hours=4),
    )
    client.force_login(analyst)
    html = client.get("/staff/").content.decode()
    assert "You are on duty" in html and "(the rota)" in html
    assert "Your next shift" in html
    # as the page writes it (the English format has a 12-hour clock: "9:27 p.m.", not "21")
    assert date_format(timezone.localtime(later.starts_at), "DATETIME_FORMAT") in html
    client.post("/staff/on-duty/", {"on_duty": "0"})
    html = client.get("/staff/").content.decode()
    assert "off duty until" in html and not is_on_duty(analyst)


# --- Coverage ----------------------------------------------------------------------------------


def uncovered_cells(html: str, desk: str) -> int:
    section = html.split(f'id="desk-{desk}"', 1)[1].split("</section>", 1)[0]
    return len(re.findall(r'<td class="gap">✗</td>', section))


def test_the_coverage_view_shows_hours_with_nobody_in_red_and_counts_them(client, chief, analyst):
    tomorrow = timezone.localdate() + timedelta(days=1)
    plan(chief, analyst, local(tomorrow, 9), local(tomorrow, 18))
    # half an hour does not cover its hour
    plan(chief, analyst, local(tomorrow, 20), local(tomorrow, 20, 30))
    client.force_login(chief)
    response = client.get("/staff/duty/coverage/")
    assert response.status_code == 200
    html = response.content.decode()
    (desk,) = response.context["desks"]
    past = sum(1 for d in desk.days for h in d.hours if h.past)
    assert desk.uncovered_hours == 14 * 24 - past - 9
    assert uncovered_cells(html, chief.region.code) == desk.uncovered_hours
    assert "nobody on duty" in html  # said in words, not by colour alone
    assert f"{desk.uncovered_hours} hours with nobody on duty" in html


def test_the_central_office_sees_every_region_and_the_national_desk(client, central):
    client.force_login(central)
    response = client.get("/staff/duty/coverage/")
    codes = [d.code for d in response.context["desks"]]
    assert len(codes) == 21 and codes[-1] == "national"


def test_an_analyst_does_not_see_the_coverage(client, analyst):
    client.force_login(analyst)
    assert client.get("/staff/duty/coverage/").status_code == 403


# --- tick warns a day ahead of a gap -------------------------------------------------------------


def test_tick_warns_the_chief_once_a_day_ahead_of_a_gap(chief, analyst, outsider, capsys):
    other_chief = UserFactory(role=Role.REGIONAL_CHIEF, region=outsider.region)
    now = timezone.now()
    # covered for the next 24 hours in Astana; in Almaty a gap from 6 hours on
    for person, hours in ((outsider, 30), (analyst, 6)):
        DutyShift.objects.create(
            user=person,
            region=person.region,
            starts_at=now - timedelta(hours=1),
            ends_at=now + timedelta(hours=hours),
        )
    call_command("tick")
    call_command("tick")
    gaps = Notification.objects.filter(user=chief, kind="duty_gap")
    assert gaps.count() == 1
    assert gaps.get().object_ref.startswith(f"{chief.region.code}:")
    assert not Notification.objects.filter(user=other_chief, kind="duty_gap").exists()
    assert not Notification.objects.filter(user=analyst, kind="duty_gap").exists()
    from qorgau.core import alerts

    title, body = alerts.texts("duty_gap", gaps.get().alert.params, language="en")
    assert title == "Nobody on duty soon in Almaty"
    assert body.startswith("Nobody is on duty in Almaty from ")


def test_tick_warns_the_central_office_of_a_gap_at_the_national_desk(central):
    call_command("tick")
    assert (
        Notification.objects.filter(
            user=central, kind="duty_gap_national", object_ref__startswith="national:"
        ).count()
        == 1
    )


def test_an_ongoing_gap_is_not_raised_again_as_the_hours_pass(chief, analyst):
    from qorgau.core.services.duty_gaps import duty_gaps_warn

    now = timezone.now()
    DutyShift.objects.create(
        user=analyst,
        region=analyst.region,
        starts_at=now + timedelta(hours=3),
        ends_at=now + timedelta(hours=40),
    )
    for hours in range(3):
        duty_gaps_warn(now=now + timedelta(hours=hours, minutes=5))
    assert Notification.objects.filter(user=chief, kind="duty_gap").count() == 1


def test_the_rota_and_coverage_pages_ask_as_many_queries_for_many_shifts_as_for_one(
    client, chief, analyst
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(chief)
    first = timezone.localdate() + timedelta(days=1)

    def queries(url):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured)

    plan(chief, analyst, local(first, 9), local(first, 10))
    few = {url: queries(url) for url in ("/staff/duty/", "/staff/duty/coverage/")}
    for n in range(1, 10):
        plan(
            chief,
            analyst,
            local(first + timedelta(days=n), 9),
            local(first + timedelta(days=n), 10),
        )
    assert {url: queries(url) for url in few} == few
