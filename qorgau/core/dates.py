"""Dates as each language writes them, for alert texts, e-mails and SMS (built outside a template).

Kazakh: "2026 жылғы 3 желтоқсан, 17:05"; Russian: "3 декабря 2026, 17:05"; English:
"3 December 2026, 17:05". Times in the programme's time zone (TIME_ZONE)."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

KK_MONTHS = (
    "қаңтар",
    "ақпан",
    "наурыз",
    "сәуір",
    "мамыр",
    "маусым",
    "шілде",
    "тамыз",
    "қыркүйек",
    "қазан",
    "қараша",
    "желтоқсан",
)
RU_MONTHS_GENITIVE = (
    "января",
    "февраля",
    "марта",
    "апреля",
    "мая",
    "июня",
    "июля",
    "августа",
    "сентября",
    "октября",
    "ноября",
    "декабря",
)
EN_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def format_date(day: date, language: str) -> str:
    month = day.month - 1
    if language == "kk":
        return f"{day.year} жылғы {day.day} {KK_MONTHS[month]}"
    if language == "ru":
        return f"{day.day} {RU_MONTHS_GENITIVE[month]} {day.year}"
    return f"{day.day} {EN_MONTHS[month]} {day.year}"


def format_datetime(moment: datetime, language: str) -> str:
    if timezone.is_aware(moment):
        moment = timezone.localtime(moment)
    return f"{format_date(moment.date(), language)}, {moment:%H:%M}"
