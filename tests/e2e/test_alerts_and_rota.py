"""Alerts and the duty rota in a real browser: the chief plans a shift (and is told which shifts
overlap), sees the hours nobody covers in red; a P1 report with nobody on duty puts a badge on every
staff page of the chief, who acknowledges it with one click, on a phone, without JavaScript too."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from qorgau.core.models import Alert, AuditEntry, DutyShift
from qorgau.intake import services as intake
from qorgau.intake.enums import Source
from tests.e2e.conftest import screenshot, staff_login

pytestmark = pytest.mark.django_db(transaction=True)

P1_NARRATIVE = "Он сказал, что завтра встретит её после школы."


def p1_report(region="KZ-75"):
    return intake.report_submit(
        draft=intake.ReportDraft(category="grooming", narrative=P1_NARRATIVE, region_code=region),
        submitter=intake.Submitter(source=Source.WEB),
    ).report


def test_the_chief_plans_a_shift_is_told_of_an_overlap_and_sees_the_gaps_in_red(
    desktop, chief, analyst
):
    tomorrow = timezone.localdate() + timedelta(days=1)
    staff_login(desktop, chief)
    desktop.goto(desktop.base + "/staff/duty/")
    form = desktop.locator("#add-shift")
    form.locator("select[name=person]").select_option(str(analyst.pk))
    form.locator("input[name=day]").fill(tomorrow.isoformat())
    form.locator("input[name=starts]").fill("09:00")
    form.locator("input[name=ends]").fill("18:00")
    form.locator("button[type=submit]").click()
    desktop.wait_for_selector(".messages")
    shift = DutyShift.objects.get(user=analyst)
    assert timezone.localtime(shift.starts_at).hour == 9
    assert "09:00–18:00" in desktop.locator("table.duty-rota").inner_text()

    # the same analyst again at noon: refused, saying which shifts overlap; nothing written
    form = desktop.locator("#add-shift")
    form.locator("select[name=person]").select_option(str(analyst.pk))
    form.locator("input[name=day]").fill(tomorrow.isoformat())
    form.locator("input[name=starts]").fill("12:00")
    form.locator("input[name=ends]").fill("20:00")
    form.locator("button[type=submit]").click()
    error = desktop.locator(".messages").inner_text()
    assert "overlaps another shift" in error and "12:00–20:00" in error and "09:00–18:00" in error
    assert "Overlaps another shift" in desktop.locator("#add-shift .error").inner_text()
    assert DutyShift.objects.filter(user=analyst).count() == 1
    screenshot(desktop, "duty-rota-desktop")

    desktop.goto(desktop.base + "/staff/duty/coverage/")
    gaps = desktop.locator(".coverage-grid td.gap")
    covered = desktop.locator(".coverage-grid td.on")
    assert covered.count() == 9  # tomorrow 09:00-18:00
    assert gaps.count() > 100
    # not by colour alone: each red hour says so in words
    assert gaps.first.get_attribute("title") or gaps.first.inner_text().strip()
    screenshot(desktop, "duty-coverage-desktop")


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "no-js"])
def test_a_p1_with_nobody_on_duty_badges_every_staff_page_of_the_chief_until_acknowledged(
    open_page, chief, central, javascript
):
    page = open_page(javascript=javascript)
    report = p1_report()
    staff_login(page, chief)
    for path in ("/staff/", "/staff/reports/", "/staff/duty/"):
        page.goto(page.base + path)
        assert page.locator(".alerts-link .badge").inner_text() == "1", path
    # "my work now" lists it, with its number, and acknowledges it in one click
    page.goto(page.base + "/staff/")
    item = page.locator(".work-alerts .alert-item").first
    assert report.public_id in item.inner_text()
    screenshot(page, "my-work-now-phone")
    item.locator("button", has_text="Acknowledge").click()
    page.wait_for_url("**/staff/")
    assert page.locator(".alerts-link .badge").count() == 0
    alert = Alert.objects.get(kind="report_p1", object_ref=report.public_id)
    assert alert.acknowledged_by == chief and alert.escalate_at is None
    assert AuditEntry.objects.filter(action="alert.acknowledge", actor=chief).exists()
    # the alerts page says who acknowledged it
    page.goto(page.base + "/staff/notifications/")
    assert "Acknowledged by" in page.locator(".alerts").inner_text()
