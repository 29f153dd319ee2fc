"""Triage: a priority P1–P4 for every report, with the reasons that set it and the words behind them.

The rules are data (`TriageRuleSet`, versioned, published by an administrator, audited);
`triage_rules.DEFAULT_RULES` is the shipped version. A rule matches on the structured fields
(category, the child's age, how recent, links) and on the narrative:

- `signals`: a list of groups of lexicons (`[["meeting"], ["time", "place", "#clock"]]`): a word of
  one lexicon of each group must be in the narrative; with `near`, each within that many words of
  the first group's word (the anchor), in the same reading form. `#clock` is a time of day.
- `live`: the anchor word is not negated ("не встречались", "кездеспейміз", "never met": the
  `negation_before`/`negation_after` lexicons, and `morph.word_features`) and not a past form
  ("встречались", "кездескенбіз", "met").
- `not_negated`: the anchor word is not negated (a past form counts: "he asked for photos").
- `unless`: lexicons whose word near the anchor (anywhere, without `near`) cancels the match
  ("parents' meeting", "two years ago", "no contact").
- `any` / `and_any`: inline terms (the first rule format, still accepted).
- `max_age`: the child's age from the form, or when the form has none, from the text ("мне 13",
  "12 жастамын", "I'm 12").
- `unreadable`: the narrative has no word triage can read (only emojis, digits, a link ...).

How words are found (reading forms, folding, stems, phrases) is in `triage_match`. The highest
priority of the matching rules wins; "raise" rules (links to other reports or to the register) then
lift it by a level. Every reason names its rule and where the narrative's words that set it are
(`at`: spans of words, read back by `quotes_of`; no word of the narrative is stored with it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from qorgau.intake.textread import read_forms
from qorgau.intake.triage_age import youngest_age_in_text
from qorgau.intake.triage_match import (
    CLOCK,
    LIVENESS_NEAR,
    Compiled,
    Hit,
    Reading,
    compiled_for,
    lexicons_of,
    normalise_text,
    read,
    rule_groups,
    search_form,
    unreadable_forms,
    word_features,
)
from qorgau.intake.triage_rules import DEFAULT_RULES, SEXUAL

__all__ = ["DEFAULT_RULES", "SEXUAL", "normalise_text"]

PRIORITIES = ["P1", "P2", "P3", "P4"]
LANGUAGES = ["kk", "ru", "en"]
MAX_ANCHORS = 200
QUOTED_PER_GROUP = 3  # the words of a group quoted: the nearest to the anchor  # anchor words tried per rule and form: bounded on a 20,000-character narrative


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
    age: int | None = None  # the age the rules used (the form's, or the text's)
    age_from_text: bool = False

    @property
    def codes(self) -> list[str]:
        return [r["code"] for r in self.reasons]

    def quotes(self, code: str, narrative: str) -> list[str]:
        """The words of `narrative` that set the reason `code` (empty when it did not match)."""
        reason = next((r for r in self.reasons if r["code"] == code), None)
        return quotes_of(narrative, reason) if reason else []


def reading_texts(narrative: str) -> list[str]:
    """The narrative's reading forms (`textread.read_forms`), each normalised to its words."""
    return [text.strip() for text in read_forms(narrative or "").texts]


@dataclass
class _Text:
    """A narrative as the rules see it, read once per evaluation."""

    narrative: str
    readings: list[Reading]
    emoji: list[Hit]

    @staticmethod
    def hits(found: dict[str, list[Hit]], names: list[str]) -> list[Hit]:
        out: list[Hit] = []
        for name in names:
            out.extend(found.get(name, ()))
        return out

    def has_emoji(self, names: list[str]) -> bool:
        return any(h.lexicon in names for h in self.emoji)

    @staticmethod
    def quote(reading: Reading, hits: list[Hit]) -> list[Any]:
        """Where the words that set a rule are: `[word, count]` spans of the narrative's words
        (as `textread` reads them), and the emojis themselves, in order, without repeats. No word
        of the narrative is stored with the reason: the narrative is encrypted at rest, and the
        page that shows the reason reads the words back from it (`quotes_of`)."""
        out: list[Any] = []
        for hit in sorted(hits, key=lambda h: (h.start >= 0, h.word)):
            item: Any = hit.term if hit.start < 0 else [hit.word, hit.words]
            if item not in out:
                out.append(item)
        return out


