"""A narrative's reading forms, built word by word with a cache (issue 20, parts 1 and 6).

`textforms.reading_forms` folds and transliterates a whole text: on a 20,000-character narrative
that is a dozen passes of regular expressions and replacements, each over every character (about
9 ms). Children's words repeat, from one report to the next more than within one: here each
distinct whitespace-separated token is folded, normalised to its words and transliterated once
(in one batch for the tokens not seen before), kept in a bounded cache, and a form is the
cache's values joined in the narrative's order (C-level `map` and `join`). Each token is looked up
once, for its number; its forms, word count and language marks are then read from lists by that
number (a list index costs a fraction of a dict look-up of a string, done once per form). The forms are the ones
`reading_forms` gives, normalised to words (letters, digits, ' and -) separated by single spaces;
every token has the same number of words in every form, so word *n* of any form is the same word
of the narrative (and `Forms.original` gives it as it was written).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import cached_property
from itertools import accumulate, islice

from qorgau.intake.textforms import (
    _FORMAT,
    _HAS_LATIN,
    DETECT_CHARS,
    EN_WORDS,
    KK_WORDS,
    RU_WORDS,
    fold,
    kk_letters,
    to_cyrillic,
    valid_text,
)

CACHE_MAX = 50_000  # distinct tokens (measured: 35 MB a process when full), then replaced
LANGUAGE_TOKENS = 800  # the tokens that decide which transliterations a text needs

_NOT_WORD = re.compile(r"[^\w'-]+")
# A token that is not words of the narrative: a link, an e-mail address, a @handle (with the
# punctuation around it). It has no words in the forms.
_NOT_WORDS = re.compile(r"\W*(?:(?:https?://|www\.)\S+|[^\s@]+@\S+|@\w+)", re.IGNORECASE)


class _Cache:
    """What is known of each token seen, under the token's number (`ids`). Replaced, never
    cleared, when full: a reader in another thread keeps the one it started with. The lists are
    only appended to, a token's number last (under `lock`): a reader that finds the number finds
    the rest."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}  # token -> its number in the lists below
        self.folded: list[str] = []  # its folded words ("школы," -> "школи")
        self.kk: list[str] = []  # its words by the Kazakh Latin map (or folded)
        self.ru: list[str] = []  # its words by the Russian translit map
        # the same three, each followed by a space ("" for a token without words): a form is
        # their join, without a filter of the empty ones
        self.spaced: dict[str, list[str]] = {"folded": [], "kk": [], "ru": []}
        self.count: list[int] = []  # how many words (the same in every form)
        # how many of its words are of KK_WORDS, RU_WORDS, EN_WORDS, packed in one int (`_pack`):
        # the first tokens' marks are then one C `sum`, not three columns of tuples
        self.marks: list[int] = []
        self.latin: set[str] = set()  # tokens with Latin letters of a word (not a link)
        # whether its words differ between two forms (kk from folded, ru from folded, ru from kk):
        # a form is another's text exactly when none of its tokens differs (every token has the
        # same number of words in every form), so that is decided without joining either
        self.differs: dict[str, list[bool]] = {"kk": [], "ru": [], "kkru": []}
        self.lock = threading.Lock()


_cache = _Cache()


# Three counts in one int, 40 bits each: a field holds at most the words of LANGUAGE_TOKENS tokens
# (fewer than the narrative's characters), far under 2**40, so sums never carry into the next.
_SHIFT = 40
_FIELD = (1 << _SHIFT) - 1


def _pack(kk: int, ru: int, en: int) -> int:
    return kk | ru << _SHIFT | en << (2 * _SHIFT)


def _words(text: str) -> str:
    return " ".join(_NOT_WORD.sub(" ", text).split())


def _learn(cache: _Cache, tokens: list[str]) -> None:
    """Fold, normalise and transliterate new tokens, in one batch per step."""
    with cache.lock:
        tokens = [token for token in tokens if token not in cache.ids]  # (another thread's)
        if tokens:
            _learn_new(cache, tokens)


