"""The staff's journeys in a real browser, each signing in through the real form (`staff_login`):
the analyst's queue and report, the case going to a female prosecutor, the chief's handover board,
the national picture with its Excel export, and a police supervisor recording a missed meeting."""

import io
import re
from datetime import date, timedelta

import openpyxl
import pytest
from django.core.management import call_command
from django.utils import timezone

from qorgau.cases import services as cases
from qorgau.cases.models import Case, Prosecutor
from qorgau.core.enums import Gender, Role
from qorgau.core.models import Notification
from qorgau.intake import services as intake
from qorgau.intake.enums import Source
from qorgau.intake.models import Report
from tests.conftest import PASSWORD
from tests.e2e.conftest import TAKE_SCREENSHOTS, screenshot, staff_login
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db(transaction=True)


def prosecutor(region, gender, name):
    user = UserFactory(role=Role.PROSECUTOR, gender=gender, region=region, full_name=name)
    return Prosecutor.objects.create(user=user, capacity=20)


def register(number, code="KZ-75", articles=("120",)):
    return cases.case_create(
        acting_user=None,
        data=cases.CaseInput(
            registry_number=number,
            articles=list(articles),
            region_code=code,
            victims=[cases.VictimInput(age=13)],
        ),
    )


def named(user, full_name):
    """Synthetic names, so that the screenshots read like a working day."""
    user.full_name = full_name
    user.save(update_fields=["full_name"])
    return user


def earlier_report(**fields):
    return intake.report_submit(
        draft=intake.ReportDraft(
            **{"category": "other", "narrative": "Synthetic.", "region_code": "KZ-75", **fields}
        ),
        submitter=intake.Submitter(source=Source.WEB),
    ).report


def test_a_childs_report_goes_from_the_analysts_queue_to_a_female_prosecutor_and_back_to_the_child(
    open_page, desktop, analyst, almaty
):
    # A parent reported the same man a week ago, under his Latin name and another account.
    parents = earlier_report(
        category="grooming",
        narrative="A man writes to my daughter at night.",
        suspect_name="Arman Dosov",
        identifiers=[intake.Identifier(kind="telegram", value="@arman_dos")],
        reporter_relation="parent",
    )
    earlier_report(narrative="A question about a school trip.")  # a quiet report, queued earlier
    woman = prosecutor(almaty, Gender.FEMALE, "Айгерім Сапарова")
    man = prosecutor(almaty, Gender.MALE, "Ержан Омаров")
    register("100000000001")  # the woman already has a case; the man none
    assert Case.objects.get().prosecutor == woman

    # The child, on a phone without JavaScript.
    child = open_page(javascript=False)
    child.goto(child.base + "/report/?lang=kk")
    child.check("input[value=grooming]")
    child.fill(
        "textarea[name=narrative]",
        "Арман деген адам суретіңді жібер, ертең сабақтан кейін кездесейік дейді.",
    )
    child.check("input[name=relation][value=child]")
    child.select_option("select[name=child_age]", "12")
    child.select_option("select[name=region]", "KZ-75")
    child.fill("input[name=suspect_name]", "Арман Досов")
    child.fill("input[name=suspect_telegram]", "@arman_dos_2010")
    child.click("form.report-form button.report-button")
    code = child.inner_text(".receipt-code")
    report = Report.objects.get(language="kk")

    # The analyst of Almaty: the child's report first in the queue, as P1.
    staff_login(desktop, named(analyst, "Дана Әлиева"))
    desktop.goto(desktop.base + "/staff/reports/")
    first = desktop.locator("table.queue tbody tr").first
    assert first.locator(".priority").inner_text() == "P1"
    assert report.public_id in first.inner_text()
    screenshot(desktop, "queue-desktop")
    first.locator("a").first.click()
    desktop.wait_for_url(f"**/staff/reports/{report.public_id}/")
    desktop.click("aside.actions >> text=Take it")
    desktop.wait_for_selector(".messages")

    desktop.fill(
        "textarea[name=body]", "Сәлем! Хатыңды алдық. Сен дұрыс істедің. Оған жауап берме."
    )
    desktop.click("text=Send to the reporter")
    desktop.wait_for_selector(".message-bubble.staff")

    # The name matches the parent's report across alphabets: the analyst links it to that subject.
    candidates = desktop.locator("h3:has-text('Similar names') + ul li code")
    subject = candidates.first.inner_text()
    desktop.click("summary:has-text('Link to a subject')")
    desktop.fill("form[action$='/do/link/'] input[name=subject]", subject)
    desktop.fill("form[action$='/do/link/'] [name=reason]", "Same name, same way of writing")
    desktop.click("form[action$='/do/link/'] button[type=submit]")
    desktop.wait_for_selector(f"a[href='/staff/subjects/{subject}/']")
    assert desktop.is_visible(f"a[href='/staff/reports/{parents.public_id}/']")

    desktop.click("summary:has-text('Turn into a criminal case')")
    desktop.fill("input[name=registry_number]", "267500031000123")
    desktop.check("input[name=articles][value='120']")
    desktop.click("text=Record the case")
    desktop.wait_for_selector(".messages")
    assert "Айгерім Сапарова" in desktop.inner_text(".messages")
    screenshot(desktop, "report-detail-desktop", full_page=True)

    # The least-loaded prosecutor is the man, but article 120 goes to a woman.
    case = Case.objects.get(registry_number="267500031000123")
    assert case.prosecutor == woman and man.cases.count() == 0
    her = open_page(viewport=desktop.viewport_size)
    staff_login(her, woman.user)
    her.goto(her.base + "/staff/cases/")
    her.click("text=267500031000123")
    her.wait_for_url(f"**/staff/cases/{case.public_id}/")
    screenshot(her, "case-desktop", full_page=True)

    # Later, the child opens the report with the code and reads the reply.
    later = open_page()
    later.goto(later.base + "/report/status/?lang=kk")
    later.fill("input[name=code]", code)
    later.click("main form[method=post] button[type=submit]")
    assert "Сен дұрыс істедің" in later.inner_text(".message-bubble.staff")
    screenshot(later, "status-reply-phone", full_page=True)


