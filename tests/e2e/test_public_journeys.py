"""A person's journeys through the public pages, in a real browser."""

import re

import pytest

from qorgau.intake.models import Report

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_child_reports_in_kazakh_on_a_phone_and_opens_the_receipt(page, reference_data):
    page.goto(page.base + "/report/?lang=kk")
    page.check("input[value=grooming]")
    page.fill("textarea[name=narrative]", "Бір адам Telegram-да маған ертең кездесейік деп жазды.")
    page.click("#step-what >> text=Келесі")  # one question at a time with JavaScript
    page.check("input[name=relation][value=child]")
    for step in ["step-who", "step-where", "step-person", "step-files"]:
        page.click(f"#{step} >> text=Келесі")
    page.click("form.report-form button.report-button")
    page.wait_for_selector(".receipt-code")
    code = page.inner_text(".receipt-code")
    assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", code)
    report = Report.objects.get()
    assert report.language == "kk" and report.priority == "P1"
    page.goto(page.base + "/report/status/")
    page.fill("input[name=code]", code)
    page.click("form[method=post]:not(.language-switcher) button[type=submit]")
    page.wait_for_selector(".status-box")


def test_the_language_switcher_posts_from_a_real_browser(page, reference_data):
    page.goto(page.base + "/help/")
    page.click("form.language-switcher button[value=en]")
    page.wait_for_selector("html[lang=en]")
    assert "Help and helplines" in page.content()


def test_leave_this_site_quickly_replaces_the_page(page, reference_data, settings):
    page.goto(page.base + "/help/?lang=en")
    target = page.base + "/?lang=en&neutral=1"
    page.evaluate(f"document.getElementById('quick-exit').href = '{target}'")
    page.click("#quick-exit")
    page.wait_for_url("**neutral=1")
    page.go_back()
    assert "/help/" not in page.url  # the help page is no longer in the history