def _learn_new(cache: _Cache, tokens: list[str]) -> None:
    """`_learn` of tokens not known yet (under the cache's lock)."""
    folded = [
        "" if _NOT_WORDS.fullmatch(token) else _words(words)
        for token, words in zip(tokens, fold("\n".join(tokens)).split("\n"), strict=True)
    ]
    latin = [i for i, words in enumerate(folded) if _HAS_LATIN.search(words)]
    kk, ru = list(folded), list(folded)
    if latin:
        joined = "\n".join(folded[i] for i in latin)
        for target, name in ((kk, "kk"), (ru, "ru")):
            read = fold(to_cyrillic(joined, name)).split("\n")
            for i, words in zip(latin, read, strict=True):
                words = _words(words)
                # the same number of words as the folded token, or the folded token itself
                same = words.count(" ") == folded[i].count(" ") and bool(words) == bool(folded[i])
                target[i] = words if same else folded[i]
    cache.latin.update(tokens[i] for i in latin)
    spaced = cache.spaced
    for i, token in enumerate(tokens):
        cache.folded.append(folded[i])
        cache.kk.append(kk[i])
        cache.ru.append(ru[i])
        for name, words in (("folded", folded[i]), ("kk", kk[i]), ("ru", ru[i])):
            spaced[name].append(f"{words} " if words else "")
        cache.differs["kk"].append(kk[i] != folded[i])
        cache.differs["ru"].append(ru[i] != folded[i])
        cache.differs["kkru"].append(ru[i] != kk[i])
        cache.count.append(folded[i].count(" ") + 1 if folded[i] else 0)
        split = folded[i].split()
        cache.marks.append(
            _pack(
                sum(map(KK_WORDS.__contains__, split)),
                sum(map(RU_WORDS.__contains__, split)),
                sum(map(EN_WORDS.__contains__, split)),
            )
        )
        # the number last: a reader in another thread that finds it finds the rest
        cache.ids[token] = len(cache.folded) - 1


def _maps(cache: _Cache, ids: list[int], text: str) -> list[str]:
    """Which transliterations the text needs: the Kazakh map, the Russian one, both, or none
    (a text that is plainly English). As `textforms.language_of`, on word lists and letters."""
    packed = sum(map(cache.marks.__getitem__, islice(ids, LANGUAGE_TOKENS)))
    kk, ru, en = packed & _FIELD, (packed >> _SHIFT) & _FIELD, packed >> (2 * _SHIFT)
    if kk < 3:  # the letters can only change the answer when the words have not said "kk"
        kk += kk_letters(text[:DETECT_CHARS])
    if en >= 3 and not kk and not ru:
        return []
    if kk >= 3 and not ru:
        return ["kk"]
    if ru >= 3 and not kk:
        return ["ru"]
    return ["kk", "ru"]


