"""Every staff role on a phone (390 × 844): each page of their menu, and the pages a list opens (a
report, a case, a register entry), is no wider than the screen; tables become lists of cards."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from qorgau.cases import services as cases
from qorgau.cases.models import Prosecutor
from qorgau.intake import services as intake
from qorgau.intake.enums import Source
from tests.e2e.conftest import PHONE, screenshot, staff_login

pytestmark = pytest.mark.django_db(transaction=True)

LONG = (
    "Бір адам Instagram-да маған күнде жазады, суреттерімді сұрайды және ешкімге айтпа дейді. "
    "https://www.instagram.com/a_very_long_account_name_that_does_not_break_anywhere_at_all/ "
)

# Elements that stick out of the screen, to say where a page overflows.
WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .filter(e => !e.closest('.coverage-grid, .visually-hidden, thead'))
  .slice(0, 5)
  .map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ')[0] : '')
    + ' ' + Math.round(e.getBoundingClientRect().right))"""


def _world(almaty, prosecutor_user, clinician, police):
    from qorgau.offenders import services as offenders
    from qorgau.offenders.models import Facility

    reports = [
        intake.report_submit(
            draft=intake.ReportDraft(
                category=category, narrative=LONG * 3, region_code="KZ-75", language="kk"
            ),
            submitter=intake.Submitter(source=Source.WEB),
        ).report
        for category in ("grooming", "sextortion", "other")
    ]
    Prosecutor.objects.get_or_create(user=prosecutor_user, defaults={"capacity": 20})
    case = cases.case_create(
        acting_user=None,
        data=cases.CaseInput(
            registry_number="262700031000123",
            articles=["120"],
            region_code="KZ-75",
            victims=[cases.VictimInput(age=13)],
        ),
    )
    facility = Facility.objects.create(name="Demo Facility No. 1", region=almaty)
    facility.clinicians.add(clinician)
    person = offenders.person_create(
        acting_user=None,
        data=offenders.PersonInput(
            full_name="Жақып Ерғали Сейітқазыұлы",
            full_name_latin="Zhakip Yergali Seiitkazyuly",
            date_of_birth=date(1966, 5, 17),
            identifiers=[],
            facility=facility,
            admitted_on=timezone.localdate() - timedelta(days=400),
        ),
    )
    offenders.conviction_add(
        acting_user=None,
        person=person,
        articles=["120"],
        sentence_start=timezone.localdate() - timedelta(days=400),
        sentence_end=timezone.localdate() + timedelta(days=60),
    )
    released = offenders.person_create(
        acting_user=None,
        data=offenders.PersonInput(
            full_name="Серік Бейсенұлы Жұмабаев",
            date_of_birth=date(1979, 2, 1),
            identifiers=[],
            facility=facility,
            admitted_on=timezone.localdate() - timedelta(days=900),
        ),
    )
    offenders.release(
        person=released,
        acting_user=clinician,
        released_on=timezone.localdate() - timedelta(days=20),
        region=almaty,
        officer=police,
    )
    return {"report": reports[0], "case": case, "inmate": person, "released": released}


def _menu(tab) -> list[str]:
    hrefs = tab.eval_on_selector_all(
        "header a[href^='/staff/'], nav a[href^='/staff/']",
        "els => els.map(e => e.getAttribute('href'))",
    )
    seen = []
    for href in hrefs:
        path = href.split("#")[0]
        if path and path not in seen and "logout" not in path and "/login" not in path:
            seen.append(path)
    return seen


def _assert_fits(tab, path, where):
    tab.goto(tab.base + path)
    width = tab.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{where} {path}: {width} px wide; {tab.evaluate(WIDEST)}"


@pytest.mark.parametrize(
    "role",
    [
        "analyst",
        "prosecutor",
        "chief",
        "central",
        "clinician",
        "police",
        "educator",
        "partner",
        "security",
        "admin",
    ],
)
def test_no_staff_page_is_wider_than_a_phone(open_page, personas, almaty, role, settings):
    world = _world(almaty, personas["prosecutor"], personas["clinician"], personas["police"])
    user = personas[role]
    tab = open_page(viewport=PHONE)
    staff_login(tab, user)
    pages = ["/staff/", *_menu(tab)]
    extra = {
        "analyst": [f"/staff/reports/{world['report'].public_id}/"],
        "chief": [
            f"/staff/reports/{world['report'].public_id}/",
            f"/staff/cases/{world['case'].public_id}/",
        ],
        "prosecutor": [f"/staff/cases/{world['case'].public_id}/"],
        "clinician": [f"/staff/offenders/{world['inmate'].public_id}/"],
        "police": [f"/staff/offenders/{world['released'].public_id}/"],
        "central": ["/staff/dashboard/?region=KZ-75", "/staff/dashboard/monthly/"],
    }.get(role, [])
    pages += [p for p in extra if p not in pages]
    assert len(pages) >= 2, pages
    for path in pages:
        _assert_fits(tab, path, role)
    for language in ("kk", "ru"):
        _assert_fits(tab, f"{pages[-1]}{'&' if '?' in pages[-1] else '?'}lang={language}", role)


def test_a_table_becomes_a_list_of_labelled_cards_on_a_phone(open_page, personas, almaty):
    _world(almaty, personas["prosecutor"], personas["clinician"], personas["police"])
    tab = open_page(viewport=PHONE)
    staff_login(tab, personas["police"])
    tab.goto(tab.base + "/staff/supervision/?lang=kk")
    row = tab.locator("table tbody tr").first
    assert row.evaluate("e => getComputedStyle(e).display") == "block"
    label = row.locator("td").first.evaluate("e => getComputedStyle(e, '::before').content")
    assert "Мерзімі" in label or len(label) > 2
    assert tab.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(tab, "supervision-phone", full_page=True)


def test_chart_text_is_at_least_12_px_on_a_phone_and_on_a_desktop(open_page, personas, almaty):
    from tests.e2e.conftest import DESKTOP

    _world(almaty, personas["prosecutor"], personas["clinician"], personas["police"])
    for viewport in (PHONE, DESKTOP):
        tab = open_page(viewport=viewport)
        staff_login(tab, personas["central"])
        tab.goto(tab.base + "/staff/dashboard/?lang=ru")
        sizes = tab.eval_on_selector_all(
            "svg.chart text",
            """els => els.map(e => parseFloat(getComputedStyle(e).fontSize)
                * e.ownerSVGElement.getScreenCTM().a)""",
        )
        assert sizes, "the dashboard draws its charts"
        assert min(sizes) >= 12, (viewport, sorted(sizes)[:3])
        assert tab.evaluate("document.documentElement.scrollWidth") <= viewport["width"]
