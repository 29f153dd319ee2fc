"""The child's age written in a narrative's reading forms ("мне 13", "12 жастамын", "I'm 12"), for
the rules with `max_age` when the form gives none (issue 20; was part of `triage_match`)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from qorgau.intake.triage_match import Reading

_N = r"(\d{1,2})"
_RU_BEFORE = "мне|еи|ему|дочери|дочке|сину|синочку|ребенку|внучке|внуку|ученице|ученику"
_EN_BEFORE = "i'm|im|i am|she's|shes|she is|he's|hes|he is|aged|age"
_AGE = re.compile(
    "|".join(
        (
            # ru: "мне 13", "дочери 12", "ей 12"; "13 лет", "10 годик"; "12-летняя"
            rf"(?<= )(?:{_RU_BEFORE}) {_N}(?= |$)",
            rf"(?<= ){_N}(?: |-)?(?:лет|годик|года|год)(?= )",
            rf"(?<= ){_N}-?(?:летн|летк)",
            # kk (folded): "12 жаста", "12 жастамын", "10 жасар", "13 жасимда", "11 жасинда"
            rf"(?<= ){_N}(?: |-)?(?:жаста|жасар|жасим|жасин|жаска|жас )",
            # en: "i'm 12", "i am 13", "she is 11"; "12 years old", "12-year-old", "12yo"
            rf"(?<= )(?:{_EN_BEFORE}) {_N}(?= |$)",
            rf"(?<= ){_N}(?:-| )?(?:years? old|year-old|years-old|yo|y o|yrs|yr old)(?= |$)",
        )
    )
)
# What an age's words need around its number (looser than `_AGE`: a quick first look): the word
# just before it ("мне", "i am"), or after it a word of years.
_AGE_WORD_BEFORE = frozenset(
    words.split(" ")[-1] for words in f"{_RU_BEFORE}|{_EN_BEFORE}".split("|")
)
_AGE_AFTER = re.compile(r"\d{1,2}[ -]?(?:лет|год|жас|year|yo|y o|yr)")
CHILD_AGE_MAX = 17


# The space before the number is matched (a literal first: `re` skips ahead to it), not looked
# behind for: the number starts one character after the match.
_NUMBER = re.compile(r" \d{1,2}(?=[ -]|[a-zа-я])")
_AROUND = 24  # characters of context an age's words take before and after its number


def ages_in_text(readings: list[Reading]) -> list[tuple[int, int, int, Reading]]:
    """(age, start, end, reading) for each age of a child (0–17) written in the text: the words
    that say it are reading.text[start:end]. The numbers are found first (a fast scan), then the
    words around each."""
    found = []
    for reading in readings:
        text, seen = reading.text, -1
        for number in _NUMBER.finditer(text):
            at = number.start() + 1
            if at <= seen or int(number.group(0)) > CHILD_AGE_MAX:
                continue
            match = _read(text, number)
            if match is not None:
                age = int(next(group for group in match.groups() if group))
                found.append((age, match.start(), match.end(), reading))
                seen = match.end()
    return found


def youngest_age_in_text(readings: list[Reading]) -> tuple[int, int, int, Reading] | None:
    """The first of the youngest ages `ages_in_text` gives (what triage uses), without reading
    the words around a number that cannot be younger than one already found (a long narrative
    says "мне 12 лет" a hundred times, in every reading form).

    Exactly the same answer: a match holds one number and its age is that number (the words of
    `_AGE` around `_N` have no digit, and none can follow it), so a number not under the youngest
    so far cannot be the answer. Its only other effect is that a match of it hides a number that
    starts inside it (`seen`); a match ends at most `_AROUND` characters after its number, so such
    a number is still read when the next one starts within that reach."""
    best: tuple[int, int, int, Reading] | None = None
    for reading in readings:
        text, seen = reading.text, -1
        pending: re.Match[str] | None = None  # a number not read, the one just before
        for number in _NUMBER.finditer(text):
            at = number.start() + 1
            if pending is not None:
                if at <= pending.end() + _AROUND:  # the pending match could hide this number
                    match = _read(text, pending)
                    if match is not None:
                        seen = match.end()
                pending = None
            if at <= seen:
                continue
            value = int(number.group(0))
            if value > CHILD_AGE_MAX:
                continue
            if best is not None and value >= best[0]:
                pending = number
                continue
            match = _read(text, number)
            if match is not None:
                age = int(next(group for group in match.groups() if group))
                if best is None or age < best[0]:
                    best = (age, match.start(), match.end(), reading)
                seen = match.end()
    return best


def _read(text: str, number: re.Match[str]) -> re.Match[str] | None:
    """The age's words around one number (`_NUMBER`'s match), or None: a quick look for the
    words an age needs beside its number first, then `_age_match` in the words around it."""
    at = number.start() + 1
    before = text[text.rfind(" ", 0, at - 1) + 1 : at - 1]
    if before not in _AGE_WORD_BEFORE and not _AGE_AFTER.match(text, at):
        return None  # no age's words can be around it
    lo = max(at - _AROUND, 0)
    lo = text.rfind(" ", 0, lo + 1) if lo else 0
    return _age_match(text, at, max(lo, 0), number.end() + _AROUND)


def _age_match(text: str, at: int, pos: int, endpos: int) -> re.Match[str] | None:
    """The first match `_AGE.finditer(text, pos, endpos)` gives with `at` in it. An age starts
    after a space: it is tried at the words' starts only (`_AGE` after the first has no fast scan
    to skip the other places), in finditer's order, from where the last match ended."""
    start = pos if pos > 0 and text[pos - 1] == " " else text.find(" ", pos) + 1
    while 0 < start <= at:
        match = _AGE.match(text, start, endpos)
        if match is None:
            start = text.find(" ", start) + 1
        elif match.end() > at:
            return match
        else:
            end = match.end()
            start = end if text[end - 1] == " " else text.find(" ", end) + 1
    return None
