"""Numbers as each language writes them, for templates (the `qorgau_format` filters), exports and
alert texts: the decimal separator and the thousands space come from the language's format module
(`qorgau/formats/`); the percent sign follows each language's norm.

- Kazakh: "66,7%" (no space: the convention of Kazakhstan's official statistics, stat.gov.kz).
- Russian: "66,7 %" with a non-breaking space (Russian typography and GOST 8.417 put a space
  between a number and "%").
- English: "66.7%".
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import formats, translation

PERCENT_SPACE = {"ru": "\xa0"}
P_FLOOR = 0.0001  # below this, "p < 0,0001": four zeros say nothing a reader can use


def _language(language: str | None) -> str:
    return (language or translation.get_language() or "ru")[:2]


def format_number(
    value: float | int | Decimal, decimals: int | None = None, *, language=None
) -> str:
    """`value` with the language's decimal separator and a (non-breaking) space between thousands;
    `decimals` fixes the digits after the separator (None: as many as the value has)."""
    with translation.override(_language(language)):
        return formats.number_format(
            value, decimal_pos=decimals, use_l10n=True, force_grouping=True
        )


def format_percent(
    value: float | int | Decimal | None, decimals: int | None = None, *, language=None
) -> str:
    """A percentage (66.7 → "66,7%" in Kazakh, "66,7 %" in Russian); None reads "—"."""
    if value is None:
        return "—"
    if decimals is None and float(value) == int(value):
        decimals = 0
    lang = _language(language)
    return f"{format_number(value, decimals, language=lang)}{PERCENT_SPACE.get(lang, '')}%"


def format_p_value(value: float, *, language=None) -> str:
    """A test's p value for the reader: "p = 0,0032", or "p < 0,0001" when it rounds to nothing."""
    if value < P_FLOOR:
        return f"p < {format_number(P_FLOOR, 4, language=language)}"
    return f"p = {format_number(value, 4, language=language)}"
