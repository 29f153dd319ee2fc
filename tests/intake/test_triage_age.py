"""The child's age read from the text: `youngest_age_in_text` (what triage uses, issue 20 part 6)
gives exactly the first of the youngest of `ages_in_text` (every age, read the plain way)."""

import json
import random
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from qorgau.intake.triage import DEFAULT_RULES
from qorgau.intake.triage_age import ages_in_text, youngest_age_in_text
from qorgau.intake.triage_match import compiled_for, read

DATA = Path(__file__).parent / "data"
# Words around ages, and numbers close together: "12 жас 5 лет" (a match that hides the next
# number), "мне 13 ей 9", ages over 17, in each language and in translit.
WORDS = [
    "мне",
    "ей",
    "ему",
    "дочери",
    "мен",
    "i'm",
    "am",
    "she",
    "is",
    "he",
    "aged",
    "12",
    "5",
    "17",
    "13",
    "9",
    "18",
    "3",
    "1",
    "0",
    "лет",
    "года",
    "год",
    "жас",
    "жаста",
    "жастамын",
    "жасар",
    "12-летняя",
    "10лет",
    "14yo",
    "years",
    "old",
    "year-old",
    "yo",
    "-",
    "и",
    "and",
    "mne",
    "let",
    "jas",
    "99",
]


def _reference(narrative: str) -> object:
    readings, _ = read(narrative, compiled_for(DEFAULT_RULES))
    found = ages_in_text(readings)
    return (min(found, key=lambda item: item[0]) if found else None), readings


def _same(narrative: str) -> None:
    want, readings = _reference(narrative)
    assert youngest_age_in_text(readings) == want, narrative


def test_the_labelled_narratives_and_long_ones_give_the_same_age():
    narratives = [
        json.loads(line)["narrative"]
        for path in sorted(DATA.glob("*.jsonl"))
        for line in path.open(encoding="utf-8")
        if line.strip()
    ]
    for narrative in narratives:
        _same(narrative)
    rng = random.Random(6)
    for _ in range(20):
        _same(" ".join(rng.choice(narratives) for _ in range(100))[:20000])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(WORDS), min_size=1, max_size=40))
def test_any_words_give_the_same_age(words):
    _same(" ".join(words))
