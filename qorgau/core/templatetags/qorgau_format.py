"""Filters that write numbers as the page's language does (`qorgau.core.numbers`):
`{{ share|percent }}` → "66,7%" (kk), "66,7 %" (ru); `{{ p|p_value }}` → "p < 0,0001";
`{{ mean|number:1 }}` → "1,8"."""

from __future__ import annotations

from typing import Any

from django import template

from qorgau.core.numbers import format_number, format_p_value, format_percent

register = template.Library()


@register.filter
def percent(value: Any, decimals: Any = None) -> str:
    if value is None or value == "":
        return "—"
    return format_percent(value, int(decimals) if decimals not in (None, "") else None)


@register.filter
def p_value(value: Any) -> str:
    return "" if value is None else format_p_value(float(value))


@register.filter
def number(value: Any, decimals: Any = None) -> str:
    if value is None or value == "":
        return "—"
    return format_number(value, int(decimals) if decimals not in (None, "") else None)
