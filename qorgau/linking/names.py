"""Names across alphabets: Kazakh Cyrillic, Russian Cyrillic, the 2021 Kazakh Latin alphabet and the
usual passport romanisations all reduce to one comparable skeleton (Жақып, Жакип, Zhakip, Jaqyp ->
`jakip`), and rapidfuzz scores skeletons. A name match is only ever a candidate for an analyst.

anyascii romanises Cyrillic (Kazakh letters included); the skeleton rules below then fold what the
romanisation schemes write differently (zh/j/dzh, q/k, gh/g, y/i/ı, kh/h, ts/c, double letters).
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from anyascii import anyascii
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

# 2021 Kazakh Latin letters, before anyascii (which would drop their marks inconsistently).
KAZAKH_LATIN = str.maketrans(
    {
        "ä": "a",
        "ǵ": "g",
        "ğ": "g",
        "ı": "i",
        "ń": "n",
        "ñ": "n",
        "ö": "o",
        "ū": "u",
        "ü": "u",
        "ş": "sh",
        "ç": "ch",
        "á": "a",
        "ó": "o",
        "ú": "u",
        "ý": "y",
        "ʼ": "",
        "'": "",
    }
)

# Order matters: longer spellings first.
FOLDS = [
    ("dzh", "j"),
    ("zh", "j"),
    ("dj", "j"),
    ("j", "j"),
    ("kh", "h"),
    ("gh", "g"),
    ("ts", "c"),
    ("tch", "ch"),
    ("shch", "sh"),
    ("sch", "sh"),
    ("q", "k"),
    ("x", "ks"),
    ("w", "v"),
    ("ph", "f"),
    ("yu", "iu"),
    ("ju", "iu"),
    ("ya", "ia"),
    ("ja", "ia"),
    ("yo", "io"),
    ("ye", "e"),
    ("y", "i"),
    ("ie", "e"),
    ("ee", "i"),
    ("oo", "u"),
]


def skeleton(name: str) -> str:
    """A spelling-independent form of a name (lowercase ASCII, words sorted)."""
    words: list[str] = []
    for token in (name or "").split():
        words += _token_words(token)
    return " ".join(sorted(words))


@lru_cache(maxsize=65536)
def _token_words(token: str) -> tuple[str, ...]:
    """The folded words of one whitespace-separated token (romanising works letter by letter, so
    a name's skeleton is its tokens' words, sorted). Cached: names repeat words a lot, and an import
    of 100,000 rows folds each of them once instead of every time."""
    text = token.lower().translate(KAZAKH_LATIN)
    text = anyascii(text).lower()
    text = re.sub(r"[^a-z\s\-]", "", text).replace("-", " ")
    words = []
    for word in text.split():
        for old, new in FOLDS:
            word = word.replace(old, new)
        word = re.sub(r"(.)\1+", r"\1", word)  # doubled letters
        if word:
            words.append(word)
    return tuple(words)


def similarity(a: str, b: str) -> float:
    """0–100: how alike two names are across alphabets and word order."""
    return fuzz.token_set_ratio(skeleton(a), skeleton(b))


@dataclass(frozen=True)
class Match:
    key: object
    score: float


def best_matches(
    query: str, choices: Mapping[Any, str], *, limit: int = 20, cutoff: float = 80
) -> list[Match]:
    """The choices (key -> precomputed skeleton) most like the query, best first.

    Two passes: plain `ratio` on the skeletons (whose words are sorted, so it is the token-sort
    ratio) over everything, which rapidfuzz does in milliseconds for 100,000 names; then the slower
    token-set ratio, which also forgives a missing or extra name, on the few dozen candidates left."""
    target = skeleton(query)
    if not target:
        return []
    rough = process.extract(
        target,
        choices,
        scorer=fuzz.ratio,
        limit=max(limit * 5, 50),
        score_cutoff=max(cutoff - 30, 0),
    )
    return _rescore(target, [(key, value) for value, _score, key in rough], limit, cutoff)


def _rescore(
    target: str, rough: list[tuple[object, str]], limit: int, cutoff: float
) -> list[Match]:
    rescored = [(key, fuzz.token_set_ratio(target, value)) for key, value in rough]
    rescored = [(key, score) for key, score in rescored if score >= cutoff]
    rescored.sort(key=lambda item: -item[1])
    return [Match(key=key, score=round(score, 1)) for key, score in rescored[:limit]]


def _near_words_distance(word: str) -> int:
    """How many edits a word of the query may be from a stored word and still bring its names in."""
    return 1 if len(word) <= 4 else 2


class NameIndex:
    """Many skeletons in memory with a blocking index by word, for `best_matches` over a register.

    Each distinct skeleton word (a few thousand for 100,000 names: names repeat) lists the entries
    that have it. A query's words are looked up among the distinct words with a Levenshtein distance
    of up to 2 (1 for words of up to four letters), which keeps one typo or two and every spelling
    that the skeleton folds; only the entries holding such a word are scored (a few thousand instead
    of all), with the same two passes as `best_matches`. A query none of whose words is near a
    stored word is scored against everything, as before.
    """

    def __init__(self) -> None:
        self.keys: list[object] = []
        self.skeletons: list[str] = []
        self._word_ids: dict[str, int] = {}
        self._words: list[str] = []
        self._postings: list[array] = []

    def __len__(self) -> int:
        return len(self.keys)

    def add(self, key: object, value: str) -> None:
        index = len(self.keys)
        self.keys.append(key)
        self.skeletons.append(value)
        for word in set(value.split()):
            word_id = self._word_ids.get(word)
            if word_id is None:
                word_id = self._word_ids[word] = len(self._words)
                self._words.append(word)
                self._postings.append(array("I"))
            self._postings[word_id].append(index)

    def candidates(self, target: str) -> list[int] | None:
        """Positions of the entries sharing a near word with the query (None: no word is near)."""
        found: set[int] = set()
        near_any = False
        for word in set(target.split()):
            near = process.extract(
                word,
                self._words,
                scorer=Levenshtein.distance,
                score_cutoff=_near_words_distance(word),
                limit=None,
            )
            for _word, _distance, word_id in near:
                near_any = True
                found.update(self._postings[word_id])
        return sorted(found) if near_any else None

    def best_matches(self, query: str, *, limit: int = 20, cutoff: float = 80) -> list[Match]:
        target = skeleton(query)
        if not target or not self.keys:
            return []
        positions: Sequence[int] | None = self.candidates(target)
        if positions is None:
            positions = range(len(self.keys))
        values = [self.skeletons[i] for i in positions]
        rough = process.extract(
            target,
            values,
            scorer=fuzz.ratio,
            limit=max(limit * 5, 50),
            score_cutoff=max(cutoff - 30, 0),
        )
        pairs = [(self.keys[positions[i]], value) for value, _score, i in rough]
        return _rescore(target, pairs, limit, cutoff)