def quotes_of(narrative: str, reason: dict[str, Any]) -> list[str]:
    """The narrative's own words (as written) that set a stored reason: read back from its spans
    (`at`); a reason of the first format may carry the words themselves (`quotes`)."""
    if isinstance(reason.get("quotes"), list):
        return [q for q in reason["quotes"] if isinstance(q, str)]
    spans = reason.get("at")
    if not isinstance(spans, list) or not spans:
        return []
    forms = read_forms(narrative or "")
    out: list[str] = []
    for item in spans:
        if isinstance(item, str):
            words = [item]
        elif (
            isinstance(item, list)
            and len(item) == 2
            and all(isinstance(n, int) and n >= 0 for n in item)
        ):
            words = forms.original(item[0], max(item[1], 1))
        else:
            continue
        out.extend(word for word in words if word not in out)
    return out


def _is_live(reading: Reading, anchor: Hit, *, past: bool = True) -> bool:
    """Not negated and (with `past`) not a past form: the anchor word and the words beside it."""
    if word_features(reading, anchor) & ({"negative", "past"} if past else {"negative"}):
        return False
    around = reading.window(anchor, LIVENESS_NEAR)
    bridges = {h.word for h in around.get("negation_bridge", ())}
    for negation in around.get("negation_before", ()):
        apart = anchor.word - negation.word
        # "не встречались"; "не предлагал встретиться", "never asked to meet": one word between
        if apart == 1 or (apart == 2 and negation.word + 1 in bridges):
            return False
    # "кездескен жоқпыз"; a particle between: "сұраған да жоқ", "жіберген де емес"
    after = anchor.word + anchor.words
    return not any(
        h.word == after or (h.word == after + 1 and after in bridges)
        for h in around.get("negation_after", ())
    )


def _same(a: Hit, b: Hit) -> bool:
    """The same hit: a window's hits have their offsets in the window's own text, so they are
    compared by what they found, where (the word, the form), not by offset."""
    return a[:3] == b[:3] and a[5:] == b[5:] and (a.start < 0) == (b.start < 0)


def _near(reading: Reading, anchor: Hit, hit: Hit, near: int | None) -> bool:
    return near is None or reading.words_between(anchor, hit) <= near


def _match_all(rules: list[dict[str, Any]], text: _Text) -> list[list[Any] | None]:
    """The quoted words of each rule whose signals are in the narrative (None for the others):
    those of the first reading form where they are. Form by form: a form is searched
    (`search_form`) only for the rules no earlier form matched, and only when there are some (a
    rule's match in one form depends on no other rule, nor on the later forms)."""
    out: list[list[Any] | None] = [None] * len(rules)
    groups = [rule_groups(rule) for rule in rules]
    pending = []
    for index, signals in enumerate(groups):
        if signals:
            pending.append(index)
        else:
            out[index] = []
    for reading in text.readings:
        if not pending:
            break
        search_form(text.readings, reading.index, [rules[index] for index in pending])
        left = []
        for index in pending:
            quotes = _match_reading(rules[index], groups[index], text, reading)
            if quotes is None:
                left.append(index)
            else:
                out[index] = quotes
        pending = left
    return out


def _match_reading(
    rule: dict[str, Any], groups: list[list[str]], text: _Text, reading: Reading
) -> list[Any] | None:
    """The quoted words when the rule's signals (its `groups`) are in this reading form, else
    None."""
    near = rule.get("near")
    unless = list(rule.get("unless") or [])
    anchors = text.hits(reading.hits, groups[0])
    if not anchors and text.has_emoji(groups[0]):
        anchors = [h for h in text.emoji if h.lexicon in groups[0]]
    for anchor in anchors[:MAX_ANCHORS]:
        if anchor.start >= 0 and (
            (rule.get("live") and not _is_live(reading, anchor))
            or (rule.get("not_negated") and not _is_live(reading, anchor, past=False))
        ):
            continue
        # without `near`, the whole text; with it, the words around the anchor
        found = reading.hits if near is None or anchor.start < 0 else reading.window(anchor, near)
        if unless and any(
            h is not anchor and _near(reading, anchor, h, near) for h in text.hits(found, unless)
        ):
            continue
        used = [anchor]
        for group in groups[1:]:
            close = [
                h
                for h in text.hits(found, group)
                if not _same(h, anchor) and (anchor.start < 0 or _near(reading, anchor, h, near))
            ]
            if close:
                used.extend(
                    sorted(close, key=lambda h: abs(h.word - anchor.word))[:QUOTED_PER_GROUP]
                )
            elif text.has_emoji(group):
                used.extend(h for h in text.emoji if h.lexicon in group)
            else:
                break
        else:
            return text.quote(reading, used)
    return None


def _child_age(data: TriageInput, text: _Text) -> tuple[int | None, list[Any]]:
    if data.child_age is not None:
        return data.child_age, []
    found = youngest_age_in_text(text.readings)
    if found is None:
        return None, []
    age, start, end, reading = found
    hit = Hit("#age", "", "", start, end, reading.text.count(" ", 0, start) - 1,
              len(reading.text[start:end].split()), reading.index)  # fmt: skip
    return age, text.quote(reading, [hit])


