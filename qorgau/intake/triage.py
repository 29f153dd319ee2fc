"""Triage: a priority P1–P4 for every report, with the reasons that set it.

The rules are data (`TriageRuleSet`, versioned, edited by an administrator); `DEFAULT_RULES` is the
first version. A rule matches on the structured fields (category, the child's age, how recent) and on
words of the narrative in Kazakh, Russian and English. Words are matched as stems: a term matches
every word that begins with it (`встреч` matches встреча, встречу, встречаемся; `кездес` matches
кездесеміз, кездесуге), which covers the word forms of all three languages without a dictionary;
a term with a space is matched as a phrase. Terms and narrative are compared folded (case, ё, the
Kazakh letters children drop, repeated letters: `textforms.fold`), and a narrative in Latin letters
(Kazakh Latin, Russian translit) is also read in Cyrillic (`textforms.reading_forms`). The highest priority of the matching rules wins; "raise"
rules (links to other reports or to the offender register) then lift it by a level.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any

from qorgau.intake.textforms import fold, reading_forms

PRIORITIES = ["P1", "P2", "P3", "P4"]
LANGUAGES = ["kk", "ru", "en"]
SEXUAL = ["grooming", "suspicious_contact", "sextortion", "abuse", "abuse_images"]


def _label(en: str, ru: str, kk: str) -> dict[str, str]:
    return {"en": en, "ru": ru, "kk": kk}


DEFAULT_RULES: dict[str, Any] = {
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


@dataclass
class TriageInput:
    category: str
    narrative: str = ""
    child_age: int | None = None
    hours_since: float | None = None
    linked_reports: int = 0
    linked_offender: bool = False


@dataclass
class TriageResult:
    priority: str
    reasons: list[dict[str, Any]] = field(default_factory=list)

    @property
    def codes(self) -> list[str]:
        return [r["code"] for r in self.reasons]


_NOT_WORD = re.compile(r"[^\w'-]+")


def normalise_text(text: str) -> str:
    """The words of the text (letters, digits, ' and -), lowercase, one space between them."""
    text = (text or "").lower().replace("ё", "е")
    return _NOT_WORD.sub(" ", text).strip(" ")


@functools.lru_cache(maxsize=512)
def _terms_pattern(terms: tuple[str, ...]) -> re.Pattern[str] | None:
    """One expression for a rule's terms: each matches at the start of a word of the normalised
    text (a word's beginning, so "угрож" finds "угрожает"; a phrase from a word's beginning)."""
    wanted = sorted({fold(t) for t in terms if t} - {""}, key=len, reverse=True)
    if not wanted:
        return None
    return re.compile("(?:^| )(?:" + "|".join(re.escape(t) for t in wanted) + ")")


def _terms_match(terms: dict[str, list[str]], texts: list[str]) -> bool:
    """Whether a term matches in one of the narrative's reading forms (normalised)."""
    pattern = _terms_pattern(tuple(t for language in LANGUAGES for t in terms.get(language, ())))
    return pattern is not None and any(text and pattern.search(text) for text in texts)


def reading_texts(narrative: str) -> list[str]:
    """The narrative's reading forms (`textforms.reading_forms`), each normalised to its words."""
    return [normalise_text(form) for form in reading_forms(narrative or "")]


def _matches(rule: dict[str, Any], data: TriageInput, texts: list[str]) -> bool:
    if rule.get("categories") and data.category not in rule["categories"]:
        return False
    if "max_age" in rule and (data.child_age is None or data.child_age > rule["max_age"]):
        return False
    if "within_hours" in rule and (
        data.hours_since is None or data.hours_since > rule["within_hours"]
    ):
        return False
    if rule.get("linked_offender") and not data.linked_offender:
        return False
    if "min_linked_reports" in rule and data.linked_reports < rule["min_linked_reports"]:
        return False
    if rule.get("any") and not _terms_match(rule["any"], texts):
        return False
    return not (rule.get("and_any") and not _terms_match(rule["and_any"], texts))


def evaluate(rules: dict[str, Any], data: TriageInput) -> TriageResult:
    texts = reading_texts(data.narrative)
    matched = [r for r in rules.get("rules", []) if _matches(r, data, texts)]
    absolute = [r for r in matched if "priority" in r]
    priority = min((r["priority"] for r in absolute), key=PRIORITIES.index, default="P4")
    reasons = [
        {"code": r["code"], "priority": r["priority"], "label": r.get("label", {})}
        for r in sorted(absolute, key=lambda r: PRIORITIES.index(r["priority"]))
    ]
    lift = max((int(r["raise"]) for r in matched if "raise" in r), default=0)
    if lift:
        priority = PRIORITIES[max(PRIORITIES.index(priority) - lift, 0)]
        reasons = [
            {"code": r["code"], "raise": int(r["raise"]), "label": r.get("label", {})}
            for r in matched
            if "raise" in r
        ] + reasons
    return TriageResult(priority=priority, reasons=reasons)


def validate_rules(rules: Any) -> list[str]:
    """What is wrong with a rule set, in plain words (empty when it can be published)."""
    problems: list[str] = []
    if not isinstance(rules, dict) or not isinstance(rules.get("rules"), list):
        return ['The rule set must be an object with a list "rules".']
    codes = set()
    for index, rule in enumerate(rules["rules"]):
        where = f"rule {index + 1}"
        if not isinstance(rule, dict):
            problems.append(f"{where}: must be an object")
            continue
        code = rule.get("code")
        if not isinstance(code, str) or not code:
            problems.append(f"{where}: needs a code")
        elif code in codes:
            problems.append(f"{where}: the code {code!r} is used twice")
        codes.add(code)
        if ("priority" in rule) == ("raise" in rule):
            problems.append(f"{where}: needs either a priority (P1–P4) or a raise (1–3)")
        if "priority" in rule and rule["priority"] not in PRIORITIES:
            problems.append(f"{where}: priority must be one of P1, P2, P3, P4")
        if "raise" in rule and rule["raise"] not in (1, 2, 3):
            problems.append(f"{where}: raise must be 1, 2 or 3")
        for key in ("any", "and_any"):
            if key in rule:
                terms = rule[key]
                if not isinstance(terms, dict) or not all(
                    lang in LANGUAGES
                    and isinstance(words, list)
                    and all(isinstance(w, str) and w.strip() for w in words)
                    for lang, words in terms.items()
                ):
                    problems.append(f"{where}: {key} must map kk/ru/en to lists of words")
        for key in ("max_age", "within_hours", "min_linked_reports"):
            if key in rule and (not isinstance(rule[key], int) or rule[key] < 0):
                problems.append(f"{where}: {key} must be a whole number")
        unknown = set(rule) - {
            "code",
            "priority",
            "raise",
            "label",
            "categories",
            "any",
            "and_any",
            "max_age",
            "within_hours",
            "linked_offender",
            "min_linked_reports",
        }
        if unknown:
            problems.append(f"{where}: unknown keys {sorted(unknown)}")
    return problems


def reason_labels(reasons: list[Any], language: str) -> list[str]:
    labels = []
    for reason in reasons:
        if isinstance(reason, dict):
            label = reason.get("label", {})
            labels.append(label.get(language) or label.get("ru") or reason.get("code", ""))
        else:
            labels.append(str(reason))
    return labels
