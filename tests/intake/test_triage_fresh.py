"""Schema and coverage of the fresh triage set, `tests/intake/data/triage_fresh.jsonl`.

The 200 reports were written blind, after the final set: the triage rules had been tuned on the
four earlier sets, and the writer of this fifth set did not read the rules, the engine, their
documentation, the other sets or their tests, and did not run the triage on these narratives.
Each line carries the band that the written contract (the P1 signals, and otherwise the band of
the category) gives it.

These tests check only the set itself: its schema, that the script of each narrative is the script
it claims, that `expected` follows the contract, and its coverage. No test here asserts what the
triage rules make of the narratives; the set exists to measure how they generalise, not to pin it.
"""

import itertools
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from tests.intake.triage_sets import (
    BANDS,
    COMBINATIONS,
    KEYS,
    LANGUAGES,
    P1_SIGNALS,
    SCRIPTS,
    WRITERS,
)

DATA = Path(__file__).parent / "data" / "triage_fresh.jsonl"

CATEGORIES = {"grooming", "suspicious_contact", "sextortion", "abuse", "abuse_images", "other"}

OTHER_SIGNALS = {
    "negated",
    "past",
    "false_friend",
    "harmless",
    "sextortion_no_deadline",
    "young_child_contact",
    "abuse_past",
    "images_seen",
}
SIGNALS = P1_SIGNALS | OTHER_SIGNALS

PER_COMBINATION = 25
TOTAL = PER_COMBINATION * len(COMBINATIONS)
P1_RANGE = (95, 105)
MIN_SIGNAL = {"negated": 12, "past": 12, "false_friend": 25, "harmless": 35}
MIN_YOUNG_CATEGORY_P2 = 8
MIN_SHORT, SHORT_WORDS = 15, 5
MIN_LONG, LONG_WORDS = 15, 40
MIN_KK_LATIN = {"2018": 5, "2021": 5, "ascii": 10}
MAX_WORD_OVERLAP = 0.5

ID_RE = re.compile(r"^fr-(kk|ru|en|mixed)-(cyrillic|latin|mixed)-(\d{3})$")
CYRILLIC_RE = re.compile(r"[\u0400-\u04FF]")
LATIN_RE = re.compile(r"[A-Za-z\u00C0-\u024F]")
KK_2018_RE = re.compile(r"[áǵńóúýÁǴŃÓÚÝ]")
KK_2021_RE = re.compile(r"[äğñöşūüÄĞÑÖŞŪÜ]")
LETTER_RE = re.compile(r"[^\W\d_]")
WORD_RE = re.compile(r"\w")
AGE_IN_TEXT_RE = re.compile(
    r"\b(?:мне|mne|мен|men|i'?m|i am)\s+(\d{1,2})\b"
    r"|\b(\d{1,2})\s*-?\s*(?:жастамын|жаста|jastamyn|zhastamyn|jasta|zhasta|лет|let|years? old)\b",
    re.IGNORECASE,
)
LINK_RE = re.compile(
    r"https?://|www\.|\.(?:kz|com|ru|org|net|io|me|info)\b|\b\w+@\w+\.\w+", re.IGNORECASE
)
PHONE_RE = re.compile(r"\+?\d(?:[\s\-()]*\d){9,}")
PLACEHOLDER_PHONE_DIGITS = "77000000000"


def expected_band(row: dict) -> str:
    """The band the contract gives a line: P1 for a P1 signal, otherwise the category's band."""
    if row["signal"] in P1_SIGNALS:
        return "P1"
    category = row["category"]
    if category in {"abuse", "sextortion", "abuse_images"}:
        return "P2"
    if category in {"grooming", "suspicious_contact"}:
        age = row["child_age"]
        young = isinstance(age, int) and not isinstance(age, bool) and age < 13
        return "P2" if young else "P3"
    return "P4"


def word_count(text: str) -> int:
    """Whitespace tokens that hold a letter or a digit (a lone emoji is not a word)."""
    return sum(1 for token in text.split() if WORD_RE.search(token))


def normalised(text: str) -> str:
    return " ".join(text.casefold().split())


def kk_latin_spelling(text: str) -> str:
    letters = LETTER_RE.findall(text)
    has_2018 = bool(KK_2018_RE.search(text))
    has_2021 = bool(KK_2021_RE.search(text))
    if has_2018 and not has_2021:
        return "2018"
    if has_2021 and not has_2018:
        return "2021"
    if not has_2018 and not has_2021 and all(ord(ch) < 128 for ch in letters):
        return "ascii"
    return "unclear"


def load_rows() -> list[dict]:
    with DATA.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


ROWS = load_rows()


def test_line_count_and_one_object_a_line():
    lines = DATA.read_text(encoding="utf-8").splitlines()
    assert len(lines) == TOTAL
    assert all(line.strip() for line in lines)
    assert len(ROWS) == TOTAL


def test_written_without_ascii_escapes():
    assert "\\u" not in DATA.read_text(encoding="utf-8")


