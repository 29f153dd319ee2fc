"""Issue 21: schools in natural order (No. 5 before No. 13), regions in the page language's order."""

import pytest

pytestmark = pytest.mark.django_db


def test_the_school_list_puts_numbered_schools_in_natural_order(client, educator, make_school):
    for number in (21, 5, 13, 1, 9, 17):
        make_school(name=f"Мектеп № {number}")
    client.force_login(educator)
    html = client.get("/staff/prevention/schools/?lang=kk").content.decode()
    places = [html.index(f"Мектеп № {n}<") for n in (1, 5, 9, 13, 17, 21)]
    assert places == sorted(places)


def test_the_coverage_table_lists_regions_in_kazakh_order_on_a_kazakh_page(client, central):
    client.force_login(central)
    response = client.get("/staff/prevention/?lang=kk")
    names = [row.region.name_kk for row in response.context["rows"]]
    assert (
        names.index("Ақмола облысы") < names.index("Алматы облысы") < names.index("Атырау облысы")
    )
    assert names[0] == "Абай облысы" and names[-1] == "Шымкент қаласы"
    response = client.get("/staff/prevention/?lang=ru")
    assert response.context["rows"][0].region.name_ru == "область Абай"


def test_the_coverage_legend_writes_its_percentages_as_the_page_language_does(client, central):
    client.force_login(central)
    russian = client.get("/staff/prevention/?lang=ru").content.decode()
    assert "20–39\xa0%" in russian and "≥80\xa0%" in russian
    kazakh = client.get("/staff/prevention/?lang=kk").content.decode()
    assert "20–39%" in kazakh and "20–39\xa0%" not in kazakh
