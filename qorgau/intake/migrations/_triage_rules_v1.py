"""Version 1 of the triage rules, as shipped before issue 20: frozen here for migration 0002, so
that a new installation's history is what it was (version 2 is published by migration 0007)."""

from typing import Any

SEXUAL = ["grooming", "suspicious_contact", "sextortion", "abuse", "abuse_images"]


def _label(en: str, ru: str, kk: str) -> dict[str, str]:
    return {"en": en, "ru": ru, "kk": kk}


RULES_V1: dict[str, Any] = {
    "rules": [
        {
            "code": "meeting",
            "priority": "P1",
            "label": _label(
                "A meeting with the child is arranged",
                "Назначена встреча с ребёнком",
                "Баламен кездесу белгіленген",
            ),
            "categories": SEXUAL,
            "any": {
                "ru": [
                    "встрет",
                    "встреч",
                    "свидан",
                    "приед",
                    "приеду",
                    "приду",
                    "увидимся",
                    "заберу",
                    "забрать",
                ],
                "kk": ["кездес", "көріс", "келемін", "барамын", "алып кет", "күтемін"],
                "en": ["meet", "see you", "pick you up", "come over", "come to your"],
            },
            "and_any": {
                "ru": [
                    "завтра",
                    "сегодня",
                    "вечер",
                    "утром",
                    "после школ",
                    "послезавтра",
                    "суббот",
                    "воскрес",
                    "выходн",
                    "ночью",
                ],
                "kk": [
                    "ертең",
                    "бүгін",
                    "кешке",
                    "таңертең",
                    "сабақтан кейін",
                    "сенбі",
                    "жексенбі",
                    "демалыс",
                    "түнде",
                ],
                "en": [
                    "tomorrow",
                    "tonight",
                    "today",
                    "after school",
                    "weekend",
                    "saturday",
                    "sunday",
                    "this evening",
                ],
            },
        },
        {
            "code": "self_harm",
            "priority": "P1",
            "label": _label(
                "Risk of self-harm", "Риск самоповреждения", "Өзіне зиян келтіру қаупі"
            ),
            "any": {
                "ru": [
                    "суицид",
                    "самоуб",
                    "покончить с собой",
                    "убить себя",
                    "не хочу жить",
                    "порежу себя",
                    "повеш",
                ],
                "kk": [
                    "суицид",
                    "өзімді өлтір",
                    "өмір сүргім келмейді",
                    "асылып",
                    "өзіме қол жұмса",
                ],
                "en": [
                    "suicide",
                    "kill myself",
                    "end my life",
                    "want to die",
                    "hurt myself",
                    "self-harm",
                    "self harm",
                    "cut myself",
                ],
            },
        },
        {
            "code": "ongoing_abuse",
            "priority": "P1",
            "label": _label(
                "The abuse is going on now", "Насилие продолжается", "Зорлық әлі жалғасуда"
            ),
            "categories": ["abuse"],
            "any": {
                "ru": [
                    "сейчас",
                    "до сих пор",
                    "продолжа",
                    "каждый день",
                    "опять",
                    "снова",
                    "всё ещё",
                    "все еще",
                ],
                "kk": ["қазір", "әлі де", "күнде", "тағы да", "қайтадан", "жалғасуда"],
                "en": ["still", "right now", "keeps", "every day", "again", "ongoing"],
            },
        },
        {
            "code": "threat_deadline",
            "priority": "P1",
            "label": _label(
                "Threats with a deadline", "Угрозы с указанием срока", "Мерзімі көрсетілген қорқыту"
            ),
            "categories": ["sextortion"],
            "any": {
                "ru": [
                    "до завтра",
                    "через час",
                    "часа",
                    "часов",
                    "сегодня",
                    "иначе",
                    "если не",
                    "разошл",
                    "опубликую",
                    "отправлю всем",
                ],
                "kk": [
                    "ертеңге дейін",
                    "сағат",
                    "әйтпесе",
                    "таратамын",
                    "жариялаймын",
                    "бәріне жіберемін",
                ],
                "en": [
                    "by tomorrow",
                    "hours",
                    "tonight",
                    "or else",
                    "unless",
                    "i will send",
                    "i will post",
                    "i'll send",
                    "i'll post",
                ],
            },
        },
        {
            "code": "young_child_sexual",
            "priority": "P1",
            "label": _label(
                "A young child (under 10) and sexual content",
                "Маленький ребёнок (до 10 лет) и сексуальный характер",
                "Кішкентай бала (10 жасқа дейін) және жыныстық сипат",
            ),
            "categories": SEXUAL,
            "max_age": 9,
        },
        {
            "code": "category_abuse",
            "priority": "P2",
            "label": _label(
                "Sexual abuse offline", "Сексуальное насилие офлайн", "Офлайн жыныстық зорлық"
            ),
            "categories": ["abuse"],
        },
        {
            "code": "category_sextortion",
            "priority": "P2",
            "label": _label("Threats or blackmail", "Угрозы или шантаж", "Қорқыту немесе бопсалау"),
            "categories": ["sextortion"],
        },
        {
            "code": "category_abuse_images",
            "priority": "P2",
            "label": _label(
                "Sexual images of a child",
                "Сексуальные изображения ребёнка",
                "Баланың жыныстық сипаттағы суреттері",
            ),
            "categories": ["abuse_images"],
        },
        {
            "code": "young_child",
            "priority": "P2",
            "label": _label(
                "The child is under 13", "Ребёнку меньше 13 лет", "Бала 13 жасқа толмаған"
            ),
            "categories": SEXUAL,
            "max_age": 12,
        },
        {
            "code": "recent_abuse",
            "priority": "P2",
            "label": _label(
                "Abuse in the last 72 hours",
                "Насилие за последние 72 часа",
                "Соңғы 72 сағаттағы зорлық",
            ),
            "categories": ["abuse"],
            "within_hours": 72,
        },
        {
            "code": "category_contact",
            "priority": "P3",
            "label": _label(
                "Grooming or a suspicious contact",
                "Груминг или подозрительный контакт",
                "Груминг немесе күдікті байланыс",
            ),
            "categories": ["grooming", "suspicious_contact"],
        },
        {
            "code": "category_other",
            "priority": "P4",
            "label": _label("Information", "Информация", "Ақпарат"),
            "categories": ["other"],
        },
        {
            "code": "linked_offender",
            "raise": 1,
            "label": _label(
                "Linked to a registered offender",
                "Связано с лицом из реестра осуждённых",
                "Сотталғандар тізіліміндегі адаммен байланысты",
            ),
            "linked_offender": True,
        },
        {
            "code": "linked_reports",
            "raise": 1,
            "label": _label(
                "The same person appears in two or more other reports",
                "Тот же человек фигурирует ещё в двух или более сообщениях",
                "Дәл сол адам тағы екі немесе одан көп хабарламада бар",
            ),
            "min_linked_reports": 2,
        },
    ]
}
