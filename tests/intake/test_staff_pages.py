"""The staff's report page and queue: what identifies a report, what is offered, in each language."""

import pytest

from qorgau.cases import services as case_services
from qorgau.cases.errors import CaseActionRefused
from qorgau.cases.models import Case
from qorgau.intake import services
from qorgau.intake.enums import Source
from qorgau.intake.models import Report

pytestmark = pytest.mark.django_db

NUMBER = "261234567890123"


@pytest.fixture
def make_prosecutor(reference_data):
    from qorgau.cases.models import Prosecutor
    from qorgau.core.enums import Role
    from tests.factories import UserFactory, region

    def make(gender="f", code="KZ-75"):
        user = UserFactory(role=Role.PROSECUTOR, gender=gender, region=region(code))
        return Prosecutor.objects.create(user=user)

    return make


def submit(narrative="Он написал мне в телеграме и зовёт встретиться.", code="KZ-75", **kw):
    return services.report_submit(
        draft=services.ReportDraft(
            category=kw.pop("category", "grooming"),
            narrative=narrative,
            region_code=code,
            child_age=kw.pop("child_age", 13),
            **kw,
        ),
        submitter=services.Submitter(source=Source.WEB),
    ).report


@pytest.mark.parametrize(("lang", "label"), [("kk", "Жасы"), ("ru", "Возраст"), ("en", "Age")])
def test_the_report_page_gives_the_childs_age_as_an_age(client, analyst, lang, label):
    report = submit()
    client.force_login(analyst)
    html = client.get(f"/staff/reports/{report.public_id}/?lang={lang}").content.decode()
    assert f'<dt>{label}</dt><dd id="child-age">13' in html
    assert "Ребёнок" not in html and "<dt>Child</dt>" not in html


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("kk", "Орыс тілі, кирилл әріптері"),
        ("ru", "Русский, кириллица"),
        ("en", "Russian, Cyrillic letters"),
    ],
)
def test_the_report_page_says_in_which_language_and_letters_the_child_wrote(
    client, analyst, lang, words
):
    report = submit()
    assert (report.text_language, report.text_script) == ("ru", "cyrillic")
    client.force_login(analyst)
    html = client.get(f"/staff/reports/{report.public_id}/?lang={lang}").content.decode()
    assert f'id="written-in">{words}' in html


def test_turn_into_a_case_is_offered_until_a_case_exists(client, analyst, make_prosecutor):
    make_prosecutor("f")
    report = submit()
    client.force_login(analyst)
    page = f"/staff/reports/{report.public_id}/"
    assert "/to-case/" in client.get(page).content.decode()
    client.post(f"{page}to-case/", {"registry_number": NUMBER, "articles": ["120"]})
    assert Case.objects.count() == 1
    assert "/to-case/" not in client.get(page).content.decode()


def test_the_service_refuses_a_second_case_on_the_same_report(analyst, make_prosecutor):
    make_prosecutor("f")
    report = submit()
    case_services.case_create_from_report(
        acting_user=analyst, report=report, registry_number=NUMBER, articles=["120"]
    )
    report.refresh_from_db()
    with pytest.raises(CaseActionRefused) as refused:
        case_services.case_create_from_report(
            acting_user=analyst, report=report, registry_number="261234567890124", articles=["120"]
        )
    assert refused.value.conflict and NUMBER in refused.value.message
    assert Case.objects.count() == 1


def test_a_second_post_to_turn_into_a_case_registers_nothing(client, analyst, make_prosecutor):
    make_prosecutor("f")
    report = submit()
    client.force_login(analyst)
    url = f"/staff/reports/{report.public_id}/to-case/"
    client.post(url, {"registry_number": NUMBER, "articles": ["120"]})
    client.post(url, {"registry_number": "261234567890124", "articles": ["120"]})
    assert list(Case.objects.values_list("registry_number", flat=True)) == [NUMBER]


@pytest.mark.parametrize(
    ("lang", "hint", "error"),
    [
        ("en", "15 digits", "An ERDR number is 15 digits"),
        ("ru", "15 цифр", "Номер ЕРДР состоит из 15 цифр"),
        ("kk", "15 цифр", "СДТБТ нөмірі 15 цифрдан тұрады"),
    ],
)
def test_the_registry_number_has_a_hint_and_a_clear_error(
    client, analyst, make_prosecutor, lang, hint, error
):
    make_prosecutor("f")
    report = submit()
    client.force_login(analyst)
    page = client.get(f"/staff/reports/{report.public_id}/?lang={lang}").content.decode()
    assert hint in page
    response = client.post(
        f"/staff/reports/{report.public_id}/to-case/?lang={lang}",
        {"registry_number": "КУИ-12/3", "articles": ["120"]},
    )
    assert response.status_code == 400
    assert error in response.content.decode()
    assert not Case.objects.exists()
    report.refresh_from_db()
    assert report.case_registry_number == ""


def test_a_registry_number_with_spaces_is_kept_as_its_15_digits(client, analyst, make_prosecutor):
    make_prosecutor("f")
    report = submit()
    client.force_login(analyst)
    client.post(
        f"/staff/reports/{report.public_id}/to-case/",
        {"registry_number": "26 1234 5678 90123", "articles": ["120"]},
    )
    assert Report.objects.get().case_registry_number == NUMBER


def test_the_queue_shows_what_happened_and_the_first_line_to_those_who_may_read_it(client, analyst):
    from qorgau.core.models import AuditEntry

    report = submit(narrative="\n  Он пишет мне   каждый вечер.\nВторая строка.")
    client.force_login(analyst)
    html = client.get("/staff/reports/?lang=en").content.decode()
    assert "«Он пишет мне каждый вечер.»" in html
    assert "Вторая строка" not in html
    assert "Online grooming" in html or report.get_category_display() in html
    entry = AuditEntry.objects.filter(action="personal.view", actor=analyst).latest("pk")
    assert entry.details == {"fields": ["narrative.first_line"], "reports": [report.public_id]}
    assert "Он пишет" not in str(entry.details)


def test_a_long_first_line_is_cut(client, analyst):
    submit(narrative="слово " * 60)
    client.force_login(analyst)
    html = client.get("/staff/reports/").content.decode()
    assert "…»" in html and ("слово " * 30) not in html


def test_the_queue_has_no_region_column_for_one_region_and_one_for_the_central_office(
    client, analyst, central
):
    submit()
    client.force_login(analyst)
    response = client.get("/staff/reports/?lang=en")
    assert response.context["show_region"] is False
    assert '<th scope="col">Region</th>' not in response.content.decode()
    client.force_login(central)
    response = client.get("/staff/reports/?lang=en")
    assert '<th scope="col">Region</th>' in response.content.decode()
    assert "Almaty" in response.content.decode()


def test_reports_of_other_regions_are_not_in_the_queue_nor_their_first_lines(client, outsider):
    submit(narrative="Только для Алматы.")
    client.force_login(outsider)
    html = client.get("/staff/reports/").content.decode()
    assert "Только для Алматы" not in html
