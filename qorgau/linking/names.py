"""Names across alphabets: Kazakh Cyrillic, Russian Cyrillic, the 2021 Kazakh Latin alphabet and the
usual passport romanisations all reduce to one comparable skeleton (Жақып, Жакип, Zhakip, Jaqyp ->
`jakip`), and rapidfuzz scores skeletons. A name match is only ever a candidate for an analyst.

anyascii romanises Cyrillic (Kazakh letters included); the skeleton rules below then fold what the
romanisation schemes write differently (zh/j/dzh, q/k, gh/g, y/i/ı, kh/h, ts/c, double letters).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from anyascii import anyascii
from rapidfuzz import fuzz, process

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
    text = (name or "").lower().translate(KAZAKH_LATIN)
    text = anyascii(text).lower()
    text = re.sub(r"[^a-z\s\-]", "", text).replace("-", " ")
    words = []
    for word in text.split():
        for old, new in FOLDS:
            word = word.replace(old, new)
        word = re.sub(r"(.)\1+", r"\1", word)  # doubled letters
        if word:
            words.append(word)
    return " ".join(sorted(words))


def similarity(a: str, b: str) -> float:
    """0–100: how alike two names are across alphabets and word order."""
    return fuzz.token_set_ratio(skeleton(a), skeleton(b))


@dataclass(frozen=True)
class Match:
    key: object
    score: float


def best_matches(
    query: str, choices: dict[object, str], *, limit: int = 20, cutoff: float = 80
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
    rescored = [(key, fuzz.token_set_ratio(target, value)) for value, _score, key in rough]
    rescored = [(key, score) for key, score in rescored if score >= cutoff]
    rescored.sort(key=lambda item: -item[1])
    return [Match(key=key, score=round(score, 1)) for key, score in rescored[:limit]]
