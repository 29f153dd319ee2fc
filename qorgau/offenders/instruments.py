"""Static-99R as data: its ten items, their scores, and the risk levels of the 2016 revision.

Hanson, Babchishin, Helmus, Thornton & Phenix (2016); coding rules of the Static-99R manual. The total
runs from -3 to 12. Levels: -3..-2 I (very low), -1..0 II (below average), 1..3 III (average),
4..5 IVa (above average), 6+ IVb (well above average). For supervision, IVa/IVb count as high risk,
III as moderate, I/II as low.

An item with `"derived"` is not asked: the service computes it from the register (the age item from
the date of birth at the assessment date), so a form cannot leave it at a default. Its options give
the bounds that select them (`min_age` inclusive; the next option's `min_age` is the upper bound).
"""

from __future__ import annotations

from datetime import date
from typing import Any


def _o(value: str, score: int, en: str, ru: str, kk: str, **extra: Any) -> dict:
    return {"value": value, "score": score, "label": {"en": en, "ru": ru, "kk": kk}, **extra}


NO_YES = [_o("no", 0, "No", "Нет", "Жоқ"), _o("yes", 1, "Yes", "Да", "Иә")]

STATIC_99R: dict[str, Any] = {
    "code": "static99r",
    "name": "Static-99R",
    "items": [
        {
            "code": "age",
            "derived": "age",
            "label": {
                "en": "Age at the assessment date",
                "ru": "Возраст на дату оценки",
                "kk": "Бағалау күніндегі жасы",
            },
            "options": [
                _o("18-34", 1, "18 to 34.9", "18–34,9", "18–34,9", min_age=18),
                _o("35-39", 0, "35 to 39.9", "35–39,9", "35–39,9", min_age=35),
                _o("40-59", -1, "40 to 59.9", "40–59,9", "40–59,9", min_age=40),
                _o("60+", -3, "60 or older", "60 и старше", "60 және одан жоғары", min_age=60),
            ],
        },
        {
            "code": "partner",
            "label": {
                "en": "Ever lived with an intimate partner for 2 years",
                "ru": "Когда-либо жил с партнёром 2 года",
                "kk": "Серіктесімен 2 жыл бірге тұрған ба",
            },
            "options": [_o("yes", 0, "Yes", "Да", "Иә"), _o("no", 1, "No", "Нет", "Жоқ")],
        },
        {
            "code": "index_violence",
            "label": {
                "en": "Index non-sexual violence",
                "ru": "Несексуальное насилие в текущем деле",
                "kk": "Осы істегі жыныстық емес зорлық",
            },
            "options": NO_YES,
        },
        {
            "code": "prior_violence",
            "label": {
                "en": "Prior non-sexual violence",
                "ru": "Прежнее несексуальное насилие",
                "kk": "Бұрынғы жыныстық емес зорлық",
            },
            "options": NO_YES,
        },
        {
            "code": "prior_sex",
            "label": {
                "en": "Prior sex offences",
                "ru": "Прежние сексуальные преступления",
                "kk": "Бұрынғы жыныстық қылмыстар",
            },
            "options": [
                _o("none", 0, "None", "Нет", "Жоқ"),
                _o(
                    "1-2c_1v",
                    1,
                    "1–2 charges or 1 conviction",
                    "1–2 обвинения или 1 приговор",
                    "1–2 айып немесе 1 үкім",
                ),
                _o(
                    "3-5c_2-3v",
                    2,
                    "3–5 charges or 2–3 convictions",
                    "3–5 обвинений или 2–3 приговора",
                    "3–5 айып немесе 2–3 үкім",
                ),
                _o(
                    "6c_4v",
                    3,
                    "6+ charges or 4+ convictions",
                    "6+ обвинений или 4+ приговора",
                    "6+ айып немесе 4+ үкім",
                ),
            ],
        },
        {
            "code": "sentencing_dates",
            "label": {
                "en": "Prior sentencing dates",
                "ru": "Прежние даты вынесения приговоров",
                "kk": "Бұрынғы үкім шығарылған күндер",
            },
            "options": [
                _o("0-3", 0, "3 or fewer", "3 или меньше", "3 немесе аз"),
                _o("4+", 1, "4 or more", "4 или больше", "4 немесе көп"),
            ],
        },
        {
            "code": "noncontact",
            "label": {
                "en": "Any non-contact sex offence convictions",
                "ru": "Приговоры за бесконтактные сексуальные преступления",
                "kk": "Байланыссыз жыныстық қылмыстар бойынша үкімдер",
            },
            "options": NO_YES,
        },
        {
            "code": "unrelated",
            "label": {
                "en": "Any unrelated victims",
                "ru": "Потерпевшие — не родственники",
                "kk": "Туыс емес жәбірленушілер",
            },
            "options": NO_YES,
        },
        {
            "code": "stranger",
            "label": {
                "en": "Any stranger victims",
                "ru": "Потерпевшие — незнакомые",
                "kk": "Бейтаныс жәбірленушілер",
            },
            "options": NO_YES,
        },
        {
            "code": "male",
            "label": {
                "en": "Any male victims",
                "ru": "Потерпевшие мужского пола",
                "kk": "Ер жынысты жәбірленушілер",
            },
            "options": NO_YES,
        },
    ],
    "bands": [
        {"min": -3, "max": -2, "band": "I", "level": "low", "label": "Level I (very low)"},
        {"min": -1, "max": 0, "band": "II", "level": "low", "label": "Level II (below average)"},
        {"min": 1, "max": 3, "band": "III", "level": "moderate", "label": "Level III (average)"},
        {"min": 4, "max": 5, "band": "IVa", "level": "high", "label": "Level IVa (above average)"},
        {
            "min": 6,
            "max": 12,
            "band": "IVb",
            "level": "high",
            "label": "Level IVb (well above average)",
        },
    ],
}


def score(instrument: dict, answers: dict[str, str]) -> tuple[int, dict]:
    """The total and the band for a complete set of answers; ValueError names what is wrong."""
    total = 0
    for item in instrument["items"]:
        chosen = answers.get(item["code"])
        option = next((o for o in item["options"] if o["value"] == chosen), None)
        if option is None:
            raise ValueError(item["code"])
        total += option["score"]
    band = next((b for b in instrument["bands"] if b["min"] <= total <= b["max"]), None)
    if band is None:
        raise ValueError("total")
    return total, band


def age_on(born: date, on: date) -> int:
    """Full years of age on a day (a birthday on 29 February counts from 1 March in other years)."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def derived_answers(instrument: dict, *, age: int) -> dict[str, str]:
    """The answers of the items computed from the register; ValueError names an item that cannot
    be computed (an age below the youngest option: the instrument is not for that person)."""
    answers = {}
    for item in instrument["items"]:
        if item.get("derived") != "age":
            continue
        fitting = [o for o in item["options"] if o["min_age"] <= age]
        if not fitting:
            raise ValueError(item["code"])
        answers[item["code"]] = max(fitting, key=lambda o: o["min_age"])["value"]
    return answers


def option_of(item: dict, value: str) -> dict | None:
    return next((o for o in item["options"] if o["value"] == value), None)
