"""Dates as each language writes them, for alert texts, e-mails and SMS (built outside a template),
through the same format modules as the pages (`qorgau/formats/`): Kazakh "2026 жылғы 3 желтоқсан,
17:05"; Russian "3 декабря 2026 г., 17:05"; English "3 December 2026, 17:05". Times in the
programme's time zone (TIME_ZONE)."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import formats, timezone, translation


def format_date(day: date, language: str) -> str:
    with translation.override(language):
        return formats.date_format(day, "DATE_FORMAT", use_l10n=True)


def format_datetime(moment: datetime, language: str) -> str:
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    with translation.override(language):
        return formats.date_format(moment, "DATETIME_FORMAT", use_l10n=True)
