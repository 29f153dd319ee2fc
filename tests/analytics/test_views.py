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


def test_after_drilling_into_a_region_the_selector_still_offers_every_region(client, central):
    from qorgau.core.models import Region

    client.force_login(central)
    page = client.get("/staff/dashboard/?region=KZ-75").content.decode()
    selector = page[
        page.index('id="f-region"') : page.index("</select>", page.index('id="f-region"'))
    ]
    offered = selector.count('<option value="KZ-')
    assert offered == Region.objects.count() == 20
    assert 'value="KZ-75" selected' in selector


def test_the_dashboard_says_when_its_figures_are_of(client, central):
    from qorgau.analytics import services

    services.fill_report_counts()
    client.force_login(central)
    page = client.get("/staff/dashboard/").content.decode()
    assert "Figures as of" in page and "Missed deadlines and times to first action: as of" in page
    page = client.get("/staff/dashboard/?lang=kk").content.decode()
    assert "Деректер" in page and "бойынша" in page


def test_chart_text_stays_readable_at_a_phones_width(client, central):
    """Charts are drawn 380 units wide: at 358 px of column (a 390 px phone) 13 units are 12.2 px."""
    import re

    client.force_login(central)
    page = client.get("/staff/dashboard/").content.decode()
    boxes = re.findall(r'viewBox="0 0 (\d+) \d+"', page)
    sizes = [int(s) for s in re.findall(r'font-size="(\d+)"', page)]
    assert boxes and all(int(w) <= 380 for w in boxes)
    assert sizes and min(sizes) * 358 / 380 >= 12
