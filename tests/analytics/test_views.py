import csv
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db


def test_the_central_office_opens_the_national_picture_and_drills_into_a_region(client, central):
    client.force_login(central)
    response = client.get("/staff/dashboard/")
    assert response.status_code == 200 and len(response.context["table"]) == 20
    assert "<svg" in response.content.decode() and "<figcaption" in response.content.decode()
    response = client.get("/staff/dashboard/?region=KZ-75")
    assert [r.region.code for r in response.context["table"]] == ["KZ-75"]


def test_a_chief_sees_their_region_only(client, chief):
    client.force_login(chief)
    response = client.get("/staff/dashboard/")
    assert [r.region.code for r in response.context["table"]] == ["KZ-75"]
    assert client.get("/staff/dashboard/?region=KZ-71").status_code == 403


@pytest.mark.parametrize(
    "persona", ["analyst", "prosecutor", "clinician", "police", "educator", "partner", "admin"]
)
def test_other_roles_do_not_see_the_dashboard(client, personas, persona):
    client.force_login(personas[persona])
    assert client.get("/staff/dashboard/").status_code == 403


def test_the_region_table_exports_to_excel_and_csv(client, central):
    client.force_login(central)
    response = client.get(f"/staff/dashboard/regions.xlsx?year={timezone.localdate().year}")
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 21
    csv_text = client.get("/staff/dashboard/regions.csv").content.decode("utf-8-sig")
    assert len(csv_text.splitlines()) == 21


@pytest.mark.parametrize(
    ("language", "first", "almaty"),
    [
        ("ru", ["Регион", "Код региона", "Сообщения"], "город Алматы"),
        ("kk", ["Өңір", "Өңір коды", "Хабарламалар"], "Алматы қаласы"),
        ("en", ["Region", "Region code", "Reports"], "Almaty"),
    ],
)
def test_an_export_speaks_the_readers_language_and_names_the_regions(
    client, central, language, first, almaty
):
    central.language = language
    central.save(update_fields=["language"])
    client.force_login(central)
    client.cookies["qorgau_language"] = language
    year = timezone.localdate().year
    sheet = load_workbook(
        io.BytesIO(client.get(f"/staff/dashboard/regions.xlsx?year={year}").content)
    ).active
    header = [sheet.cell(1, c).value for c in range(1, 4)]
    assert header == first
    assert "deadline_breaches" not in [c.value for c in sheet[1]]
    names = [sheet.cell(r, 1).value for r in range(2, sheet.max_row + 1)]
    codes = [sheet.cell(r, 2).value for r in range(2, sheet.max_row + 1)]
    assert almaty in names and "KZ-75" in codes and "KZ-75" not in names
    rows = list(
        csv.reader(
            io.StringIO(client.get("/staff/dashboard/regions.csv").content.decode("utf-8-sig"))
        )
    )
    assert rows[0][:3] == first


def test_the_monthly_report_prints(client, central):
    client.force_login(central)
    assert client.get("/staff/dashboard/monthly/?month=2026-11").status_code == 200


def test_the_dashboard_costs_a_bounded_number_of_queries(
    client, central, django_assert_max_num_queries
):
    client.force_login(central)
    with django_assert_max_num_queries(40):
        client.get("/staff/dashboard/")


def test_a_chiefs_note_shows_at_once_despite_the_cached_figures(client, chief):
    client.force_login(chief)
    client.get("/staff/dashboard/")
    client.post("/staff/dashboard/note/", {"text": "Synthetic note: we need a psychologist."})
    html = client.get("/staff/dashboard/").content.decode()
    assert "Synthetic note: we need a psychologist." in html