@pytest.mark.parametrize("row", ROWS, ids=[row["id"] for row in ROWS])
def test_schema(row):
    assert set(row) == KEYS
    assert row["language"] in LANGUAGES
    assert row["script"] in SCRIPTS
    assert (row["language"], row["script"]) in COMBINATIONS
    assert row["writer"] in WRITERS
    assert row["category"] in CATEGORIES
    assert row["signal"] in SIGNALS
    assert row["expected"] in BANDS
    age = row["child_age"]
    assert age is None or (type(age) is int and 0 <= age <= 17)
    assert isinstance(row["narrative"], str) and row["narrative"].strip()
    match = ID_RE.match(row["id"])
    assert match, row["id"]
    assert (match.group(1), match.group(2)) == (row["language"], row["script"])


@pytest.mark.parametrize("row", ROWS, ids=[row["id"] for row in ROWS])
def test_script_matches_letters(row):
    text = row["narrative"]
    has_cyrillic = bool(CYRILLIC_RE.search(text))
    has_latin = bool(LATIN_RE.search(text))
    wanted = {"cyrillic": (True, False), "latin": (False, True), "mixed": (True, True)}
    assert (has_cyrillic, has_latin) == wanted[row["script"]]


@pytest.mark.parametrize("row", ROWS, ids=[row["id"] for row in ROWS])
def test_expected_follows_the_contract(row):
    assert row["expected"] == expected_band(row)


def test_ids_unique_and_numbered_within_each_combination():
    ids = [row["id"] for row in ROWS]
    assert len(set(ids)) == len(ids)
    for language, script in COMBINATIONS:
        numbers = sorted(
            int(ID_RE.match(row["id"]).group(3))
            for row in ROWS
            if (row["language"], row["script"]) == (language, script)
        )
        assert numbers == list(range(1, PER_COMBINATION + 1)), (language, script)


def test_twenty_five_lines_per_combination():
    counts = Counter((row["language"], row["script"]) for row in ROWS)
    assert counts == dict.fromkeys(COMBINATIONS, PER_COMBINATION)


def test_every_p1_signal_in_every_combination():
    for combination in COMBINATIONS:
        present = {row["signal"] for row in ROWS if (row["language"], row["script"]) == combination}
        assert P1_SIGNALS.issubset(present), (combination, P1_SIGNALS - present)


def test_p1_share():
    p1 = sum(1 for row in ROWS if row["expected"] == "P1")
    assert P1_RANGE[0] <= p1 <= P1_RANGE[1]


def test_non_p1_signal_minimums():
    counts = Counter(row["signal"] for row in ROWS)
    for signal, minimum in MIN_SIGNAL.items():
        assert counts[signal] >= minimum, (signal, counts[signal])
    assert OTHER_SIGNALS.issubset(counts)


def test_all_writers_occur():
    assert {row["writer"] for row in ROWS} == WRITERS


def test_young_child_raises_grooming_and_contact_to_p2():
    rows = [
        row
        for row in ROWS
        if row["signal"] in OTHER_SIGNALS
        and row["category"] in {"grooming", "suspicious_contact"}
        and isinstance(row["child_age"], int)
        and row["child_age"] < 13
    ]
    assert len(rows) >= MIN_YOUNG_CATEGORY_P2
    assert all(row["expected"] == "P2" for row in rows)


def test_signals_in_unexpected_categories():
    self_harm = {row["category"] for row in ROWS if row["signal"] == "self_harm"}
    assert {"other", "sextortion", "grooming"} <= self_harm
    meeting = {row["category"] for row in ROWS if row["signal"] == "meeting_with_time"}
    assert "other" in meeting


def test_age_only_in_text_in_every_language():
    for language in LANGUAGES:
        found = []
        for row in ROWS:
            if row["language"] != language or row["expected"] != "P1":
                continue
            if row["child_age"] is not None:
                continue
            match = AGE_IN_TEXT_RE.search(row["narrative"])
            if match and int(match.group(1) or match.group(2)) <= 17:
                found.append(row["id"])
        assert found, language


def test_short_and_long_narratives():
    counts = [word_count(row["narrative"]) for row in ROWS]
    assert sum(1 for n in counts if n <= SHORT_WORDS) >= MIN_SHORT
    assert sum(1 for n in counts if n >= LONG_WORDS) >= MIN_LONG


def test_kazakh_latin_spellings():
    rows = [row for row in ROWS if (row["language"], row["script"]) == ("kk", "latin")]
    spellings = Counter(kk_latin_spelling(row["narrative"]) for row in rows)
    assert spellings["unclear"] == 0, spellings
    for spelling, minimum in MIN_KK_LATIN.items():
        assert spellings[spelling] >= minimum, (spelling, spellings)


def test_narratives_unique():
    texts = [normalised(row["narrative"]) for row in ROWS]
    assert len(set(texts)) == len(texts)


def test_no_near_duplicate_narratives():
    words = {row["id"]: set(re.findall(r"\w+", row["narrative"].casefold())) for row in ROWS}
    close = []
    for (a, wa), (b, wb) in itertools.combinations(words.items(), 2):
        if len(wa) >= 4 and len(wb) >= 4 and len(wa & wb) / len(wa | wb) > MAX_WORD_OVERLAP:
            close.append((a, b))
    assert not close


@pytest.mark.parametrize("row", ROWS, ids=[row["id"] for row in ROWS])
def test_no_links_and_no_real_phone_numbers(row):
    text = row["narrative"]
    assert not LINK_RE.search(text)
    for match in PHONE_RE.finditer(text):
        assert re.sub(r"\D", "", match.group()) == PLACEHOLDER_PHONE_DIGITS, match.group()