def _structured(rule: dict[str, Any], data: TriageInput, age: int | None, text: _Text) -> bool:
    if rule.get("categories") and data.category not in rule["categories"]:
        return False
    if "max_age" in rule and (age is None or age > rule["max_age"]):
        return False
    if "within_hours" in rule and (
        data.hours_since is None or data.hours_since > rule["within_hours"]
    ):
        return False
    if rule.get("linked_offender") and not data.linked_offender:
        return False
    if "min_linked_reports" in rule and data.linked_reports < rule["min_linked_reports"]:
        return False
    return not (
        rule.get("unreadable")
        and not (
            text.narrative.strip()
            and text.readings
            and text.readings[0].forms is not None
            and unreadable_forms(text.readings[0].forms)
        )
    )


def _reason(rule: dict[str, Any], quotes: list[Any]) -> dict[str, Any]:
    reason: dict[str, Any] = {"code": rule["code"]}
    if "priority" in rule:
        reason["priority"] = rule["priority"]
    else:
        reason["raise"] = int(rule["raise"])
    reason["label"] = rule.get("label", {})
    if quotes:
        reason["at"] = quotes
    return reason


def evaluate(rules: dict[str, Any], data: TriageInput) -> TriageResult:
    compiled: Compiled = compiled_for(rules)
    readings, emoji = read(data.narrative or "", compiled)
    text = _Text(narrative=data.narrative or "", readings=readings, emoji=emoji)
    age, age_quotes = _child_age(data, text)
    applicable = [rule for rule in rules.get("rules", []) if _structured(rule, data, age, text)]
    matched: list[tuple[dict[str, Any], list[Any]]] = []
    for rule, quotes in zip(applicable, _match_all(applicable, text), strict=True):
        if quotes is None:
            continue
        if "max_age" in rule and age_quotes:
            quotes = age_quotes + [q for q in quotes if q not in age_quotes]
        matched.append((rule, quotes))
    absolute = sorted(
        (m for m in matched if "priority" in m[0]), key=lambda m: PRIORITIES.index(m[0]["priority"])
    )
    priority = absolute[0][0]["priority"] if absolute else "P4"
    reasons = [_reason(rule, quotes) for rule, quotes in absolute]
    lift = max((int(rule["raise"]) for rule, _ in matched if "raise" in rule), default=0)
    if lift:
        priority = PRIORITIES[max(PRIORITIES.index(priority) - lift, 0)]
        reasons = [_reason(rule, q) for rule, q in matched if "raise" in rule] + reasons
    return TriageResult(priority=priority, reasons=reasons, age=age, age_from_text=bool(age_quotes))


def _check_lexicons(lexicons: Any) -> list[str]:
    if not isinstance(lexicons, dict):
        return ['"lexicons" must map names to {"kk"|"ru"|"en"|"emoji": [words]}']
    problems = []
    for name, by_language in lexicons.items():
        if not isinstance(by_language, dict) or not all(
            language in (*LANGUAGES, "emoji")
            and isinstance(words, list)
            and all(isinstance(w, str) and w.strip() for w in words)
            for language, words in by_language.items()
        ):
            problems.append(f"lexicon {name!r}: must map kk/ru/en/emoji to lists of words")
    return problems


def _check_signals(rule: dict[str, Any], where: str, names: set[str]) -> list[str]:
    problems = []
    groups = rule.get("signals", [])
    if "signals" in rule and (
        not isinstance(groups, list) or not all(isinstance(g, str | list) and g for g in groups)
    ):
        return [f"{where}: signals must be a list of lexicon names or lists of them"]
    for group in groups:
        for name in [group] if isinstance(group, str) else group:
            if name not in names:
                problems.append(f"{where}: no lexicon named {name!r}")
    unless = rule.get("unless", [])
    if not isinstance(unless, list) or any(name not in names for name in unless):
        problems.append(f"{where}: unless must list lexicon names")
    for key in ("live", "not_negated", "unreadable"):
        if key in rule and not isinstance(rule[key], bool):
            problems.append(f"{where}: {key} must be true or false")
    return problems


def validate_rules(rules: Any) -> list[str]:
    """What is wrong with a rule set, in plain words (empty when it can be published)."""
    problems: list[str] = []
    if not isinstance(rules, dict) or not isinstance(rules.get("rules"), list):
        return ['The rule set must be an object with a list "rules".']
    problems.extend(_check_lexicons(rules.get("lexicons", {})))
    names = set(lexicons_of(rules) if not problems else ()) | {CLOCK}
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
        problems.extend(_check_signals(rule, where, names))
        for key in ("max_age", "within_hours", "min_linked_reports", "near"):
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
            "signals",
            "near",
            "live",
            "not_negated",
            "unless",
            "unreadable",
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
