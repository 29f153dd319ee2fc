"""A staff member's number must be a mobile one (an SMS must reach it), stored in one writing."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from qorgau.core.phones import normalise_mobile, validate_mobile


@pytest.mark.parametrize(
    "written",
    [
        "+77011234567",
        "+7 701 123 45 67",
        "+7 (701) 123-45-67",
        "8 701 123 45 67",
        "8(701)1234567",
        "87011234567",
        "77011234567",
        "7011234567",
        " +7-701-123-45-67 ",
        "+7\u00a0701\u00a0123\u00a045\u00a067",
    ],
)
def test_a_kazakh_mobile_in_any_usual_writing_is_stored_in_international_form(written):
    assert normalise_mobile(written) == "+77011234567"


@pytest.mark.parametrize("number", ["+77471234567", "+77771234567", "+77051234567"])
def test_every_kazakh_operator_is_a_mobile(number):
    assert normalise_mobile(number) == number


def test_a_mobile_abroad_is_accepted():
    assert normalise_mobile("+380 50 123 4567") == "+380501234567"


@pytest.mark.parametrize(
    "written",
    [
        "+7 727 250 00 00",  # Almaty landline
        "8 727 272 12 34",  # Almaty landline, with the trunk prefix
        "+7 7172 55 12 34",  # Astana landline
        "+7 495 123 45 67",  # Moscow landline
    ],
)
def test_a_landline_is_refused(written):
    with pytest.raises(ValidationError) as caught:
        normalise_mobile(written)
    assert caught.value.code == "invalid_mobile"


@pytest.mark.parametrize(
    "written",
    [
        "",
        "   ",
        "hello",
        "call me",
        "8 701 FLOWERS",
        "+7 701 123 45 67 ext. 12",
        "+7 701 123 45 67 or 8 777",
        "7+7011234567",
        "+7 701 123",  # too short
        "+7 701 12",
        "+7 701 123 45 678",  # too long
        "1" * 200,
    ],
)
def test_what_is_no_number_is_refused(written):
    with pytest.raises(ValidationError):
        normalise_mobile(written)


def test_the_refusal_says_how_to_write_one_in_the_persons_language():
    with pytest.raises(ValidationError) as caught:
        validate_mobile("+7 727 250 00 00")
    assert caught.value.messages == ["Enter a mobile number, for example +7 701 123 45 67."]
    with translation.override("ru"), pytest.raises(ValidationError) as caught:
        validate_mobile("hello")
    assert caught.value.messages  # translated at merge time; never empty


def test_the_validator_accepts_a_mobile():
    assert validate_mobile("8 701 123 45 67") is None
