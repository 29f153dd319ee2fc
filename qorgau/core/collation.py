"""Alphabetical order as each language has it, for every list of names shown to people.

Kazakh: а ә б в г ғ д е ё ж з и й к қ л м н ң о ө п р с т у ұ ү ф х һ ц ч ш щ ъ ы і ь э ю я
(CLDR's kk collation: ә after а, ғ after г, қ after к, ң after н, ө after о, ұ ү after у, һ after
х, і after ы). Russian: а … е ё ж … я, with the Kazakh letters of proper names (Жетісу, Ұлытау)
sorted with the Russian letter they are written like (і as и, ұ and ү as у …). English: Latin
order. Letters of another script come after the page's own; case is ignored; numbers inside a
name sort by their value ("№ 5" before "№ 13": natural order), and punctuation ("№", «») is not
part of the order.

Why a module and not PyICU: PyICU is a C++ extension built against the machine's libicu headers at
install time (no wheel for our platforms), and every other need here is one table of 42 letters.
The tests (tests/core/test_collation.py) hold the table to the alphabet above.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.utils import translation

T = TypeVar("T")

KK_ALPHABET = "аәбвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюя"
RU_ALPHABET = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
LATIN = "abcdefghijklmnopqrstuvwxyz"
# In a Russian list, a Kazakh letter sorts with the Russian letter it is written like.
RU_FOR_KK = {
    "ә": "а",
    "ғ": "г",
    "қ": "к",
    "ң": "н",
    "ө": "о",
    "ұ": "у",
    "ү": "у",
    "һ": "х",
    "і": "и",
}
# Words that say what a name is, not what it is called: «область Абай» sorts under А.
GENERIC_WORDS = {"ru": ("область", "город", "г."), "kk": (), "en": ("city of",)}

_TOKENS = re.compile(r"\d+|\s+|\w", re.UNICODE)


def _language(language: str | None) -> str:
    found = (language or translation.get_language() or "ru")[:2]
    return found if found in ("kk", "ru", "en") else "ru"


def _letter_rank(char: str, language: str) -> tuple[int, int, int]:
    """(script group, primary rank, secondary rank) of one lower-case letter."""
    if language == "kk" and char in KK_ALPHABET:
        return (1, KK_ALPHABET.index(char), 0)
    if language != "kk" and (char in RU_ALPHABET or char in RU_FOR_KK):
        base = RU_FOR_KK.get(char, char)
        return (1 if language == "ru" else 2, RU_ALPHABET.index(base), 0 if base == char else 1)
    if char in LATIN:
        return (2 if language != "en" else 1, LATIN.index(char), 0)
    return (3, ord(char), 0)


def proper_name(name: str, language: str | None = None) -> str:
    """`name` without a leading word that only says what it is (область, город)."""
    text = name.strip()
    for word in GENERIC_WORDS[_language(language)]:
        if text.lower().startswith(word + " "):
            return text[len(word) + 1 :].strip()
    return text


MAX_NUMBER_DIGITS = 30  # a longer run of digits sorts by its first 30 (int() refuses > 4,300)


def sort_key(text: str, language: str | None = None) -> tuple:
    """A key that orders names alphabetically in `language` (default: the active one), numbers by
    value. Letters compare first by their base (Ұлытау before Ушаков in Russian), then by the
    letter itself, then by the text, so the order never depends on the input's."""
    language = _language(language)
    primary, secondary = [], []
    for token in _TOKENS.findall((text or "").lower()):
        if token.isspace():  # "Ақ Орда" before "Ақмола", as in a dictionary of names
            primary.append((-1, 0))
        elif token.isdecimal():  # not isdigit(): "²", "①" are digits int() cannot read
            primary.append((0, int(token[:MAX_NUMBER_DIGITS])))
            secondary.append(len(token))
        elif token != "_":
            group, rank, variant = _letter_rank(token, language)
            primary.append((group, rank))
            secondary.append(variant)
    return (tuple(primary), tuple(secondary), text or "")


def sorted_by_name(
    items: Iterable[T], name: Callable[[T], str] = str, *, language: str | None = None
) -> list[T]:
    """`items` in alphabetical order of `name(item)` in `language` (default: the active one)."""
    language = _language(language)
    return sorted(items, key=lambda item: sort_key(name(item), language))


def region_sort_key(region: Any, language: str | None = None) -> tuple:
    """A region's place in a list: by its name in `language`, without «область» or «город»."""
    language = _language(language)
    name = getattr(region, f"name_{language}", "") or region.name_ru
    return sort_key(proper_name(name, language), language)


def sorted_regions(regions: Iterable[T], *, language: str | None = None) -> list[T]:
    """Region rows in the order of their proper names in `language` (default: the active one)."""
    language = _language(language)
    return sorted(regions, key=lambda region: region_sort_key(region, language))