def test_the_chief_sees_the_handover_board(desktop, chief, almaty):
    man = prosecutor(almaty, Gender.MALE, "Ержан Омаров")
    woman = prosecutor(almaty, Gender.FEMALE, "Айгерім Сапарова")
    case = register("100000000002")
    Case.objects.filter(pk=case.pk).update(prosecutor=man, unassigned_reason="")
    cases.handover_tick()
    if TAKE_SCREENSHOTS:  # the first sign-in: the password, then setting up the authenticator
        desktop.goto(desktop.base + "/staff/login/?lang=en")
        screenshot(desktop, "sign-in-desktop")
        desktop.fill("input[name=username]", chief.username)
        desktop.fill("input[name=password]", PASSWORD)
        desktop.click("form:has(input[name=password]) button[type=submit]")
        desktop.wait_for_selector(".qr-code svg")
        screenshot(desktop, "sign-in-authenticator-desktop", full_page=True)
    staff_login(desktop, named(chief, "Серік Жұмабаев"))
    desktop.goto(desktop.base + "/staff/cases/handover/")
    almaty_row = desktop.locator("table.table").first.locator("tr", has_text=almaty.name)
    assert almaty_row.locator("td").nth(1).inner_text() == "1"  # one handover open
    screenshot(desktop, "handover-desktop")
    desktop.click("text=100000000002")
    desktop.click("summary:has-text('Reassign')")
    desktop.select_option("select[name=prosecutor]", str(woman.pk))
    desktop.fill("form[action$='/do/reassign/'] [name=reason]", "Article 120: handover")
    desktop.click("form[action$='/do/reassign/'] button[type=submit]")
    desktop.wait_for_selector(".messages")
    case.refresh_from_db()
    assert case.prosecutor == woman


def test_the_central_office_drills_into_a_region_and_exports_excel(desktop, central):
    for code in ("KZ-75", "KZ-75", "KZ-71"):
        earlier_report(category="grooming", region_code=code, narrative="Synthetic grooming.")
    call_command("tick")
    staff_login(desktop, named(central, "Гүлнар Ахметова"))
    desktop.goto(desktop.base + "/staff/dashboard/")
    assert "Kazakhstan" in desktop.inner_text("h1")
    screenshot(desktop, "dashboard-desktop")

    with desktop.expect_download() as download:
        desktop.click("text=Download as Excel")
    assert download.value.suggested_filename.endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(open(download.value.path(), "rb").read()))  # noqa: SIM115
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == 1 + 20  # a header and the 20 regions
    assert rows[0][:3] == ("Region", "Region code", "Reports")  # the reader's language (en)
    reports = {row[1]: row[2] for row in rows[1:]}
    assert (reports["KZ-75"], reports["KZ-71"], reports["KZ-11"]) == (2, 1, 0)

    desktop.click("table a[href$='&region=KZ-75']:has-text('Almaty')")
    desktop.wait_for_url(re.compile(r"region=KZ-75$"))
    assert desktop.inner_text("h1").startswith("Almaty ·")
    screenshot(desktop, "dashboard-region-desktop")


def test_a_police_supervisor_records_a_missed_meeting_which_reaches_the_chief(
    desktop, police, chief, almaty, clinician
):
    from qorgau.offenders import services as offenders
    from qorgau.offenders.models import Facility

    facility = Facility.objects.create(name="Demo Facility No. 1", region=almaty)
    person = offenders.person_create(
        acting_user=None,
        data=offenders.PersonInput(
            full_name="Жақып Ерғали",
            full_name_latin="Zhakip Yergali",
            date_of_birth=date(1980, 5, 17),
            identifiers=[],
            facility=facility,
            admitted_on=timezone.localdate() - timedelta(days=400),
        ),
    )
    plan = offenders.release(
        person=person,
        acting_user=clinician,
        released_on=timezone.localdate(),
        region=almaty,
        officer=police,
    )
    staff_login(desktop, named(police, "Нұрлан Қасымов"))
    desktop.goto(desktop.base + "/staff/supervision/")
    row = desktop.locator("table tbody tr", has_text="Жақып Ерғали")
    row.locator("select[name=status]").select_option("missed")
    row.locator("input[name=notes]").fill("Did not come; phone off.")
    screenshot(desktop, "supervision-desktop")
    row.locator("button[type=submit]").click()
    desktop.wait_for_selector(".messages")
    assert plan.meetings.filter(status="missed").count() == 1
    call_command("tick")
    assert Notification.objects.filter(user=chief, kind="supervision_missed").exists()