@dataclass
class Forms:
    """The narrative's tokens and its reading forms (each " word word ... ", padded)."""

    source: str  # the narrative (valid Unicode, NFC, without format characters)
    tokens: list[str]  # its whitespace-separated tokens, lowercased (the cache's keys)
    cache: _Cache = field(repr=False, default_factory=_Cache)
    tables: list[list[str]] = field(default_factory=list, repr=False)  # token number -> its words
    # the same, each followed by a space: a form's text is their join, made when first asked for
    # (`text`): a form whose whole-text pass is not needed is never joined
    spaced: list[list[str]] = field(default_factory=list, repr=False)
    _texts: dict[int, str] = field(default_factory=dict, repr=False)
    ids: list[int] = field(default_factory=list, repr=False)  # each token's number in `cache`
    _ends: list[int] | None = field(default=None, repr=False)
    windows: dict = field(default_factory=dict, repr=False)  # triage_match's, shared by forms

    def text(self, number: int) -> str:
        """Form `number`'s text, " word word ... " (joined once, when first asked for)."""
        found = self._texts.get(number)
        if found is None:
            found = self._texts[number] = _form(self.spaced[number], self.ids)
        return found

    @property
    def texts(self) -> list[str]:
        """Every form's text (each joined when first asked for)."""
        return [self.text(number) for number in range(len(self.tables))]

    @cached_property
    def raw(self) -> list[str]:
        """The tokens as written (only to read words back: built when asked for)."""
        raw = self.source.split()
        # lower() never splits a token; kept safe all the same
        return raw if len(raw) == len(self.tokens) else self.tokens

    def ends(self) -> list[int]:
        """For each token, the number of words up to its end (the same in every form)."""
        if self._ends is None:
            self._ends = list(accumulate(map(self.cache.count.__getitem__, self.ids)))
        return self._ends

    def span(self, number: int, first: int, last: int) -> tuple[str, int] | None:
        """Words `first` .. `last` of form `number` as its text has them, " word ... word "
        (the space before the first, the space after the last), after the last letter of the word
        before (what a look-behind sees), and where the first space is; None past the last word.
        Built from the tokens' words: the form's text is not searched for where the words are."""
        ends = self.ends()
        if not ends or first >= ends[-1]:
            return None
        table, ids = self.tables[number], self.ids
        lo = bisect_right(ends, first)
        hi = bisect_right(ends, last) if last < ends[-1] else len(ids) - 1
        words = " ".join(filter(None, map(table.__getitem__, ids[lo : hi + 1])))
        before = ends[lo - 1] if lo else 0
        lead = table[ids[bisect_right(ends, first - 1)]][-1] if first else ""
        if before < first or ends[hi] > last + 1:  # a token of several words, cut
            pieces = words.split(" ")
            if before < first:
                lead = pieces[first - before - 1][-1]
            words = " ".join(pieces[first - before : last + 1 - before])
        return f"{lead} {words} ", len(lead)

    def original(self, index: int, count: int = 1) -> list[str]:
        """Words `index` .. `index + count - 1` of the forms, as the narrative writes them."""
        self.ends()
        assert self._ends is not None
        out: list[str] = []
        for n in range(index, index + count):
            at = bisect_right(self._ends, n)
            if at >= len(self.tokens):
                break
            start = self._ends[at - 1] if at else 0
            pieces = _NOT_WORD.sub(" ", self.raw[at]).split()
            word = (
                pieces[n - start] if len(pieces) == self.cache.count[self.ids[at]] else self.raw[at]
            )
            if word not in out:
                out.append(word)
        return out


def read_forms(narrative: str) -> Forms:
    """The reading forms of a narrative: folded; and, when it has Latin words, read in Cyrillic
    by the Kazakh map, the Russian one or both (`_maps`)."""
    text = valid_text(narrative or "")
    if _FORMAT.search(text):
        text = _FORMAT.sub("", text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    tokens = text.lower().split()
    global _cache
    cache = _cache
    try:  # every token known: the usual case, without a set of the tokens
        ids = list(map(cache.ids.__getitem__, tokens))
    except KeyError:
        new = set(tokens).difference(cache.ids)
        if len(cache.ids) + len(new) > CACHE_MAX:
            cache = _cache = _Cache()
            new = set(tokens)
        if new:  # (none when another thread has just learnt them)
            _learn(cache, sorted(new))
        ids = list(map(cache.ids.__getitem__, tokens))
    names = ["folded"]
    if not cache.latin.isdisjoint(tokens):
        for name in _maps(cache, ids, text):
            # a form that is the text of one already there is left out (as the texts compared)
            if any(map(cache.differs[name].__getitem__, ids)) and (
                name == "kk"
                or "kk" not in names
                or any(map(cache.differs["kkru"].__getitem__, ids))
            ):
                names.append(name)
    tables = [getattr(cache, name) for name in names]
    spaced = [cache.spaced[name] for name in names]
    forms = Forms(source=text, tokens=tokens, cache=cache, tables=tables, spaced=spaced, ids=ids)
    forms.text(0)
    return forms


def _form(spaced: list[str], ids: list[int]) -> str:
    """ " word word ... ": the tokens' words, each followed by a space, after one space (two
    spaces when there is no word, as a join of none between two spaces gives)."""
    words = "".join(map(spaced.__getitem__, ids))
    return f" {words}" if words else "  "
