"""The shipped triage rules (issue 20): rules built on the lexicons of `triage_lexicons`.

Data, not code: an administrator publishes a changed copy as a new version (`TriageRuleSet`,
audited); `triage.validate_rules` says what is wrong with one. How a term is matched (a word's
beginning, `=word`, phrases, `~`, emojis) is in `triage_match`. Terms are written in Cyrillic for
Kazakh and Russian, in Latin for English: a narrative in Latin letters (Kazakh Latin, Russian
translit) is read in Cyrillic too, and the letters children drop are folded on both sides.
"""

from __future__ import annotations

from typing import Any

from qorgau.intake.triage_lexicons import LEXICONS

SEXUAL = ["grooming", "suspicious_contact", "sextortion", "abuse", "abuse_images"]
SEXUAL_CONTENT_CATEGORIES = ["sextortion", "abuse", "abuse_images"]
ALL = [*SEXUAL, "other"]


def _label(en: str, ru: str, kk: str) -> dict[str, str]:
    return {"en": en, "ru": ru, "kk": kk}


# A meeting is urgent with a when, a where, or a "don't tell anyone" beside it.
WHEN_OR_WHERE = ["time", "place", "#clock", "secrecy"]
NEAR_MEETING = 12  # words between the meeting word and its time or place
NEAR_THREAT = 20
NEAR_IMAGES = 10
NEAR_ONGOING = 12  # the abuse and that it goes on, or the abuser's access

MEETING_LABEL = _label(
    "A meeting with the child is arranged or proposed",
    "Назначена или предложена встреча с ребёнком",
    "Баламен кездесу белгіленген немесе ұсынылған",
)
THREAT_LABEL = _label(
    "Threats with a deadline", "Угрозы с указанием срока", "Мерзімі көрсетілген қорқыту"
)
YOUNG_SEXUAL_LABEL = _label(
    "A child under 14 and sexual content",
    "Ребёнок младше 14 лет и сексуальный характер",
    "14 жасқа толмаған бала және жыныстық сипат",
)
UNDRESS_LABEL = _label(
    "An adult asks the child to undress",
    "Взрослый просит ребёнка раздеться",
    "Ересек адам баладан шешінуді сұрайды",
)
ONGOING_LABEL = _label(
    "The abuse goes on and the abuser can reach the child",
    "Насилие продолжается, у насильника есть доступ к ребёнку",
    "Зорлық жалғасуда, зорлаушы балаға қол жеткізе алады",
)

RULES: list[dict[str, Any]] = [
    {
        "code": "self_harm",
        "priority": "P1",
        "label": _label(
            "Risk of self-harm or suicide",
            "Риск самоповреждения или суицида",
            "Өзіне зиян келтіру немесе суицид қаупі",
        ),
        "signals": [["self_harm"]],
        "near": 6,
        "unless": ["song"],
    },
    {
        "code": "meeting",
        "priority": "P1",
        "label": MEETING_LABEL,
        "categories": SEXUAL,
        "signals": [["meeting"], WHEN_OR_WHERE],
        "near": NEAR_MEETING,
        "live": True,
        "unless": ["past_context", "no_access"],
    },
    {
        "code": "meeting_invitation",
        "priority": "P1",
        "label": MEETING_LABEL,
        "signals": [["invitation"], WHEN_OR_WHERE],
        "near": NEAR_MEETING,
        "unless": ["benign_meeting", "past_context", "no_access"],
    },
    {
        "code": "meeting_other",
        "priority": "P1",
        "label": MEETING_LABEL,
        "categories": ["other"],
        "signals": [["meeting"], WHEN_OR_WHERE, ["actor"]],
        "near": NEAR_MEETING,
        "live": True,
        "unless": ["benign_meeting", "past_context", "no_access"],
    },
    {
        "code": "threat_deadline",
        "priority": "P1",
        "label": THREAT_LABEL,
        "categories": ["sextortion"],
        "signals": [["threat", "harm_threat", "threat_condition"], ["deadline", "#clock"]],
        "near": NEAR_THREAT,
    },
    {
        "code": "threat_ultimatum",
        "priority": "P1",
        "label": THREAT_LABEL,
        "categories": ["sextortion", "abuse_images"],
        "signals": [["ultimatum"]],
    },
    {
        "code": "threat_deadline_other",
        "priority": "P1",
        "label": THREAT_LABEL,
        "categories": ["grooming", "suspicious_contact", "abuse", "abuse_images", "other"],
        "signals": [["threat", "harm_threat"], ["deadline", "#clock"]],
        "near": NEAR_THREAT,
        "unless": ["benign_meeting", "schoolwork"],
    },
    {
        "code": "ongoing_abuse",
        "priority": "P1",
        "label": ONGOING_LABEL,
        "categories": ["abuse"],
        "signals": [["ongoing", "access"]],
        "unless": ["no_access"],
    },
    {
        "code": "ongoing_abuse_other",
        "priority": "P1",
        "label": ONGOING_LABEL,
        "categories": [c for c in ALL if c != "abuse"],
        "signals": [["abuse_act"], ["ongoing", "access"]],
        "near": NEAR_ONGOING,
        "unless": ["no_access"],
    },
    {
        "code": "asks_images",
        "priority": "P1",
        "label": _label(
            "An adult asks the child for images",
            "Взрослый просит у ребёнка изображения",
            "Ересек адам баладан сурет сұрайды",
        ),
        "signals": [["request"], ["image", "undress"]],
        "near": NEAR_IMAGES,
        "not_negated": True,
        "unless": ["benign_images", "demands_money"],
    },
    {
        "code": "asks_to_undress",
        "priority": "P1",
        "label": UNDRESS_LABEL,
        "signals": [["undress"]],
        "categories": SEXUAL,
    },
    {
        "code": "asks_to_undress_other",
        "priority": "P1",
        "label": UNDRESS_LABEL,
        "categories": ["other"],
        "signals": [["undress"], ["actor", "request"]],
        "near": NEAR_IMAGES,
        "not_negated": True,
        "unless": ["benign_images"],
    },
    {
        "code": "young_child_sexual",
        "priority": "P1",
        "label": YOUNG_SEXUAL_LABEL,
        "categories": SEXUAL_CONTENT_CATEGORIES,
        "max_age": 13,
    },
    {
        "code": "young_child_sexual_content",
        "priority": "P1",
        "label": YOUNG_SEXUAL_LABEL,
        "signals": [["sexual", "revealing", "undress"]],
        "categories": SEXUAL,
        "max_age": 13,
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
        "label": _label("The child is under 13", "Ребёнку меньше 13 лет", "Бала 13 жасқа толмаған"),
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
        "code": "unreadable",
        "priority": "P3",
        "label": _label(
            "Could not read the text: a person must read it",
            "Не удалось прочитать текст: его должен прочитать человек",
            "Мәтінді оқу мүмкін болмады: оны адам оқуы керек",
        ),
        "unreadable": True,
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

DEFAULT_RULES: dict[str, Any] = {"lexicons": LEXICONS, "rules": RULES}
