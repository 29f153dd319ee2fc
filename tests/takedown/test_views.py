"""The pages: the region's list (filters, overdue), a request with its history and its actions, the
forms on the report's and the subject's pages, the case's box; in Kazakh, Russian and English, on a
phone and without JavaScript."""

from datetime import timedelta

import pytest
from django.utils import timezone
from freezegun import freeze_time

from qorgau.core.models import AuditEntry
from qorgau.intake import services as intake
from qorgau.linking.selectors import subject_for_owner
from qorgau.takedown import services
from qorgau.takedown.models import TakedownRequest
from tests.takedown.conftest import draft, submit

pytestmark = pytest.mark.django_db

FORM = {
    "platform": "telegram",
    "kind": "preservation",
    "targets": "https://t.me/synthetic_channel\n@synthetic_handle",
    "legal_deadline": "",
}


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def test_the_report_page_offers_a_request_to_a_platform(client, analyst, report):
    client.force_login(analyst)
    html = page(client, f"/staff/reports/{report.public_id}/?lang=en")
    assert "Requests to platforms" in html
    assert f"/staff/reports/{report.public_id}/platform-request/" in html


def test_the_central_office_sees_the_box_but_no_link_to_draft(client, central, analyst, report):
    request = draft(analyst, report)
    client.force_login(central)
    html = page(client, f"/staff/reports/{report.public_id}/?lang=en")
    assert f"/staff/platform-requests/{request.public_id}/" in html
    assert "platform-request/" not in html


def test_drafting_from_the_form_then_sending_and_recording_the_answer(client, analyst, report):
    client.force_login(analyst)
    url = f"/staff/reports/{report.public_id}/platform-request/"
    assert "Save the draft" in page(client, url + "?lang=en")
    response = client.post(url, FORM)
    request = TakedownRequest.objects.get()
    assert response.status_code == 302
    assert response.url == f"/staff/platform-requests/{request.public_id}/"
    detail = response.url
    client.post(f"{detail}do/send/", {"reference": ""})
    client.post(f"{detail}do/acknowledge/", {"reference": "TG-LE-7731"})
    request.refresh_from_db()
    assert request.status == "acknowledged" and request.platform_reference == "TG-LE-7731"
    html = page(client, detail + "?lang=en")
    assert "TG-LE-7731" in html and "synthetic_handle" in html
    assert "Done: the data is kept" in html and "Mark as sent" not in html
    assert html.count("<li>") >= 3  # the history: drafted, sent, acknowledged
    assert AuditEntry.objects.filter(
        action="personal.view", object_id=str(request.pk), details__fields=["targets"]
    ).exists()


def test_a_form_with_mistakes_comes_back_with_them(client, analyst, report):
    client.force_login(analyst)
    url = f"/staff/reports/{report.public_id}/platform-request/?lang=en"
    response = client.post(url, {**FORM, "platform": "other"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Name the platform." in html
    response = client.post(url, {**FORM, "targets": " "})
    assert response.status_code == 400
    assert not TakedownRequest.objects.exists()


def test_the_subject_page_offers_a_request_for_the_analysts_region(client, analyst, outsider):
    report = submit(identifiers=[intake.Identifier(kind="telegram", value="@page_subject")])
    subject = subject_for_owner(owner_type="intake.report", owner_id=report.pk)
    client.force_login(analyst)
    html = page(client, f"/staff/subjects/{subject.public_id}/?lang=en")
    url = f"/staff/subjects/{subject.public_id}/platform-request/"
    assert url in html
    response = client.post(url, {**FORM, "kind": "removal"})
    assert response.status_code == 302
    assert TakedownRequest.objects.get().subject == subject
    client.force_login(outsider)
    assert client.get(url).status_code == 404


def test_the_prosecutor_sees_the_requests_on_the_case_page_and_reads_them(
    client, prosecutor, analyst, report, held_case
):
    request = draft(analyst, report)
    client.force_login(prosecutor)
    html = page(client, f"/staff/cases/{held_case.public_id}/?lang=en")
    assert f"/staff/platform-requests/{request.public_id}/" in html
    html = page(client, f"/staff/platform-requests/{request.public_id}/?lang=en")
    assert "You may read this request" in html and "hashes.csv" in html
    assert client.post(f"/staff/platform-requests/{request.public_id}/do/send/").status_code == 403


def test_the_list_shows_the_regions_requests_marks_the_overdue_and_filters(
    client, analyst, outsider, report, other_report, django_assert_num_queries
):
    start = timezone.now()
    with freeze_time(start):
        late = draft(analyst, report, kind="removal")
        services.takedown_send(acting_user=analyst, request=late)
        draft(analyst, report, platform="youtube")
    with freeze_time(start + timedelta(days=10)):
        client.force_login(analyst)
        html = page(client, "/staff/platform-requests/?lang=en")
        assert html.count('class="overdue"') == 1 and "YouTube" in html
        html = page(client, "/staff/platform-requests/?overdue=on&lang=en")
        assert late.public_id in html and "YouTube" not in html
        html = page(client, "/staff/platform-requests/?status=drafted&lang=en")
        assert "YouTube" in html and late.public_id not in html
        with django_assert_num_queries(10) as first:
            client.get("/staff/platform-requests/")
        for platform in ("vk", "whatsapp", "instagram"):  # more rows, no more queries
            draft(analyst, report, platform=platform)
        with django_assert_num_queries(len(first.captured_queries)):
            client.get("/staff/platform-requests/")
    client.force_login(outsider)
    assert late.public_id not in page(client, "/staff/platform-requests/")


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("kk", ["Платформаларға сұраулар", "Деректерді сақтау", "Жоба"]),
        ("ru", ["Запросы платформам", "Сохранение данных", "Черновик"]),
        ("en", ["Requests to platforms", "Preservation of data", "Draft"]),
    ],
)
def test_the_pages_speak_kazakh_russian_and_english(client, analyst, report, language, words):
    request = draft(analyst, report)
    client.force_login(analyst)
    for url in (
        "/staff/platform-requests/",
        f"/staff/platform-requests/{request.public_id}/",
        f"/staff/reports/{report.public_id}/platform-request/",
    ):
        html = page(client, f"{url}?lang={language}")
        assert f'lang="{language}"' in html
        assert "<script" not in html.split("<main")[1].split("</main>")[0]  # works without JS
    html = page(client, f"/staff/platform-requests/?lang={language}")
    assert all(word in html for word in words), language
    if language != "en":
        assert "Requests to platforms" not in html.split("<main")[1]


def test_the_menu_lists_the_requests_with_the_reports(personas):
    from qorgau.core.navigation import menu_for

    for persona in ("analyst", "chief", "central"):
        groups = {
            str(e.label): [str(link.label) for link in e.links] for e in menu_for(personas[persona])
        }
        assert "Requests to platforms" in groups["Reports"], persona


def test_my_work_now_lists_the_regions_overdue_requests(client, analyst, chief, report):
    start = timezone.now()
    with freeze_time(start):
        late = draft(analyst, report, kind="removal", platform="whatsapp")
        services.takedown_send(acting_user=analyst, request=late)
        draft(analyst, report)  # a draft: nothing due
    with freeze_time(start + timedelta(days=9)):
        for user in (analyst, chief):
            client.force_login(user)
            html = page(client, "/staff/?lang=en")
            assert "Requests to platforms past their deadline" in html
            assert f"Removal, WhatsApp: request {late.public_id}" in html
            assert "/staff/platform-requests/?overdue=on" in html
