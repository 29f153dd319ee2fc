"""Where a rule set's words are in a narrative: one pass per reading form (issue 20, parts 1–3, 6).

A rule set's lexicons (`"lexicons"`: name → {"kk"|"ru"|"en": [terms], "emoji": [...]}) and the
inline terms of its rules (`any`, `and_any`) are compiled once per rule set into one Aho–Corasick
automaton (`pyahocorasick`, C). A narrative is read in its reading forms (`textforms.reading_forms`:
folded, and written out in Cyrillic when it has Latin letters), each normalised to its words
separated by single spaces; the automaton finds every term in a form in one pass and `Hit`s record
where (the word's position) and which word of the narrative it was.

What a term is:
- a word's beginning: `встреч` finds встреча, встречаемся; `кездес` finds кездесеміз. A term
  written as a whole word of Russian, English or Kazakh is also looked for by its stem
  (`morph.stem_term`: Snowball for ru/en, the project's Kazakh stemmer), so `встретиться` also
  finds встретимся;
- `=word`: that word only (`=он` finds он, not она);
- a phrase with spaces, from a word's beginning to the end of its last term (`pick you up`,
  `до завтра`); `~` stands for any one word (`pick ~ up` finds "pick her up");
- an emoji (the `emoji` list): found anywhere in the raw narrative, without a position.
Terms are folded like the narrative (`textforms.fold`), so rules need not spell қ/к, ё/е.

Two passes, so that a 20,000-character narrative costs little more than a short one: the whole
text is searched only for the lexicons a rule starts from (its first group of `signals`, and every
lexicon of a rule without `near`); the others (times, places, negations, "unless" words) are
searched in the few words around each such word (`Reading.window`). A later reading form is searched
(even joined) only for the rules no earlier form matched (`search_form`, from `triage._match_all`).

Also here, as it reads the same forms: whether there is any text to read (`unreadable`); the
child's age written in the text is read in them by `triage_age`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, NamedTuple

import ahocorasick

from qorgau.intake import morph
from qorgau.intake.textforms import fold
from qorgau.intake.textread import Forms, read_forms

TERM_LANGUAGES = ("kk", "ru", "en")
MAX_HITS_PER_LEXICON = 400  # per form: a 20,000-character narrative stays bounded

_NOT_WORD = re.compile(r"[^\w'-]+")
# A term with `~` (`pick ~ up`): its expression, (lexicon, language, folded term), and whether the
# automaton reports where its first word is (`_build`): it is then tried there only.
Gapped = tuple[re.Pattern[str], tuple[str, str, str], bool]


def normalise_text(text: str) -> str:
    """The words of the text (letters, digits, ' and -), lowercase, one space between them."""
    text = (text or "").lower().replace("ё", "е")
    return _NOT_WORD.sub(" ", text).strip(" ")


class Hit(NamedTuple):
    lexicon: str
    language: str  # of the term: kk, ru, en; "" for emojis and built-in classes
    term: str  # the folded term that matched
    start: int  # offset of the word's first letter in its form's text (-1: no position)
    end: int  # offset just after the matched term
    word: int = -1  # the number of the word (the same in every form)
    words: int = 1  # how many words the match spans
    form: int = 0  # which reading form it was found in


@dataclass
class Reading:
    """One reading form of the narrative and what the rule set's terms found in it."""

    compiled: Compiled
    forms: Forms
    index: int = 0  # the form's number in `forms.texts`
    hits: dict[str, list[Hit]] = field(default_factory=dict)  # the whole-text pass
    windows: dict[tuple[int, int], dict[str, list[Hit]]] = field(default_factory=dict)
    # the lexicons of the whole-text pass (`search_form`); None: not searched yet
    searched: set[str] | None = None

    @property
    def text(self) -> str:
        """ " word word ... " (padded with one space each side): joined when first read."""
        return self.forms.text(self.index)

    def word_at(self, hit: Hit) -> str:
        text = self.forms.text(hit.form)
        end = text.find(" ", hit.start)
        return text[hit.start : end if end >= 0 else len(text)]

    def index_of(self, hit: Hit) -> int:
        """The word's number (0-based; the same in every form)."""
        return hit.word

    @staticmethod
    def words_between(a: Hit, b: Hit) -> int:
        """How many word boundaries separate two hits (0: the same word)."""
        return abs(a.word - b.word)

    def window(self, hit: Hit, near: int) -> dict[str, list[Hit]]:
        """Every lexicon's hits in the `near` (+2) words before and after the hit's word, in
        every reading form (a Latin word read in Cyrillic beside an English one: "he said davai
        v subbotu"). The words are searched as a text of their own (`Forms.span`: offsets are in
        it); a form whose words there are those of an earlier form has that form's hits."""
        key = (hit.word, near)
        found = self.windows.get(key)
        if found is not None:
            return found
        found = {}
        first = max(hit.word - near - 2, 0)
        last = hit.word + hit.words - 1 + near + 2
        forms = self.forms
        searched: dict[str, dict[str, list[Hit]]] = {}  # a window's text -> its hits
        new = tuple.__new__
        lexicons = self.compiled.for_window(near)
        for number in range(len(forms.tables)):
            span = forms.span(number, first, last)
            if span is None:
                continue
            text, begin = span
            part = searched.get(text)
            if part is None:
                part = searched[text] = _window_hits(lexicons, text, begin, first, number)
            else:
                part = {
                    name: [new(Hit, (*h[:7], number)) for h in hits] for name, hits in part.items()
                }
            for name, hits in part.items():
                found.setdefault(name, []).extend(hits)
        # the windows of every form are one: share them (the hit's word is the same word)
        forms.windows[key] = found
        self.windows[key] = found
        return found


def _window_hits(
    lexicons: tuple[Any, list[Any], bool], text: str, begin: int, first: int, number: int
) -> dict[str, list[Hit]]:
    """The lexicons' hits, and the times of day, in a window's text (from `begin`)."""
    automaton, gapped, clock = lexicons
    part = _search(automaton, gapped, text, begin, len(text), first, number)
    if clock and _DIGIT.search(text, begin):
        for match in _CLOCK.finditer(text, begin):
            word = first + text.count(" ", begin + 1, match.start())
            part.setdefault(CLOCK, []).append(
                Hit(CLOCK, "", match.group(0), match.start(), match.end(), word,
                    match.group(0).count(" ") + 1, number)
            )  # fmt: skip
    return part


@dataclass
class Compiled:
    automaton: Any  # every lexicon (ahocorasick.Automaton), or None when there is no term
    gapped: list[Gapped]
    emoji: dict[str, list[str]]  # emoji -> lexicons
    names: set[str]
    anchor_automaton: Any = None  # the lexicons searched in the whole text
    anchor_gapped: list[Gapped] = field(default_factory=list)
    anchor_names: set[str] = field(default_factory=set)
    rules: dict[str, Any] = field(default_factory=dict, repr=False)
    lexicons: dict[str, dict[str, list[str]]] = field(default_factory=dict, repr=False)
    _by_category: dict[tuple[str, ...], tuple[Any, list[Any], set[str]]] = field(
        default_factory=dict
    )
    _by_near: dict[int, tuple[Any, list[Any], bool]] = field(default_factory=dict)

    def for_window(self, near: int) -> tuple[Any, list[Any], bool]:
        """The automaton, gapped terms and whether times of day are wanted, of the lexicons read
        in the windows of `near` words (`window_lexicons`). Built once per rule set and `near`."""
        found = self._by_near.get(near)
        if found is None:
            if not self.rules:  # compiled by hand: every lexicon
                return self.automaton, self.gapped, True
            names = window_lexicons(self.rules, near)
            found = self._by_near[near] = (*_build(self.lexicons, names), CLOCK in names)
        return found

    def anchors_for(
        self, rules: list[dict[str, Any]] | None = None
    ) -> tuple[Any, list[Any], set[str]]:
        """The whole-text automaton of the lexicons `rules` start from (all rules without them):
        only the rules that can still match a report (its category, the child's age) are
        searched for in the whole text. Built once per set of rules."""
        if rules is None:
            return self.anchor_automaton, self.anchor_gapped, self.anchor_names
        key = tuple(str(rule.get("code")) for rule in rules)
        found = self._by_category.get(key)
        if found is None:
            names = anchor_lexicons({"rules": rules})
            found = (*_build(self.lexicons, names), names)
            if len(self._by_category) > 256:
                self._by_category.clear()
            self._by_category[key] = found
        return found


def _inline_name(rule_code: str, key: str) -> str:
    return f"{rule_code}#{key}"


def lexicons_of(rules: dict[str, Any]) -> dict[str, dict[str, list[str]]]:
    """Every lexicon of the rule set: the named ones, and each rule's `any`/`and_any` terms as
    a lexicon of its own (named `code#any`, `code#and_any`)."""
    out: dict[str, dict[str, list[str]]] = dict(rules.get("lexicons") or {})
    for rule in rules.get("rules", []):
        for key in ("any", "and_any"):
            if isinstance(rule.get(key), dict):
                out[_inline_name(str(rule.get("code")), key)] = rule[key]
    return out


# Terms that are a word's dictionary form are also looked for by their stem: a Kazakh verbal noun
# (кездесу → кездес), a Russian infinitive (встретиться → встрет), an English -ing/-ed/-s form
# (meeting → meet). Other terms are prefixes already, and a finite form stays what it says
# ("көрсетемін", I will show, is a threat; its stem would find "көрсетті", showed).
_DICTIONARY_FORM = {
    "kk": re.compile(r"[ую]$"),
    "ru": re.compile(r"(?:ть|ться|ти|тись|чь)$"),
    "en": re.compile(r"(?:ing|ed|s)$"),
}
_MIN_STEM = {"kk": 5, "ru": 6, "en": 4}  # shorter stems find too many other words


def _keys(term: str, language: str) -> Iterable[tuple[str, str]]:
    """(automaton key, folded term) pairs for one term of a lexicon."""
    exact = term.startswith("=")
    raw = (term[1:] if exact else term).lower()
    folded = fold(raw)
    if not folded:
        return []
    if exact:
        return [(f" {folded} ", folded)]
    prefixes = {folded}
    form = _DICTIONARY_FORM.get(language)
    if " " not in folded and form is not None and form.search(raw):
        minimum = _MIN_STEM[language]
        stems = morph.stem_term(raw, language)
        prefixes |= {p for p in map(fold, stems) if len(p) >= minimum}
    return [(f" {p}", p) for p in prefixes if p]


# What `triage._is_live` reads in the words around an anchor (its window of LIVENESS_NEAR).
LIVENESS_LEXICONS = ("negation_before", "negation_bridge", "negation_after")
LIVENESS_NEAR = 2


def rule_groups(rule: dict[str, Any]) -> list[list[str]]:
    """A rule's groups of lexicons, in order: its `signals`, then its inline `any`/`and_any`."""
    groups = [[g] if isinstance(g, str) else list(g) for g in rule.get("signals") or []]
    for key in ("any", "and_any"):
        if isinstance(rule.get(key), dict):
            groups.append([_inline_name(str(rule.get("code")), key)])
    return groups


def window_lexicons(rules: dict[str, Any], near: int) -> set[str]:
    """The lexicons read in the windows of `near` words around an anchor: the other groups and
    `unless` of the rules with that `near`, and the negations when it is `LIVENESS_NEAR`."""
    names = set(LIVENESS_LEXICONS) if near == LIVENESS_NEAR else set()
    for rule in rules.get("rules", []):
        groups = rule_groups(rule)
        if rule.get("near") == near and groups:
            names.update(*groups[1:], rule.get("unless") or [])
    return names


def anchor_lexicons(rules: dict[str, Any], category: str | None = None) -> set[str]:
    """The lexicons searched in the whole text: each rule's first group of signals, and all the
    lexicons of a rule without `near` (its other groups and `unless` may be anywhere); with a
    category, only of the rules that apply to it."""
    names: set[str] = set()
    for rule in rules.get("rules", []):
        if category is not None and rule.get("categories") and category not in rule["categories"]:
            continue
        groups = rule_groups(rule)
        if not groups:
            continue
        if rule.get("near") is None:
            names.update(*groups, rule.get("unless") or [])
        else:
            names.update(groups[0])
    return names


def _build(
    lexicons: dict[str, dict[str, list[str]]], only: set[str] | None
) -> tuple[Any, list[Gapped]]:
    automaton = ahocorasick.Automaton()
    entries: dict[str, list[tuple[str, str, str]]] = {}
    gapped: list[Gapped] = []
    heads: dict[str, list[int]] = {}  # " first word" of a gapped term -> its indices in `gapped`
    for name, by_language in lexicons.items():
        if only is not None and name not in only:
            continue
        for language, terms in (by_language or {}).items():
            if language == "emoji":
                continue
            for term in terms or ():
                if not isinstance(term, str) or not term.strip():
                    continue
                if "~" in term:
                    first = fold(term.split("~")[0]).strip()
                    parts = [re.escape(fold(p).strip()) for p in term.split("~")]
                    # the first part, then that it follows a space: a literal first lets `re`
                    # skip ahead to it (ten times faster on a long text than a look-behind first)
                    head = f"{parts[0]}(?<= {parts[0]})" if parts[0] else "(?<= )"
                    pattern = head + r"(?: [\w'-]+){1,3} ".join(["", *parts[1:]])
                    if first:
                        heads.setdefault(f" {first}", []).append(len(gapped))
                    gapped.append((re.compile(pattern), (name, language, fold(term)), bool(first)))
                    continue
                for key, folded in _keys(term, language):
                    entries.setdefault(key, []).append((name, language, folded))
    # A term another term of the same lexicon begins ("кутемин" after "куте") finds nothing more:
    # left out, so that a word is one hit, not three.
    for key in sorted(entries, key=len):
        if key.endswith(" "):
            continue
        for cut in range(2, len(key)):
            shorter = entries.get(key[:cut])
            if shorter is not None and not key[:cut].endswith(" "):
                kept = {name for name, _, _ in shorter}
                entries[key] = [v for v in entries[key] if v[0] not in kept]
        if not entries[key]:
            del entries[key]
    # The value: the key's length, how many words its terms span, the terms, and the gapped
    # terms that begin with the key (one pass finds both: the expressions are then matched only
    # where their first word is, not searched for over the whole text, once each).
    for key in entries.keys() | heads.keys():
        unique = tuple(dict.fromkeys(entries.get(key, ())))
        span = unique[0][2].count(" ") + 1 if unique else 1
        automaton.add_word(key, (len(key), span, unique, tuple(heads.get(key, ()))))
    if not entries and not heads:
        return None, gapped
    automaton.make_automaton()
    return automaton, gapped


def compile_rules(rules: dict[str, Any]) -> Compiled:
    lexicons = lexicons_of(rules)
    emoji: dict[str, list[str]] = {}
    for name, by_language in lexicons.items():
        for char in (by_language or {}).get("emoji", ()):
            if isinstance(char, str) and char.strip():
                emoji.setdefault(char, []).append(name)
    automaton, gapped = _build(lexicons, None)
    anchors = anchor_lexicons(rules)
    anchor_automaton, anchor_gapped = _build(lexicons, anchors)
    return Compiled(
        automaton=automaton,
        gapped=gapped,
        emoji=emoji,
        names=set(lexicons),
        anchor_automaton=anchor_automaton,
        anchor_gapped=anchor_gapped,
        anchor_names=anchors,
        rules=rules,
        lexicons=lexicons,
    )


_compiled: dict[int, tuple[dict[str, Any], Compiled]] = {}


def compiled_for(rules: dict[str, Any]) -> Compiled:
    """The compiled form of a rule set, kept while the rule set object lives in the cache (the
    rule set in force is one object for QORGAU_TRIAGE_RULES_TTL; the key keeps it alive)."""
    found = _compiled.get(id(rules))
    if found is not None and found[0] is rules:
        return found[1]
    if len(_compiled) > 16:
        _compiled.clear()
    value = compile_rules(rules)
    _compiled[id(rules)] = (rules, value)
    return value


def _search(
    automaton: Any,
    gapped: list[Gapped],
    text: str,
    start: int = 0,
    end: int | None = None,
    first_word: int = 0,
    form: int = 0,
    seen: set[tuple[str, int, int]] | None = None,
) -> dict[str, list[Hit]]:
    """Every hit of the automaton's terms in text[start:end] (offsets in `text`; `first_word` is
    the number of the word right after text[start], a space)."""
    hits: dict[str, list[Hit]] = {}
    end = len(text) if end is None else end
    at, word = start + 1, first_word  # a position and its word's number, moved along
    count, get, new, cap = text.count, hits.get, tuple.__new__, MAX_HITS_PER_LEXICON
    starts: dict[int, list[int]] = {}  # gapped term -> where its first word is, in order
    if automaton is not None:
        # The hot loop of triage, kept to what each hit needs (the value: the key's length, how
        # many words its terms span, the terms). A `Hit` is made by `tuple.__new__`, as
        # NamedTuple's own `__new__` does, without the Python call that costs per hit.
        for last, (length, span, values, heads) in automaton.iter(text, start, end):
            first = last - length + 2  # after the leading space of the key
            if first != at:
                word += count(" ", at, first) if first > at else -count(" ", first, at)
                at = first
            if heads:
                for index in heads:
                    starts.setdefault(index, []).append(first)
            for name, language, term in values:
                if seen and (name, word, span) in seen:
                    continue
                bucket = get(name)
                if bucket is None:
                    bucket = hits[name] = []
                elif len(bucket) >= cap:
                    continue
                bucket.append(new(Hit, (name, language, term, first, last + 1, word, span, form)))
    for index, (pattern, (name, language, term), by_head) in enumerate(gapped):
        if by_head and automaton is not None:
            matches: Iterable[re.Match[str]] = _at(pattern, text, starts.get(index, ()), end)
        else:
            matches = pattern.finditer(text, start, end)
        for match in matches:
            number = first_word + count(" ", start + 1, match.start())
            span = match.group(0).count(" ") + 1
            hits.setdefault(name, []).append(
                Hit(name, language, term, match.start(), match.end(), number, span, form)
            )
    return hits


def _at(
    pattern: re.Pattern[str], text: str, starts: Iterable[int], end: int
) -> Iterable[re.Match[str]]:
    """What `pattern.finditer(text, start, end)` gives, tried only where its first word is (the
    expression begins with it and looks behind for the space before it: it can match nowhere
    else), one match not overlapping the one before, as finditer's."""
    after = -1
    for at in starts:
        if at >= after:
            match = pattern.match(text, at, end)
            if match is not None:
                yield match
                after = match.end()


def read(narrative: str, compiled: Compiled) -> tuple[list[Reading], list[Hit]]:
    """The narrative's reading forms (not searched yet: `search`) and its emoji hits (without a
    position)."""
    forms = read_forms(narrative or "")
    readings = []
    for number in range(len(forms.tables)):
        reading = Reading(compiled=compiled, forms=forms, index=number)
        reading.windows = forms.windows
        readings.append(reading)
    emoji_hits: list[Hit] = []
    if compiled.emoji:
        raw = narrative or ""
        for char, names in compiled.emoji.items():
            if char in raw:
                emoji_hits.extend(Hit(name, "", char, -1, -1) for name in names)
    return readings, emoji_hits


_SEEN_KEY = itemgetter(0, 5, 6)  # a hit's (lexicon, word, words), made in C


def search(readings: list[Reading], rules: list[dict[str, Any]] | None = None) -> None:
    """The whole-text pass: the hits, in each reading form, of the lexicons `rules` start from."""
    for number in range(len(readings)):
        search_form(readings, number, rules)


def search_form(
    readings: list[Reading], number: int, rules: list[dict[str, Any]] | None = None
) -> None:
    """The whole-text pass of form `number`: the hits of the lexicons `rules` start from. Every
    earlier form must have been searched already, for these lexicons at least (`seen`): triage
    searches a later form only for the rules no earlier form matched, a subset of theirs.

    A word found in an earlier form is the same word (its window reads every form): a Cyrillic
    word is found once, not once per transliteration. So a hit of a later form is left out when
    an earlier form has one of the same lexicon, word and number of words."""
    reading = readings[number]
    automaton, gapped, names = reading.compiled.anchors_for(rules)
    seen: set[tuple[str, int, int]] | None = set() if number else None
    if seen is not None:
        for earlier in readings[:number]:
            assert earlier.searched is not None and names <= earlier.searched
            for name in names:
                hits = earlier.hits.get(name)
                if hits:
                    seen.update(map(_SEEN_KEY, hits))
    text = reading.text
    reading.hits = _search(automaton, gapped, text, form=number, seen=seen)
    reading.searched = names
    if CLOCK in names:
        reading.hits[CLOCK] = [
            Hit(CLOCK, "", m.group(0), m.start(), m.end(), text.count(" ", 0, m.start()) - 1,
                m.group(0).count(" ") + 1, number)
            for m in _CLOCK.finditer(text)
        ]  # fmt: skip


# A time of day: "в 7", "at 5", "by 9pm", "сағат 4-те", "4te", "18:00" (normalised "18 00"),
# "до 9". Not "в 6 классе", "13 лет": a number followed by a class or age word is not a time.
CLOCK = "#clock"
_DIGIT = re.compile(r"\d")  # a time of day has one: a window without any is not searched for it
_NOT_AFTER_NUMBER = (
    r"(?! ?(?:класс|клас|сынып|жас|лет|год|years?|grade|class|yo\b|этаж|кабинет|мкр))"
)
_CLOCK = re.compile(
    r"(?<= )(?:"
    r"(?:в|во|к|до|около|после|at|by|till|until|around|after|сагат|sagat|saat|сагатта) \d{1,2}(?: \d{2})?"
    + _NOT_AFTER_NUMBER
    + r"|\d{1,2}(?: \d{2})? ?(?:pm|am)"
    + r"|\d{1,2}(?: \d{2})?-?(?:те|та|де|да|ке|ге|ка|га|ten|te|ta|de|da|ke|ge)"
    + r"|(?<!\d )(?:[01]?\d|2[0-3]) [0-5]\d(?! \d)"
    + r")(?= |$)"
)


def word_features(reading: Reading, hit: Hit) -> frozenset[str]:
    """ "negative" and "past" of the hit's word itself (`morph.word_features`)."""
    if hit.start < 0 or not hit.language:
        return frozenset()
    return morph.word_features(reading.word_at(hit), hit.term.split(" ")[0], hit.language)


# --- is there anything to read -------------------------------------------------------------------

# Two different letters side by side, in the scripts triage reads (Cyrillic with the Kazakh letters,
# Latin with its accented letters): "аааа", "!!!", "12345", emojis alone or a link alone have none.
_TWO_LETTERS = re.compile(
    r"([a-z\u00c0-\u024f\u0430-\u044f\u0450-\u04ff])(?!\1)[a-z\u00c0-\u024f\u0430-\u044f\u0450-\u04ff]"
)


def unreadable_forms(forms: Forms) -> bool:
    """Whether the narrative has no word triage can read (only emojis, digits, links, one letter
    repeated, another script, invalid characters): its folded form has no two letters."""
    return not _TWO_LETTERS.search(forms.texts[0])


def unreadable(narrative: str) -> bool:
    return unreadable_forms(read_forms(narrative or ""))
