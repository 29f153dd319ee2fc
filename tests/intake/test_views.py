"""The public Red Button pages and the staff report pages."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from qorgau.core.models import AuditEntry
from qorgau.intake import services
from qorgau.intake.enums import Source
from qorgau.intake.models import Report
from tests.intake.conftest import EXE, PNG

pytestmark = pytest.mark.django_db


def form_data(**overrides):
    data = {
        "category": "grooming",
        "relation": "child",
        "narrative": "A man on Telegram said he will meet me tomorrow after school.",
        "child_age": "12",
        "child_gender": "f",
        "region": "KZ-75",
        "suspect_telegram": "@synthetic_man",
        "contact": "anonymous",
        "submission": "form-key-1",
    }
    data.update(overrides)
    return data


def receipt_from(response) -> str:
    match = re.search(r'class="receipt-code"[^>]*>([\d ]+)<', response.content.decode())
    return match.group(1)


class TestReportForm:
    def test_the_form_works_without_javascript_and_says_what_it_needs(self, client, reference_data):
        html = client.get("/report/?lang=kk").content.decode()
        assert '<html lang="kk">' in html
        assert 'enctype="multipart/form-data"' in html
        assert 'name="category"' in html and 'name="narrative"' in html
        assert 'name="website"' in html  # the honeypot
        assert "<script>" not in html

    def test_a_child_reports_in_kazakh_and_gets_a_receipt_and_advice(self, client, almaty):
        response = client.post(
            "/report/?lang=kk",
            form_data(evidence=[SimpleUploadedFile("screen.png", PNG, "image/png")]),
        )
        assert response.status_code == 201
        html = response.content.decode()
        code = receipt_from(response)
        assert re.fullmatch(r"\d{4} \d{4} \d{4} \d{4}", code)
        assert 'href="tel:150"' in html and "102" in html
        report = Report.objects.get()
        assert report.language == "kk" and report.region == almaty and report.source == Source.WEB
        assert report.evidence.get().content_type == "image/png"
        assert response.headers["Cache-Control"].startswith("max-age=0")

    def test_the_receipt_code_can_be_saved_in_a_file_without_asking_the_server(
        self, client, reference_data
    ):
        from urllib.parse import unquote

        response = client.post("/report/?lang=en", form_data())
        code = receipt_from(response)
        link = re.search(
            r'href="data:text/plain;charset=utf-8,([^"]+)" download="receipt.txt"',
            response.content.decode(),
        )
        text = unquote(link.group(1))
        assert f"Receipt code: {code}" in text and "http://testserver/report/status/" in text

    def test_a_resent_form_does_not_make_a_second_report(self, client, reference_data):
        client.post("/report/", form_data())
        response = client.post("/report/", form_data())
        assert response.status_code == 201
        assert "already sent" in response.content.decode() or "уже" in response.content.decode()
        assert Report.objects.count() == 1

    def test_bad_input_is_shown_beside_the_field_and_what_was_typed_is_kept(
        self, client, reference_data
    ):
        response = client.post(
            "/report/?lang=en",
            form_data(
                child_age="", narrative="I was scared", contact="contact", reporter_phone="hello"
            ),
        )
        assert response.status_code == 400
        html = response.content.decode()
        assert "This is not a phone number we can call" in html
        assert "I was scared" in html and 'value="hello"' in html
        assert Report.objects.count() == 0

    def test_a_file_that_is_not_allowed_is_refused_clearly(self, client, reference_data):
        response = client.post(
            "/report/?lang=en",
            form_data(evidence=[SimpleUploadedFile("cat.jpg", EXE, "image/jpeg")]),
        )
        assert response.status_code == 400
        assert "cannot be accepted" in response.content.decode()
        assert Report.objects.count() == 0

    def test_missing_answers_are_named(self, client, reference_data):
        response = client.post("/report/?lang=en", {"submission": "x"})
        assert response.status_code == 400
        assert "Tell us what happened, in a few words at least." in response.content.decode()

    def test_the_honeypot_stops_bots(self, client, reference_data):
        response = client.post("/report/", form_data(website="http://spam.example"))
        assert response.status_code == 400
        assert Report.objects.count() == 0

    def test_one_address_cannot_flood_the_form(self, client, reference_data, settings):
        settings.QORGAU_REPORT_RATE_PER_HOUR = 2
        for n in range(2):
            assert client.post("/report/", form_data(submission=f"k{n}")).status_code == 201
        response = client.post("/report/?lang=en", form_data(submission="k3"))
        assert response.status_code == 429
        assert "Too many reports" in response.content.decode()
        assert "A man on Telegram" in response.content.decode()  # kept

    def test_the_widget_source_is_recorded(self, client, reference_data):
        client.get("/report/?src=widget")
        client.post("/report/", form_data(source="widget"))
        assert Report.objects.get().source == Source.WIDGET


class TestFollowUp:
    def test_the_receipt_shows_status_and_the_analysts_message(self, client, analyst):
        code = receipt_from(client.post("/report/", form_data()))
        report = Report.objects.get()
        services.report_message_reporter(
            report=report, acting_user=analyst, body="We read it. Are you safe?"
        )
        response = client.post("/report/status/?lang=en", {"code": code})
        assert response.status_code == 302
        html = client.get("/report/status/?lang=en").content.decode()
        assert "Received" in html and "We read it. Are you safe?" in html
        assert analyst.full_name not in html  # staff names are not shown to reporters

    def test_the_reporter_adds_information(self, client, reference_data):
        code = receipt_from(client.post("/report/", form_data()))
        client.post("/report/status/", {"code": code})
        response = client.post(
            "/report/status/",
            {
                "body": "He sent another message",
                "evidence": [SimpleUploadedFile("b.txt", b"more", "text/plain")],
            },
        )
        assert response.status_code == 302
        report = Report.objects.get()
        assert report.messages.get().body == "He sent another message"
        assert report.evidence.count() == 1

    def test_a_wrong_code_is_refused_and_addresses_are_rate_limited(
        self, client, reference_data, settings
    ):
        settings.QORGAU_RECEIPT_RATE_PER_10_MIN = 3
        for _ in range(3):
            response = client.post("/report/status/?lang=en", {"code": "1111 2222 3333 4444"})
            assert response.status_code == 400
            assert "This code does not open a report" in response.content.decode()
        assert (
            client.post("/report/status/?lang=en", {"code": "1111 2222 3333 4444"}).status_code
            == 429
        )
        elsewhere = client.post(
            "/report/status/?lang=en", {"code": "1111 2222 3333 4444"}, REMOTE_ADDR="192.0.2.77"
        )
        assert elsewhere.status_code == 400  # the limit is this address's, nobody else's

    def test_closing_forgets_the_report_on_this_device(self, client, reference_data):
        code = receipt_from(client.post("/report/", form_data()))
        client.post("/report/status/", {"code": code})
        client.post("/report/status/close/")
        assert "Your receipt code" in client.get("/report/status/?lang=en").content.decode()


class TestWidget:
    def test_the_script_draws_a_button_to_the_form_without_cookies(self, client, reference_data):
        response = client.get("/widget.js")
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/javascript")
        body = response.content.decode()
        assert "http://testserver/report/" in body and 'target = "_blank"' in body
        assert "cookie" not in body.lower().replace("sets no cookies", "")
        assert not response.cookies

    def test_the_embed_page_shows_how_and_a_live_example(self, client, reference_data):
        html = client.get("/embed/").content.decode()
        assert "http://testserver/widget.js" in html
        assert '<script src="/widget.js"' in html


class TestStaffPages:
    def test_an_analyst_sees_their_regions_reports_only(self, client, analyst, outsider):
        client.post("/report/", form_data())
        client.post("/report/", form_data(region="KZ-71", submission="other"))
        client.force_login(analyst)
        shown = [r.region.code for r in client.get("/staff/reports/").context["page"]]
        assert shown == ["KZ-75"]
        client.force_login(outsider)
        shown = [r.region.code for r in client.get("/staff/reports/").context["page"]]
        assert shown == ["KZ-71"]

    def test_another_regions_report_is_404(self, client, outsider):
        client.post("/report/", form_data())
        report = Report.objects.get()
        client.force_login(outsider)
        assert client.get(f"/staff/reports/{report.public_id}/").status_code == 404

    def test_viewing_a_report_is_audited(self, client, analyst):
        client.post("/report/", form_data())
        report = Report.objects.get()
        client.force_login(analyst)
        response = client.get(f"/staff/reports/{report.public_id}/")
        assert response.status_code == 200 and "A man on Telegram" in response.content.decode()
        entry = AuditEntry.objects.get(action="personal.view")
        assert entry.actor == analyst and "narrative" in entry.details["fields"]

    def test_the_report_page_names_each_identifier_kind_in_the_staff_language(
        self, client, analyst
    ):
        client.post("/report/", form_data(suspect_phone="8 701 555 44 33"))
        report = Report.objects.get()
        client.force_login(analyst)
        html = client.get(f"/staff/reports/{report.public_id}/?lang=ru").content.decode()
        assert "<td>Телефон</td>" in html and "<td>Telegram</td>" in html
        assert "<td>phone</td>" not in html

    @pytest.mark.parametrize(
        "persona", ["prosecutor", "clinician", "police", "educator", "partner", "admin"]
    )
    def test_other_roles_do_not_see_reports(self, client, personas, persona):
        client.force_login(personas[persona])
        assert client.get("/staff/reports/").status_code == 403

    def test_evidence_is_downloaded_deliberately_never_inline(self, client, analyst):
        client.post("/report/", form_data(evidence=[SimpleUploadedFile("s.png", PNG, "image/png")]))
        report = Report.objects.get()
        item = report.evidence.get()
        client.force_login(analyst)
        url = f"/staff/reports/{report.public_id}/evidence/{item.public_id}/"
        assert client.get(url).status_code == 405
        response = client.post(url)
        assert response.status_code == 200 and response.content == PNG
        assert response["Content-Type"] == "application/octet-stream"
        assert response["Content-Disposition"].startswith("attachment;")
        assert AuditEntry.objects.filter(action="evidence.download", actor=analyst).exists()

    def test_the_queue_costs_a_fixed_number_of_queries(
        self, client, analyst, django_assert_max_num_queries
    ):
        for n in range(15):
            client.post("/report/", form_data(submission=f"q{n}"))
        client.force_login(analyst)
        # 10, and the page's one audit entry of the first lines shown (its chain: 5)
        with django_assert_max_num_queries(15):
            assert client.get("/staff/reports/").status_code == 200


class TestWorkspace:
    def make(self, client, **overrides):
        client.post("/report/", form_data(**overrides))
        return Report.objects.order_by("-created_at").first()

    def test_the_queue_filters_and_sorts(self, client, analyst):
        urgent = self.make(
            client, narrative="Он сказал, что завтра встретит её после школы.", submission="a"
        )
        self.make(client, category="other", narrative="info", child_age="", submission="b")
        client.force_login(analyst)
        page = client.get("/staff/reports/").context["page"]
        assert page[0].pk == urgent.pk and page[0].priority == "P1"
        only = client.get("/staff/reports/?priority=P4").context["page"]
        assert [r.category for r in only] == ["other"]
        newest = client.get("/staff/reports/?sort=newest").context["page"]
        assert newest[0].category == "other"
        found = client.get("/staff/reports/?find=telegram:synthetic_man").context["page"]
        assert len(found) == 2

    def test_actions_are_posted_and_refused_clearly(self, client, analyst):
        report = self.make(client)
        client.force_login(analyst)
        base = f"/staff/reports/{report.public_id}/do"
        assert client.post(f"{base}/take/").status_code == 302
        response = client.post(f"{base}/refer/?lang=en", {"target": "police", "reason": ""})
        assert (
            response.status_code == 400 and "This field is required." in response.content.decode()
        )
        response = client.post(f"{base}/close/", {"reason": "resolved"}, follow=True)
        assert (
            "The report was closed." in response.content.decode()
            or "закрыт" in response.content.decode()
        )
        report.refresh_from_db()
        assert report.status == "closed"
        assert client.post(f"{base}/fly/").status_code == 404

    def test_an_action_on_another_regions_report_is_404(self, client, outsider):
        report = self.make(client)
        client.force_login(outsider)
        assert client.post(f"/staff/reports/{report.public_id}/do/take/").status_code == 404
        report.refresh_from_db()
        assert report.assigned_to is None

    def test_the_report_page_shows_linked_reports_and_the_subject(self, client, analyst):
        first = self.make(client, submission="a")
        self.make(client, submission="b")
        client.force_login(analyst)
        response = client.get(f"/staff/reports/{first.public_id}/")
        assert response.context["subject"] is not None
        assert len(response.context["linked"]) == 1
        subject = response.context["subject"]
        page = client.get(f"/staff/subjects/{subject.public_id}/")
        assert page.status_code == 200 and len(page.context["reports"]) == 2

    def test_the_reporter_sees_actions_in_plain_words(self, client, analyst):
        code = receipt_from(client.post("/report/", form_data()))
        report = Report.objects.get()
        client.force_login(analyst)
        client.post(f"/staff/reports/{report.public_id}/do/take/")
        client.post(
            f"/staff/reports/{report.public_id}/do/more_info/",
            {"body": "Can you send a screenshot?"},
        )
        client.logout()
        client.post("/report/status/", {"code": code})
        html = client.get("/report/status/?lang=en").content.decode()
        assert "A duty officer is reading your report" in html
        assert "The duty officer asked you to tell more" in html
        assert "Taken by a duty officer" not in html  # the staff's words stay on the staff's page
        assert "Can you send a screenshot?" in html
        kazakh = client.get("/report/status/?lang=kk").content.decode()
        assert "Кезекші қызметкер хабарламаңды қарауға алды" in kazakh
        assert "Кезекші қызметкердің хаты" in kazakh
        assert "жұмысқа алды" not in kazakh and "Мәртебе өзгертілді" not in kazakh
        russian = client.get("/report/status/?lang=ru").content.decode()
        assert "Письмо от дежурного сотрудника" in russian and "заявител" not in russian

    def test_on_duty_and_alerts(self, client, analyst, django_capture_on_commit_callbacks):
        client.force_login(analyst)
        client.post("/staff/on-duty/", {"on_duty": "1"})
        from qorgau.core.duty import is_on_duty

        assert is_on_duty(analyst)
        client.logout()
        with django_capture_on_commit_callbacks(execute=True):
            self.make(client, narrative="Он сказал, что завтра встретит её после школы.")
        client.force_login(analyst)
        assert client.get("/staff/").context["unread_notifications"]() == 1
        assert client.get("/staff/notifications/").status_code == 200
        client.post("/staff/notifications/")
        # an urgent alert stays until it is acknowledged: "read" is not "I have it"
        assert client.get("/staff/").context["unread_notifications"]() == 1
        notification = analyst.notifications.get()
        client.post(f"/staff/notifications/{notification.pk}/acknowledge/")
        assert client.get("/staff/").context["unread_notifications"]() == 0
        notification.alert.refresh_from_db()
        assert notification.alert.acknowledged_by == analyst
        assert notification.alert.escalate_at is None


def test_the_analyst_sees_how_the_narrative_is_written(client, analyst):
    client.post(
        "/report/", form_data(narrative="Ol maǵan erteń sabaqtan keıin kezdesemiz dep jazdy")
    )
    report = Report.objects.get()
    client.force_login(analyst)
    html = client.get(f"/staff/reports/{report.public_id}/").content.decode()
    assert 'id="written-in">Kazakh, Latin letters<' in html


def step(html: str, name: str) -> str:
    """The part of the form page that is one step."""
    start = html.index(f'id="{name}"')
    end = html.find('<section class="step"', start)
    return html[start : end if end > 0 else len(html)]


class TestTheChildsWords:
    """Issue 21: the public form and the status page speak to the child, in the page's language."""

    def test_the_categories_speak_to_the_child_and_the_staff_keep_their_terms(
        self, client, analyst
    ):
        kazakh = step(client.get("/report/?lang=kk").content.decode(), "step-what")
        assert "Интернетте біреу маған не басқа балаға тым жақындасуға тырысып жүр" in kazakh
        russian = step(client.get("/report/?lang=ru").content.decode(), "step-what")
        assert "Кто-то угрожает или шантажирует интимными фото" in russian
        for text in (kazakh, russian):
            labels = " ".join(re.findall(r"<span>([^<]*)</span>", text))
            assert "sextortion" not in labels and "груминг" not in labels
            assert "Баламен ғашықтық" not in labels and "вне интернета" not in labels
        client.post("/report/", form_data(category="sextortion"))
        client.force_login(analyst)
        staff = client.get(f"/staff/reports/{Report.objects.get().public_id}/?lang=en")
        assert "Threats or blackmail with intimate pictures (sextortion)" in staff.content.decode()

    def test_step_four_asks_four_questions_and_the_rest_waits_behind_i_know_more(
        self, client, reference_data
    ):
        person = step(client.get("/report/?lang=ru").content.decode(), "step-person")
        asked, folded = person.split("<details", 1)
        assert asked.count('type="text"') == 4 and folded.count('type="text"') == 6
        assert "Я знаю больше" in folded and not folded.startswith(' class="know-more" open')
        # the server takes the form as before: what was folded is sent and kept
        client.post("/report/", form_data(suspect_vk="vk.com/sxt_demo"))
        kinds = [item["kind"] for item in Report.objects.get().suspect["identifiers"]]
        assert kinds == ["telegram", "vk"]

    def test_i_know_more_stays_open_when_something_in_it_was_typed(self, client, reference_data):
        response = client.post("/report/?lang=kk", form_data(narrative="", suspect_vk="vk.com/x"))
        assert response.status_code == 400
        person = step(response.content.decode(), "step-person")
        assert '<details class="know-more" open>' in person and 'value="vk.com/x"' in person

    def test_the_file_button_speaks_the_pages_language_and_keeps_its_label(
        self, client, reference_data
    ):
        files = step(client.get("/report/?lang=ru").content.decode(), "step-files")
        assert '<label for="id_evidence">Скриншоты, голосовые записи, видео' in files
        assert re.search(
            r'<label class="button file-button"><input type="file"[^>]*multiple', files
        )
        assert "Выбери файлы" in files and 'data-none="Файл не выбран"' in files

    def test_the_step_counter_counts_the_kazakh_way(self, client, reference_data):
        html = client.get("/report/?lang=kk").content.decode()
        assert '"step": "%(n)s-\\u049b\\u0430\\u0434\\u0430\\u043c' in html  # %(n)s-қадам
        assert "(барлығы %(total)s)" in html.encode().decode("unicode_escape")

    def test_the_status_page_writes_dates_the_kazakh_way(self, client, reference_data):
        from django.utils import timezone

        code = receipt_from(client.post("/report/", form_data()))
        client.post("/report/status/", {"code": code})
        html = client.get("/report/status/?lang=kk").content.decode()
        sent = timezone.localtime(Report.objects.get().created_at)
        months = (
            "қаңтар ақпан наурыз сәуір мамыр маусым шілде тамыз қыркүйек қазан қараша желтоқсан"
        )
        month = months.split()[sent.month - 1]
        assert f"{sent.year} жылғы {sent.day} {month}," in html
        assert month.capitalize() not in html
        assert "Хабарламаң келіп түсті" in html  # the timeline in the child's words
        assert "Осы құрылғыдан шығу" in html  # the button ends the session, not the report
