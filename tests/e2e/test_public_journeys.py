"""A person's journeys through the public pages, in a real browser: a child reporting on a phone
with and without JavaScript, the button on another website, the way out of the site."""

import re
import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest

from qorgau.intake.enums import Source
from qorgau.intake.models import Report
from tests.e2e.conftest import DESKTOP, screenshot

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


# --- Issue 21: the way out in sight, the page's own words on every step ------------------------

STEPS = ["step-what", "step-who", "step-where", "step-person", "step-files", "step-contact"]
WORDS = {
    "kk": {
        "next": "Келесі",
        "step": "{n}-қадам (барлығы 6)",
        "files": "Файлдарды таңда",
        "none": "Файл таңдалған жоқ",
        "more": "Мен көбірек білемін",
    },
    "ru": {
        "next": "Далее",
        "step": "Шаг {n} из 6",
        "files": "Выбери файлы",
        "none": "Файл не выбран",
        "more": "Я знаю больше",
    },
    "en": {
        "next": "Next",
        "step": "Step {n} of 6",
        "files": "Choose files",
        "none": "No file chosen",
        "more": "I know more",
    },
}
PICTURE = {
    "name": "screenshot.png",
    "mimeType": "image/png",
    "buffer": b"\x89PNG\r\n\x1a\n" + bytes(64),
}


def the_way_out_is_in_sight(tab):
    """The quick-exit button is inside the viewport (not scrolled away, not covered)."""
    box = tab.locator("#quick-exit").bounding_box()
    height = tab.viewport_size["height"]
    on_top = tab.evaluate(
        "() => { const b = document.getElementById('quick-exit').getBoundingClientRect();"
        " const el = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);"
        " return el !== null && el.closest('#quick-exit') !== null; }"
    )
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= height and on_top


def scroll_to_the_bottom(tab):
    tab.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    tab.wait_for_function(
        "window.scrollY > 0 || document.documentElement.scrollHeight <= innerHeight"
    )
    return tab.evaluate("document.documentElement.scrollHeight")


def header_bottom(tab):
    return tab.evaluate("document.querySelector('.public-header').getBoundingClientRect().bottom")


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_a_child_reports_on_a_phone_and_the_way_out_never_scrolls_away(page, language):
    words = WORDS[language]
    page.goto(page.base + f"/report/?lang={language}")
    page.check("input[value=sextortion]")
    page.fill("textarea[name=narrative]", "Бір адам суреттерімді таратамын деп қорқытып жүр.")
    heights = {}
    for number, step in enumerate(STEPS, start=1):
        section = page.locator(f"#{step}")
        assert section.locator(".step-progress").inner_text() == words["step"].format(n=number)
        if step == "step-who":
            page.check("input[name=relation][value=child]")
        if step == "step-person":
            page.fill("input[name=suspect_telegram]", "@sxt_demo_77")
            page.click(f"#step-person summary >> text={words['more']}")  # the longest step now
            page.fill("input[name=suspect_tiktok]", "@sxt_demo_tt")
        if step == "step-files":
            button = section.locator(".file-button")
            assert button.inner_text().strip() == words["files"]
            assert section.locator(".file-names").inner_text() == words["none"]
            section.locator("input[name=evidence]").set_input_files([PICTURE])
            assert section.locator(".file-names").inner_text() == "screenshot.png"
        heights[step] = scroll_to_the_bottom(page)
        assert the_way_out_is_in_sight(page), f"{language}: the way out scrolled away on {step}"
        assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scroll
        if step == "step-person":
            # a field the child goes back to is not hidden under the bar that stays at the top
            page.focus("input[name=suspect_name]")
            top = page.evaluate("document.activeElement.getBoundingClientRect().top")
            assert top >= header_bottom(page)
            if language == "kk":
                page.evaluate("document.getElementById('step-person').scrollIntoView()")
                screenshot(page, "report-step4-phone")
        if step != "step-contact":
            section.locator(f"text={words['next']}").click()
    assert max(heights.values()) > 2 * page.viewport_size["height"]  # there was a lot to scroll
    page.click("form.report-form button.report-button")
    page.wait_for_selector(".receipt-code")
    assert the_way_out_is_in_sight(page)
    report = Report.objects.get()
    assert report.language == language and report.evidence.count() == 1
    kinds = {item["kind"] for item in report.suspect["identifiers"]}
    assert {"telegram", "tiktok"} <= kinds  # what waited behind "I know more" is sent too
    open_with_the_code(page, save_the_receipt(page))  # the status page: long on a phone too
    assert scroll_to_the_bottom(page) > page.viewport_size["height"]
    assert the_way_out_is_in_sight(page)


def test_without_javascript_the_way_out_stays_and_i_know_more_opens(open_page):
    tab = open_page(javascript=False)
    tab.goto(tab.base + "/report/?lang=kk")
    assert not tab.is_visible("input[name=suspect_tiktok]")  # four questions, the rest folded
    assert tab.locator("#step-person input[type=text]:visible").count() == 4
    scroll_to_the_bottom(tab)
    assert the_way_out_is_in_sight(tab)
    assert tab.inner_text("#step-files .file-button").strip() == "Файлдарды таңда"
    tab.check("input[value=grooming]")
    tab.check("input[name=relation][value=child]")
    tab.click("#step-person summary")
    tab.fill("input[name=suspect_tiktok]", "@tt_demo_kid")
    tab.click("form.report-form button.report-button")  # no narrative: sent back to fill it
    tab.wait_for_selector(".form-errors")
    assert tab.is_visible("input[name=suspect_tiktok]")  # what was typed is not folded away
    assert tab.input_value("input[name=suspect_tiktok]") == "@tt_demo_kid"
    tab.fill("textarea[name=narrative]", NARRATIVE)
    tab.set_input_files("input[name=evidence]", [PICTURE])
    tab.click("form.report-form button.report-button")
    tab.wait_for_selector(".receipt-code")
    report = Report.objects.get()
    assert "tiktok" in {item["kind"] for item in report.suspect["identifiers"]}
    assert report.evidence.count() == 1


@pytest.mark.parametrize("javascript", [True, False])
def test_on_a_desktop_the_way_out_stays_at_the_top_of_a_long_page(open_page, javascript):
    tab = open_page(viewport=DESKTOP, javascript=javascript)
    tab.goto(tab.base + "/help/pictures/?lang=ru")
    assert scroll_to_the_bottom(tab) > tab.viewport_size["height"]
    assert the_way_out_is_in_sight(tab)


def test_the_red_report_button_in_the_header_has_room_on_both_sides(page):
    page.goto(page.base + "/help/?lang=kk")
    button = page.locator(".public-nav .report-button")
    text = page.evaluate(
        "() => { const a = document.querySelector('.public-nav .report-button');"
        " const r = document.createRange(); r.selectNodeContents(a);"
        " const t = r.getBoundingClientRect(), b = a.getBoundingClientRect();"
        " return {left: t.left - b.left, right: b.right - t.right, edge: innerWidth - b.right}; }"
    )
    assert button.inner_text().strip() == "Хабарлау"
    assert text["right"] >= 12 and abs(text["right"] - text["left"]) <= 2
    assert text["edge"] >= 8  # not against the edge of the screen
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
