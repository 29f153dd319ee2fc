"""axe-core over every public page, in a real browser: no serious or critical violation (labels,
contrast, headings, landmarks, keyboard order). With QORGAU_SCREENSHOTS=1 the same pages are
photographed into docs/screenshots/ on a phone and on a desktop."""

import pytest

from tests.e2e.conftest import (
    DESKTOP,
    PHONE,
    TAKE_SCREENSHOTS,
    accessibility_problems,
    assert_accessible,
    screenshot,
)

pytestmark = pytest.mark.django_db(transaction=True)

STEPS = ["step-what", "step-who", "step-where", "step-person", "step-files", "step-contact"]


PAGES = [  # (address, name of its screenshots or None)
    ("/?lang=kk", "home"),
    ("/help/?lang=ru", "help"),
    ("/help/blackmail/?lang=en", "help-page"),
    ("/help/pictures/?lang=kk", None),
    ("/help/rights/?lang=ru", None),
    ("/help/parents/?lang=en", None),
    ("/help/teachers/?lang=en", None),
    ("/embed/?lang=en", "embed"),
    ("/report/status/?lang=en", None),
]


def test_the_public_pages_have_no_serious_accessibility_problem(open_page):
    phone, desktop = open_page(viewport=PHONE), open_page(viewport=DESKTOP)
    problems = []
    for path, name in PAGES:
        phone.goto(phone.base + path)
        problems += accessibility_problems(phone, where=f"{path} (phone)")
        if name and TAKE_SCREENSHOTS:
            screenshot(phone, f"{name}-phone")
            desktop.goto(desktop.base + path)
            screenshot(desktop, f"{name}-desktop")
    desktop.goto(desktop.base + "/?lang=ru")
    problems += accessibility_problems(desktop, where="the home page (desktop)")
    assert not problems, "\n".join(problems)


def test_every_step_of_the_report_form_and_the_receipt_are_accessible(page):
    page.goto(page.base + "/report/?lang=kk")
    assert_accessible(page, where="the first step")
    screenshot(page, "report-step1-phone")
    page.check("input[value=grooming]")
    page.fill("textarea[name=narrative]", "Біреу маған жазып, суреттерімді сұрайды.")
    page.click("#step-what .step-nav button.primary")
    page.click("#step-who .step-nav button.primary")  # "who are you?" is needed: it says so
    assert page.is_visible("#step-who .step-alert")
    assert_accessible(page, where="step 2 with its alert")
    page.check("input[name=relation][value=child]")
    for number, step in enumerate(STEPS[1:-1], start=3):
        page.click(f"#{step} .step-nav button.primary")
        page.wait_for_selector(f"#{STEPS[number - 1]}:not([hidden])")
        assert page.evaluate("document.activeElement.tagName") == "H2"  # focus follows the step
        assert_accessible(page, where=f"step {number}")
    page.check("input[name=contact][value=contact]")
    assert page.is_visible("input[name=reporter_name]")
    page.fill("input[name=reporter_phone]", "+7 701 000 00 00")
    assert_accessible(page, where="the contact step with its details open")
    page.click("form.report-form button.report-button")
    page.wait_for_selector(".receipt-code")
    assert_accessible(page, where="the receipt page")


def test_the_report_form_on_a_desktop_and_its_errors_are_accessible(open_page):
    tab = open_page(viewport=DESKTOP)
    tab.goto(tab.base + "/report/?lang=en")
    screenshot(tab, "report-desktop")
    tab.check("input[value=sextortion]")
    tab.fill("textarea[name=narrative]", "Someone threatens to post my pictures.")
    tab.click("#step-what .step-nav button.primary")
    tab.check("input[name=relation][value=child]")
    tab.click("#step-who .step-nav button.primary")
    tab.fill("input[name=occurred_on]", "2999-01-01")  # in the future: the server refuses it
    for step in ["step-where", "step-person", "step-files"]:
        tab.click(f"#{step} .step-nav button.primary")
    tab.click("form.report-form button.report-button")
    tab.wait_for_selector("#step-where:not([hidden]) .has-error")  # back to the step to correct
    assert tab.input_value("textarea[name=narrative]") == "Someone threatens to post my pictures."
    assert_accessible(tab, where="the form with its errors")


def test_the_keyboard_reaches_the_way_out_early_and_the_report_button_soon_after(page):
    page.goto(page.base + "/?lang=ru")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.getAttribute('href')") == "#main"  # skip link
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "brand"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "quick-exit"
    for _ in range(6):
        page.keyboard.press("Tab")
        if "report-button" in page.evaluate("document.activeElement.className"):
            break
    assert page.evaluate("document.activeElement.getAttribute('href')") == "/report/"
