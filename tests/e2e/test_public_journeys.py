"""A person's journeys through the public pages, in a real browser: a child reporting on a phone
with and without JavaScript, the button on another website, the way out of the site."""

import re
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from qorgau.intake.enums import Source
from qorgau.intake.models import Report
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.django_db(transaction=True)

NARRATIVE = "Бір адам Telegram-да маған суреттеріңді жібер, ертең кездесейік деп жазды."


def fill_the_childs_report(tab):
    """What a 12-year-old answers, in Kazakh: the rest stays empty."""
    tab.check("input[value=grooming]")
    tab.fill("textarea[name=narrative]", NARRATIVE)
    tab.check("input[name=relation][value=child]")
    tab.select_option("select[name=child_age]", "12")
    tab.select_option("select[name=region]", "KZ-75")
    tab.fill("input[name=suspect_telegram]", "@arman_dos_2010")


def save_the_receipt(tab):
    """The child saves the code with the button on the receipt page and reads it from the file."""
    with tab.expect_download() as download:
        tab.click(".receipt a[download]")
    text = open(download.value.path(), encoding="utf-8").read()  # noqa: SIM115
    code = re.search(r"\d{4} \d{4} \d{4} \d{4}", text).group(0)
    assert code == tab.inner_text(".receipt-code")
    assert "/report/status/" in text
    return code


def open_with_the_code(tab, code):
    tab.goto(tab.base + "/report/status/?lang=kk")
    tab.fill("input[name=code]", code)
    tab.click("main form[method=post] button[type=submit]")
    tab.wait_for_selector(".status-box")


def test_a_child_reports_in_kazakh_on_a_phone_without_javascript(open_page):
    tab = open_page(javascript=False)
    tab.goto(tab.base + "/report/?lang=kk")
    assert tab.is_visible("#step-contact")  # every question on one page
    fill_the_childs_report(tab)
    tab.click("form.report-form button.report-button")
    tab.wait_for_selector(".receipt-code")
    report = Report.objects.get()
    assert (report.language, report.priority, report.child_age) == ("kk", "P1", 12)
    assert report.source == Source.WEB and report.reporter_anonymous
    code = save_the_receipt(tab)

    later = open_page(javascript=False)  # another day, another browser: only the code
    open_with_the_code(later, code)
    assert later.inner_text(".status-label")


def test_a_child_reports_in_kazakh_on_a_phone_one_question_at_a_time(page):
    page.goto(page.base + "/report/?lang=kk")
    assert not page.is_visible("#step-who")  # one question at a time with JavaScript
    page.check("input[value=grooming]")
    page.fill("textarea[name=narrative]", NARRATIVE)
    page.click("#step-what >> text=Келесі")
    page.check("input[name=relation][value=child]")
    page.select_option("select[name=child_age]", "12")
    page.click("#step-who >> text=Келесі")
    page.select_option("select[name=region]", "KZ-75")
    for step in ["step-where", "step-person", "step-files"]:
        page.click(f"#{step} >> text=Келесі")
    assert not page.is_visible("input[name=reporter_name]")  # only when "yes, contact me"
    page.click("form.report-form button.report-button")
    page.wait_for_selector(".receipt-code")
    screenshot(page, "receipt-phone")
    report = Report.objects.get()
    assert report.language == "kk" and report.priority == "P1"
    code = save_the_receipt(page)
    open_with_the_code(page, code)
    screenshot(page, "status-phone")


class ThirdPartySite(ThreadingHTTPServer):
    """A school's website on another origin (127.0.0.1 and its own port; the app is on localhost)."""


def test_the_button_on_a_schools_website_opens_the_form(page, live_server, tmp_path):
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="kk"><head><meta charset="utf-8"><title>Мектеп</title></head>'
        "<body><h1>№ 12 мектеп</h1><p>Сабақ кестесі.</p>"
        f'<script src="{live_server.url}/widget.js" data-corner="bottom-right" async></script>'
        "</body></html>",
        encoding="utf-8",
    )
    handler = partial(SimpleHTTPRequestHandler, directory=str(tmp_path))
    handler.log_message = lambda *args: None
    site = ThirdPartySite(("127.0.0.1", 0), handler)
    threading.Thread(target=site.serve_forever, daemon=True).start()
    try:
        school = f"http://127.0.0.1:{site.server_address[1]}/"
        page.goto(school)
        page.wait_for_selector("[data-qorgau-button]")
        assert page.context.cookies() == []  # the button sets none, on either site
        with page.context.expect_page() as opened:
            page.click("[data-qorgau-button]")  # its link lives in a closed shadow root
        form = opened.value
        form.wait_for_load_state()
        assert form.url.startswith(live_server.url + "/report/?lang=kk&src=widget")
        assert form.input_value("input[name=source]") == "widget"
        assert "Не болғанын айтып бер" in form.inner_text("h1")
    finally:
        site.shutdown()
        site.server_close()


def test_the_language_switcher_posts_from_a_real_browser(page):
    page.goto(page.base + "/help/")
    page.click("form.language-switcher button[value=en]")
    page.wait_for_selector("html[lang=en]")
    assert "Help and helplines" in page.content()


def test_leave_this_site_quickly_replaces_the_page(page, live_server, settings):
    settings.QORGAU_QUICK_EXIT_URL = live_server.url + "/?lang=en&neutral=1"
    page.goto(page.base + "/help/?lang=en")
    page.goto(page.base + "/report/?lang=en")
    page.click("#quick-exit")
    page.wait_for_url("**neutral=1")
    page.go_back()
    assert "/help/" in page.url  # the report page is no longer in the history


def test_pressing_escape_twice_leaves_and_without_javascript_the_button_is_a_link(
    open_page, live_server, settings
):
    settings.QORGAU_QUICK_EXIT_URL = live_server.url + "/?lang=en&neutral=1"
    tab = open_page()
    tab.goto(tab.base + "/report/?lang=en")
    tab.keyboard.press("Escape")
    tab.keyboard.press("Escape")
    tab.wait_for_url("**neutral=1")

    plain = open_page(javascript=False)
    plain.goto(plain.base + "/help/?lang=en")
    plain.click("#quick-exit")
    plain.wait_for_url("**neutral=1")
