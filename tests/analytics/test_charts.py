"""The charts: geometry in qorgau/analytics/charts.py, markup from an autoescaped template."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.template.loader import render_to_string
from django.test import override_settings
from django.utils import translation

from qorgau.analytics import charts

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert(1)</script> & Sons \"Ltd\" 'x'"


def draw(chart: charts.Chart) -> str:
    return render_to_string(chart.template_name, {"chart": chart})


def parsed(chart: charts.Chart) -> ET.Element:
    """The chart's SVG as XML: it must be well formed, whatever its labels hold."""
    return ET.fromstring(draw(chart))


def every_chart_kind(label: str) -> list[charts.Chart]:
    return [
        charts.grouped_bars(
            rows=[
                {"month": label, "reports": 3, "cases": 1},
                {"month": "2026-02", "reports": 0, "cases": 0},
            ],
            series=[("reports", label), ("cases", "Cases")],
            label_key="month",
            title=label,
        ),
        charts.horizontal_bars(rows=[(label, 7), ("Astana", 2)], title=label),
        charts.stacked_bar(parts_=[("P1", label, 90), ("P2", "P2", 10)], title=label),
    ]


@pytest.mark.parametrize("kind", range(3), ids=["grouped_bars", "horizontal_bars", "stacked_bar"])
def test_a_label_with_markup_comes_out_escaped_in_every_chart_kind(kind):
    chart = every_chart_kind(HOSTILE)[kind]
    svg = draw(chart)
    assert "<script>" not in svg and "Sons" in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Sons &quot;Ltd&quot; &#x27;x&#x27;" in svg
    root = ET.fromstring(svg)
    assert root.get("aria-label") == HOSTILE and root.find(f"{SVG}title").text == HOSTILE
    texts = [t.text for t in root.iter(f"{SVG}text")]
    tooltips = [t.text for t in root.iter(f"{SVG}title")]
    assert any(HOSTILE in (t or "") for t in texts)
    if kind != 1:  # the horizontal bars have no tooltips
        assert any(HOSTILE in (t or "") for t in tooltips[1:])
    assert not root.findall(f".//{SVG}script")


def test_a_chart_keeps_its_text_alternative_and_the_classes_the_css_uses():
    chart = charts.horizontal_bars(rows=[("Almaty", 12), ("Astana", 3)], title="Reports per region")
    root = parsed(chart)
    assert root.get("role") == "img" and root.get("class") == "chart"
    assert root.get("viewBox") == "0 0 720 54"
    assert [t.text for t in root.iter(f"{SVG}text")] == ["Almaty", "12", "Astana", "3"]
    assert chart.description == "Reports per region. Almaty: 12; Astana: 3"


def test_the_geometry_is_the_same_as_before_the_templates():
    chart = charts.stacked_bar(
        parts_=[("P1", "P1", 3), ("P2", "P2", 40), ("P3", "P3", 120), ("P4", "P4", 7)],
        title="Reports by priority",
    )
    assert draw(chart).strip() == (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 720 50" role="img" '
        'aria-label="Reports by priority" class="chart"><title>Reports by priority</title>'
        '<rect x="0.0" y="4" width="12.7" height="24" fill="#b00020"><title>P1: 3</title></rect>'
        '<rect x="12.7" y="4" width="169.4" height="24" fill="#a64b00"><title>P2: 40</title></rect>'
        '<text x="16.7" y="21" font-size="12" fill="#fff">P2 40</text>'
        '<rect x="182.1" y="4" width="508.2" height="24" fill="#0b4f9c"><title>P3: 120</title></rect>'
        '<text x="186.1" y="21" font-size="12" fill="#fff">P3 120</text>'
        '<rect x="690.4" y="4" width="29.6" height="24" fill="#4a4a55"><title>P4: 7</title></rect>'
        "</svg>"
    )


@override_settings(USE_THOUSAND_SEPARATOR=True)
@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_coordinates_stay_plain_numbers_while_counts_follow_the_language(language):
    with translation.override(language):
        chart = charts.grouped_bars(
            rows=[{"m": "2026-01", "reports": 12345, "cases": 6789}],
            series=[("reports", "Reports"), ("cases", "Cases")],
            label_key="m",
            title="Per month",
        )
        root = parsed(chart)
        count = charts._n(12345)
    for element in root.iter():
        for name in ("x", "y", "width", "height", "x1", "y1", "x2", "y2"):
            if element.get(name) is not None:
                assert re.fullmatch(r"-?\d+(\.\d)?", element.get(name)), (name, element.get(name))
    assert root.find(f"{SVG}text").text == count  # the top tick
    assert f"Reports {count}" in chart.description
    if language == "ru":
        assert count == "12\xa0345"  # grouped as the rest of the page groups numbers


def test_an_empty_chart_still_draws():
    for chart in (
        charts.grouped_bars(rows=[], series=[("reports", "R")], label_key="m", title="Empty"),
        charts.horizontal_bars(rows=[], title="Empty"),
        charts.stacked_bar(parts_=[("P1", "P1", 0)], title="Empty"),
    ):
        assert parsed(chart).find(f"{SVG}title").text == "Empty"


@pytest.mark.django_db
def test_a_region_name_with_markup_is_escaped_in_the_dashboard_charts(client, central):
    from qorgau.core.models import Region
    from qorgau.core.selectors import region_cache_clear

    Region.objects.filter(code="KZ-71").update(name_kk=HOSTILE, name_ru=HOSTILE, name_en=HOSTILE)
    region_cache_clear()
    client.force_login(central)
    html = client.get("/staff/dashboard/").content.decode()
    assert "<script>alert(1)" not in html
    svgs = re.findall(r"<svg .*?</svg>", html, flags=re.S)
    assert len(svgs) == 3
    by_region = ET.fromstring(svgs[2])
    assert HOSTILE in [t.text for t in by_region.iter(f"{SVG}text")]
    figures = re.findall(r'<figure class="chart-figure">.*?</figure>', html, flags=re.S)
    assert len(figures) == 3 and all('class="visually-hidden"' in f for f in figures)
