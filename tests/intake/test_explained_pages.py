"""Issue 20 on the pages: the analyst sees why a report has its priority, the words marked in the
narrative; a child whose report mentions suicide or self-harm is shown the helplines first."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from qorgau.core.models import Helpline
from qorgau.intake.models import Report
from tests.intake.test_views import form_data, receipt_from

pytestmark = pytest.mark.django_db

LATIN_KAZAKH = "Ol maǵan erteń sabaqtan keıin kezdesemiz dep jazdy.\nErteń!"
MEETING = {
    "code": "meeting",
    "priority": "P1",
    "label": {
        "en": "A meeting with the child is arranged",
        "ru": "Назначена встреча с ребёнком",
        "kk": "Баламен кездесу белгіленген",
    },
    "quotes": ["erteń", "kezdesemiz"],
}
LINKED = {
    "code": "linked_offender",
    "raise": 1,
    "label": {"en": "Linked to the offender register", "ru": "Связь с реестром", "kk": "Тізіл"},
}
SELF_HARM_RU = "Я больше не хочу жить. Он сказал, что разошлёт фото всем."


def submitted(client, **overrides) -> Report:
    response = client.post("/report/", form_data(**overrides))
    assert response.status_code == 201
    return Report.objects.order_by("-created_at").first()


def with_reasons(report: Report, reasons: list) -> Report:
    Report.objects.filter(pk=report.pk).update(priority_reasons=reasons)
    return report


def narrative_html(html: str) -> str:
    return re.search(r'<blockquote class="narrative">(.*?)</blockquote>', html, re.S).group(1)


def marked(html: str) -> list[str]:
    return re.findall(r"<mark>(.*?)</mark>", narrative_html(html), re.S)


class TestTheAnalystSeesWhy:
    def test_the_quoted_words_are_named_and_marked_in_the_narrative(self, client, analyst):
        report = with_reasons(submitted(client, narrative=LATIN_KAZAKH), [MEETING, LINKED])
        client.force_login(analyst)
        html = client.get(f"/staff/reports/{report.public_id}/?lang=en").content.decode()
        assert marked(html) == ["erteń", "kezdesemiz", "Erteń"]
        assert narrative_html(html).count("<br>") == 1  # the line break kept
        reasons = re.search(r'<ul class="plain reasons">(.*?)</ul>', html, re.S).group(1)
        assert "A meeting with the child is arranged" in reasons
        assert "words:" in reasons
        assert '«<span class="quote">erteń</span>», «<span class="quote">kezdesemiz</span>»' in (
            reasons
        )
        assert "<li>Linked to the offender register</li>" in reasons  # a raise rule: no words
        assert "Marked: the words that set the priority." in html

    def test_the_narrative_stays_escaped_with_marks_in_it(self, client, analyst):
        narrative = "<script>alert('x')</script> он сказал встретимся завтра <b>после школы</b>"
        quotes = ["<script>", "встретимся", ".*", "[a-z]+", "после школы"]
        report = with_reasons(
            submitted(client, narrative=narrative), [dict(MEETING, quotes=quotes)]
        )
        client.force_login(analyst)
        html = client.get(f"/staff/reports/{report.public_id}/").content.decode()
        assert "<script>alert" not in html and "<b>после" not in html
        assert marked(html) == ["&lt;script&gt;", "встретимся", "после школы"]
        assert "&lt;/script&gt;" in narrative_html(html)

    def test_an_old_reason_without_quotes_renders_as_before(self, client, analyst):
        old = {key: value for key, value in MEETING.items() if key != "quotes"}
        report = with_reasons(submitted(client, narrative=LATIN_KAZAKH), [old])
        client.force_login(analyst)
        html = client.get(f"/staff/reports/{report.public_id}/").content.decode()
        assert "<li>A meeting with the child is arranged</li>" in html
        assert "<mark>" not in html and "words:" not in html and "Marked:" not in html
        assert narrative_html(html) == (
            "Ol maǵan erteń sabaqtan keıin kezdesemiz dep jazdy.<br>Erteń!"
        )

    @pytest.mark.parametrize("language", ["kk", "ru", "en"])
    def test_the_page_works_in_each_staff_language(self, client, analyst, language):
        report = with_reasons(submitted(client, narrative=LATIN_KAZAKH), [MEETING])
        client.force_login(analyst)
        response = client.get(f"/staff/reports/{report.public_id}/?lang={language}")
        html = response.content.decode()
        assert response.status_code == 200 and f'<html lang="{language}">' in html
        assert MEETING["label"][language] in html
        assert marked(html) == ["erteń", "kezdesemiz", "Erteń"]
        assert '«<span class="quote">kezdesemiz</span>»' in html

    def test_the_marks_cost_no_query(self, client, analyst):
        plain = with_reasons(submitted(client, submission="a"), [])
        quoted = with_reasons(
            submitted(client, submission="b"), [dict(MEETING, quotes=["meet", "tomorrow"]), LINKED]
        )
        client.force_login(analyst)
        counts = []
        for report in (plain, quoted, plain):
            with CaptureQueriesContext(connection) as queries:
                assert client.get(f"/staff/reports/{report.public_id}/").status_code == 200
            counts.append(len(queries))
        assert counts[1] == counts[2]


def crisis_html(html: str) -> str:
    return re.search(r'<section class="crisis".*?</section>', html, re.S).group(0)


def main_html(html: str) -> str:
    return re.search(r'<main id="main"[^>]*>(.*?)</main>', html, re.S).group(1)


class TestTheChildIsShownTheHelplinesFirst:
    def assert_helplines_first(self, html: str):
        main = main_html(html)
        assert main.lstrip().startswith('<section class="crisis" aria-labelledby="h-crisis">')
        crisis = crisis_html(main)
        assert '<h1 id="h-crisis">You are not alone.</h1>' in crisis
        assert re.findall(r'href="tel:(\d+)"', crisis) == ["150", "111", "112"]
        assert main.index("</section>") < main.index("Thank you. Your report has been received.")
        assert "<h1>" not in main  # one main heading: the one that speaks to the child
        return crisis

    def test_a_report_that_mentions_suicide_shows_the_helplines_before_the_receipt(
        self, client, reference_data
    ):
        response = client.post(
            "/report/?lang=en", form_data(category="sextortion", narrative=SELF_HARM_RU)
        )
        assert response.status_code == 201
        assert "self_harm" in [r["code"] for r in Report.objects.get().priority_reasons]
        crisis = self.assert_helplines_first(response.content.decode())
        assert "Call 150 now. It is free, day and night. They will listen." in crisis
        assert "Helpline for children and young people · around the clock" in crisis
        assert receipt_from(response)  # the receipt code is still there, after

    def test_i_want_to_die_in_a_sextortion_report_shows_the_helplines_first(
        self, client, reference_data
    ):
        narrative = "я хочу умереть, он сказал что разошлёт фото"
        response = client.post(
            "/report/?lang=en", form_data(category="sextortion", narrative=narrative)
        )
        assert response.status_code == 201
        self.assert_helplines_first(response.content.decode())

    def test_a_report_without_self_harm_starts_with_thank_you(self, client, reference_data):
        html = client.post("/report/?lang=en", form_data()).content.decode()
        assert 'class="crisis"' not in html
        assert (
            main_html(html)
            .lstrip()
            .startswith("<h1>Thank you. Your report has been received.</h1>")
        )

    def test_the_helplines_are_the_databases(self, client, reference_data):
        Helpline.objects.filter(number="111").update(is_active=False)
        Helpline.objects.filter(number="150").update(name_en="Children's line (test)")
        html = client.post(
            "/report/?lang=en", form_data(category="sextortion", narrative=SELF_HARM_RU)
        ).content.decode()
        crisis = crisis_html(html)
        assert re.findall(r'href="tel:(\d+)"', crisis) == ["150", "112"]
        assert "Children&#x27;s line (test)" in crisis

    @pytest.mark.parametrize(
        ("language", "name"),
        [
            ("kk", "Балалар мен жастарға арналған сенім телефоны"),
            ("ru", "Телефон доверия для детей и молодёжи"),
            ("en", "Helpline for children and young people"),
        ],
    )
    def test_the_receipt_speaks_each_language(self, client, reference_data, language, name):
        response = client.post(
            f"/report/?lang={language}", form_data(category="sextortion", narrative=SELF_HARM_RU)
        )
        html = response.content.decode()
        assert response.status_code == 201 and f'<html lang="{language}">' in html
        crisis = crisis_html(main_html(html))
        assert name in crisis and 'href="tel:150"' in crisis
        assert main_html(html).lstrip().startswith('<section class="crisis"')

    def test_the_status_page_shows_them_first_while_the_report_is_open(
        self, client, reference_data
    ):
        code = receipt_from(
            client.post("/report/", form_data(category="sextortion", narrative=SELF_HARM_RU))
        )
        client.post("/report/status/", {"code": code})
        main = main_html(client.get("/report/status/?lang=en").content.decode())
        assert main.lstrip().startswith('<section class="crisis"')
        assert re.findall(r'href="tel:(\d+)"', crisis_html(main)) == ["150", "111", "112"]
        assert main.index("</section>") < main.index("<h2>Your report</h2>")
        Report.objects.update(status="closed")
        main = main_html(client.get("/report/status/?lang=en").content.decode())
        assert 'class="crisis"' not in main and "<h1>Your report</h1>" in main

    def test_the_status_page_of_another_report_has_no_crisis_section(self, client, reference_data):
        client.post("/report/status/", {"code": receipt_from(client.post("/report/", form_data()))})
        main = main_html(client.get("/report/status/?lang=en").content.decode())
        assert 'class="crisis"' not in main and "<h1>Your report</h1>" in main
