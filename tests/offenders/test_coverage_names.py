"""Issue 21: the examination coverage names each region in the page's language (it showed the
English "Almaty" on the kk and ru pages) and lists regions in that language's order."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "name"), [("ru", "город Алматы"), ("kk", "Алматы қаласы"), ("en", "Almaty")]
)
def test_the_coverage_page_names_the_region_in_the_pages_language(
    client, inmate, central, language, name
):
    client.force_login(central)
    html = client.get(f"/staff/offenders/coverage/?lang={language}").content.decode()
    assert f">{name}</td>" in html  # a cell (with its data-label for phones)
    if language != "en":
        assert ">Almaty</td>" not in html
