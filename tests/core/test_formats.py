"""Issue 21: dates and numbers as each language writes them (qorgau/formats, core/numbers.py)."""

from datetime import date, datetime

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from qorgau.core.dates import format_date, format_datetime
from qorgau.core.numbers import format_number, format_p_value, format_percent

DAY = date(2026, 12, 3)


def render(source: str, language: str, **context) -> str:
    with translation.override(language):
        return Template("{% load qorgau_format %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("language", "expected"),
    [("kk", "2026 жылғы 3 желтоқсан"), ("ru", "3 декабря 2026 г."), ("en", "3 December 2026")],
)
def test_a_page_writes_a_date_as_its_language_does(language, expected):
    assert render('{{ d|date:"DATE_FORMAT" }}', language, d=DAY) == expected
    assert format_date(DAY, language) == expected


def test_every_kazakh_month_is_lower_case_after_the_genitive_year():
    with translation.override("kk"):
        written = [
            render('{{ d|date:"DATE_FORMAT" }}', "kk", d=date(2026, m, 1)) for m in range(1, 13)
        ]
    assert written[0] == "2026 жылғы 1 қаңтар"
    assert written[4] == "2026 жылғы 1 мамыр"
    assert all(w.split()[-1].islower() for w in written)


def test_a_moment_carries_the_time_after_a_comma_in_the_programmes_time_zone():
    moment = timezone.make_aware(datetime(2026, 12, 3, 17, 5))
    assert format_datetime(moment, "kk") == "2026 жылғы 3 желтоқсан, 17:05"
    assert format_datetime(moment, "ru") == "3 декабря 2026 г., 17:05"
    assert (
        render('{{ m|date:"DATETIME_FORMAT" }}', "kk", m=moment) == "2026 жылғы 3 желтоқсан, 17:05"
    )


def test_a_month_heading_in_kazakh_has_the_year_first():
    assert render('{{ d|date:"YEAR_MONTH_FORMAT" }}', "kk", d=DAY) == "2026 жылғы желтоқсан"


@pytest.mark.parametrize(
    ("language", "expected"),
    [("kk", "66,7%"), ("ru", "66,7\xa0%"), ("en", "66.7%")],
)
def test_a_percentage_has_the_languages_decimal_sign_and_spacing(language, expected):
    assert format_percent(66.7, language=language) == expected
    assert render("{{ v|percent }}", language, v=66.7) == expected


def test_a_whole_percentage_has_no_decimals_and_none_reads_as_a_dash():
    assert format_percent(50, language="kk") == "50%"
    assert format_percent(None, language="kk") == "—"
    assert render("{{ v|percent }}", "ru", v=None) == "—"


def test_thousands_are_split_by_a_non_breaking_space_in_kazakh_and_russian():
    assert format_number(1234567, language="kk") == "1\xa0234\xa0567"
    assert format_number(1234.5, 1, language="ru") == "1\xa0234,5"
    assert format_number(1234.5, 1, language="en") == "1,234.5"


def test_a_p_value_too_small_to_print_says_so_instead_of_zero():
    assert format_p_value(0.00000012, language="kk") == "p < 0,0001"
    assert format_p_value(0.0032, language="ru") == "p = 0,0032"
    assert render("({{ p|p_value }})", "kk", p=1e-9) == "(p &lt; 0,0001)"  # escaped in HTML


def test_a_date_field_still_gives_the_browser_an_iso_date_in_every_language():
    from django import forms

    class F(forms.Form):
        day = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))

    for language in ("kk", "ru", "en"):
        with translation.override(language):
            assert 'value="2026-12-03"' in str(F(initial={"day": DAY})["day"])
            assert F(data={"day": "2026-12-03"}).is_valid()
            assert F(data={"day": "03.12.2026"}).is_valid() or language == "en"
