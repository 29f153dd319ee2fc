"""IIN parsing, with property tests."""

import contextlib
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qorgau.offenders import iin


def test_a_valid_iin_gives_the_birth_date_and_sex():
    value = iin.make(date(1980, 5, 17), "m", 1234)
    parsed = iin.parse(value)
    assert parsed.birth_date == date(1980, 5, 17) and parsed.sex == "m"


@pytest.mark.parametrize(
    "text,message",
    [
        ("12345", "exactly 12 digits"),
        ("80051771234x", "exactly 12 digits"),
        ("800517912345", "7th digit"),
        ("801317312345", "date of birth"),
    ],
)
def test_bad_iins_are_refused_with_the_reason(text, message):
    with pytest.raises(iin.IINInvalid, match=message):
        iin.parse(text)


def test_a_mistyped_digit_breaks_the_check_digit():
    value = iin.make(date(1990, 1, 2), "f", 42)
    broken = value[:9] + str((int(value[9]) + 1) % 10) + value[10:]
    with pytest.raises(iin.IINInvalid):
        iin.parse(broken)


@given(
    st.dates(min_value=date(1901, 1, 1), max_value=date(2025, 12, 31)),
    st.sampled_from(["m", "f"]),
    st.integers(0, 9999),
)
def test_every_made_iin_parses_back(born, sex, serial):
    value = iin.make(born, sex, serial)
    if value is not None:
        parsed = iin.parse(value)
        assert parsed.birth_date == born and parsed.sex == sex


@given(st.text(max_size=20))
def test_parsing_never_crashes(text):
    with contextlib.suppress(iin.IINInvalid):
        iin.parse(text)
