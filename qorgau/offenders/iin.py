"""The individual identification number (IIN, ЖСН/ИИН) of Kazakhstan: 12 digits.

YYMMDD of birth; the 7th digit gives the century and sex (1/2: 1800s, 3/4: 1900s, 5/6: 2000s; odd:
male, even: female); the 12th is a check digit: the digits weighted 1..11 modulo 11, or, if that
gives 10, weighted 3,4,…,11,1,2 modulo 11 (a second 10 means the number is not valid).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

CENTURY = {"1": 1800, "2": 1800, "3": 1900, "4": 1900, "5": 2000, "6": 2000}
FIRST = list(range(1, 12))
SECOND = [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]


class IINInvalid(ValueError):
    pass


@dataclass(frozen=True)
class IIN:
    value: str
    birth_date: date
    sex: str  # "m" or "f"


def check_digit(first_eleven: str) -> int | None:
    digits = [int(c) for c in first_eleven]
    for weights in (FIRST, SECOND):
        remainder = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if remainder != 10:
            return remainder
    return None


def parse(text: str) -> IIN:
    value = "".join((text or "").split())
    if len(value) != 12 or not value.isascii() or not value.isdigit():
        raise IINInvalid(_("An IIN has exactly 12 digits."))
    if value[6] not in CENTURY:
        raise IINInvalid(_("The 7th digit of an IIN (century and sex) must be 1 to 6."))
    year = CENTURY[value[6]] + int(value[0:2])
    try:
        born = date(year, int(value[2:4]), int(value[4:6]))
    except ValueError as exc:
        raise IINInvalid(
            _("The first six digits of an IIN must be a date of birth (YYMMDD).")
        ) from exc
    expected = check_digit(value[:11])
    if expected is None or expected != int(value[11]):
        raise IINInvalid(_("The check digit of this IIN is wrong: a digit was probably mistyped."))
    return IIN(value=value, birth_date=born, sex="m" if int(value[6]) % 2 else "f")


def make(birth: date, sex: str, serial: int) -> str | None:
    """An IIN with a valid check digit (for synthetic data and tests); None if none exists."""
    century = {1800: 1, 1900: 3, 2000: 5}[birth.year // 100 * 100] + (0 if sex == "m" else 1)
    body = f"{birth:%y%m%d}{century}{serial:04d}"
    digit = check_digit(body)
    return None if digit is None else body + str(digit)
