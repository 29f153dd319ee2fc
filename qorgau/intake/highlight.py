"""The narrative as the analyst reads it, with the words that set its priority marked (issue 20).

`marked_parts` is pure: the narrative cut into the pieces to mark and the pieces between them.
`highlight` renders them with a template (`intake/narrative_marked.html`): the narrative is
untrusted, and autoescaping escapes every character of it; only the template's `<mark>` and the
`<br>` of `linebreaksbr` are markup. The words are the reasons' quotes, as the
child wrote them; each is found again wherever it stands in the narrative as a whole word (not inside
a longer word), whatever its case, in any script: Cyrillic, the Kazakh Latin letters (ǵ ń ı á ó ú),
a letter written with a combining accent. A space inside a quote matches any run of spaces or a line
break. Overlapping or touching finds are marked once, as one `<mark>`. Line breaks become `<br>` as
Django's `linebreaksbr` does.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from typing import NamedTuple

from django.template.loader import render_to_string
from django.utils.text import normalize_newlines

MAX_WORDS = 64  # more quotes than a report's reasons give are not a reading aid any more
MAX_WORD_LENGTH = 200

# A letter or digit, or a combining mark (part of the letter before it): what a word is made of.
_WORD_CHAR = r"[^\W_]|[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
_ONE_WORD_CHAR = re.compile(_WORD_CHAR)  # each alternative one character: fit for a lookbehind
_SPACES = re.compile(r"\s+")


def _is_word_char(char: str) -> bool:
    return bool(_ONE_WORD_CHAR.fullmatch(char))


def _pattern(word: str) -> str:
    """A quote as a regular expression: its text literal (metacharacters escaped), a space as any
    whitespace, and a word boundary at each end that is a letter (a quote may start or end with
    punctuation or an emoji, which needs none)."""
    body = r"\s+".join(re.escape(part) for part in _SPACES.split(word.strip()))
    before = rf"(?<!{_WORD_CHAR})" if _is_word_char(word.strip()[0]) else ""
    after = rf"(?!{_WORD_CHAR})" if _is_word_char(word.strip()[-1]) else ""
    return f"{before}{body}{after}"


def _words(words: Iterable[object]) -> list[str]:
    """The quotes worth looking for: strings, not blank, not absurdly long; each also in its composed
    and decomposed Unicode forms (ǵ as one letter or as g and an accent); longest first."""
    found: dict[str, None] = {}
    for word in words:
        if not isinstance(word, str) or not word.strip() or len(word) > MAX_WORD_LENGTH:
            continue
        for form in (word, unicodedata.normalize("NFC", word), unicodedata.normalize("NFD", word)):
            found.setdefault(form.strip(), None)
        if len(found) >= MAX_WORDS * 3:
            break
    return sorted(found, key=lambda w: (-len(w), w))


def _spans(text: str, words: list[str]) -> list[tuple[int, int]]:
    """Where the words stand in `text`, overlapping and touching finds merged, in order."""
    spans: list[tuple[int, int]] = []
    for word in words:
        pattern = re.compile(_pattern(word), re.IGNORECASE)
        spans.extend(
            match.span() for match in pattern.finditer(text) if match.end() > match.start()
        )
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


class Part(NamedTuple):
    text: str
    marked: bool


def marked_parts(narrative: str, words: Iterable[object]) -> list[Part]:
    """The narrative (its line breaks normalised to `\\n`) in pieces, each occurrence of `words`
    one marked piece; joined, the pieces are the narrative."""
    text = normalize_newlines(narrative or "")
    parts, last = [], 0
    for start, end in _spans(text, _words(words)):
        if start > last:
            parts.append(Part(text[last:start], False))
        parts.append(Part(text[start:end], True))
        last = end
    if last < len(text):
        parts.append(Part(text[last:], False))
    return parts


def highlight(narrative: str, words: Iterable[object]) -> str:
    """The narrative as HTML (a string safe to output as it is): escaped, its line breaks as
    `<br>`, each occurrence of `words` in `<mark>`."""
    return render_to_string(
        "intake/narrative_marked.html", {"parts": marked_parts(narrative, words)}
    )