def test_the_analyst_turns_a_report_into_a_case_and_opens_it(open_page, analyst, almaty):
    prosecutor(almaty, Gender.FEMALE, "Айгерім Сапарова")
    report = earlier_report(
        category="grooming", narrative="Ол маған түнде жазады.\nЕкінші жол.", child_age=13
    )
    phone = open_page(javascript=False)  # the analyst on duty, on a phone, without JavaScript
    staff_login(phone, named(analyst, "Дана Әлиева"))
    phone.goto(phone.base + "/staff/reports/?lang=kk")
    row = phone.locator("table.queue tbody tr").first
    assert "«Ол маған түнде жазады.»" in row.inner_text()
    assert "Екінші жол" not in row.inner_text()
    # the menu is folded on a phone, and opens without JavaScript
    assert not phone.is_visible("nav.staff-nav a[href='/staff/reports/']")
    phone.click("details.staff-menu > summary")
    assert phone.is_visible("nav.staff-nav")
    row.locator("a").first.click()
    phone.wait_for_url(f"**/staff/reports/{report.public_id}/**")
    assert "Жасы" in phone.inner_text("dl.facts") and "13" in phone.inner_text("#child-age")
    phone.click("#to-case > summary")
    phone.fill("input[name=registry_number]", "12345")
    phone.check("input[name=articles][value='120']")
    phone.click("form[action$='/to-case/'] button[type=submit]")
    assert "15 цифрдан" in phone.inner_text("form[action$='/to-case/']")
    phone.fill("input[name=registry_number]", "267500031000124")
    phone.check("input[name=articles][value='120']")
    phone.click("form[action$='/to-case/'] button[type=submit]")
    phone.wait_for_selector("#report-case a")
    assert phone.locator("form[action$='/to-case/']").count() == 0  # not offered again
    phone.click("#report-case a")
    case = Case.objects.get(registry_number="267500031000124")
    phone.wait_for_url(f"**/staff/cases/{case.public_id}/")
    assert "267500031000124" in phone.inner_text("main")
    assert phone.locator("details.staff-menu").count() == 1  # the staff layout, not the child's
    assert phone.locator("#quick-exit").count() == 0
    assert phone.locator("form[action*='/do/']").count() == 0  # read-only for the analyst
    assert phone.is_visible("#read-only")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    screenshot(phone, "case-analyst-phone", full_page=True)


def test_a_missing_page_keeps_the_staff_layout_for_staff(open_page, analyst):
    desktop = open_page(viewport={"width": 1366, "height": 900})
    staff_login(desktop, analyst)
    response = desktop.goto(desktop.base + "/staff/cases/NoSuchCase0000/?lang=ru")
    assert response.status == 404
    assert desktop.is_visible("nav.staff-nav")  # the menu stays open on a desktop
    assert desktop.locator("#quick-exit").count() == 0
    assert "Вернуться" in desktop.inner_text("main") or "обзор" in desktop.inner_text("main")


def test_the_chiefs_pages_and_menu_have_no_serious_accessibility_problem(open_page, chief, almaty):
    from tests.e2e.conftest import PHONE, assert_accessible

    man = prosecutor(almaty, Gender.MALE, "Ержан Омаров")
    prosecutor(almaty, Gender.FEMALE, "Айгерім Сапарова")
    case = register("100000000003")
    Case.objects.filter(pk=case.pk).update(prosecutor=man, unassigned_reason="")
    cases.handover_tick()
    earlier_report(category="grooming", narrative="Synthetic: he writes at night.")
    for viewport in (PHONE, {"width": 1366, "height": 900}):
        tab = open_page(viewport=viewport)
        staff_login(tab, chief)
        for path in (
            "/staff/reports/",
            "/staff/cases/handover/",
            f"/staff/cases/{case.public_id}/",
        ):
            for lang in ("kk", "ru", "en"):
                tab.goto(f"{tab.base}{path}?lang={lang}")
                assert_accessible(tab, where=f"{path} {lang} {viewport['width']}")
        if viewport == PHONE:  # folded on a phone: open it first
            tab.click("details.staff-menu > summary")
        tab.click("li.menu-group summary >> nth=1")
        assert_accessible(tab, where=f"menu open {viewport['width']}")
        width = tab.evaluate("document.documentElement.scrollWidth")
        if viewport == PHONE:
            assert width <= 390, width
