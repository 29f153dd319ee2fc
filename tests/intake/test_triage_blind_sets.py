"""Schema and coverage of the last two triage sets, written blind: the final set
(`tests/intake/data/triage_final.jsonl`, ids `fi-...`) and the fresh set (`triage_fresh.jsonl`,
ids `fr-...`), 200 reports each.

The final set was written after the rules had been tuned on the first three sets; the fresh set
after the final one. Each by a writer who did not read the rules, the engine, their documentation,
the other sets or their tests, and who did not run the triage on the narratives. Each line carries
the band that the written contract (the P1 signals, and otherwise the band of the category) gives
it.

These tests check only the sets themselves: their schema, that the script of each narrative is the
script it claims, that `expected` follows the contract, and their coverage. No test here asserts
what the triage rules make of the narratives; the sets exist to measure that (bench/triage.py),
not to pin it.
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

DATA = Path(__file__).parent / "data"
SETS = {"final": "fi", "fresh": "fr"}  # the set -> its ids' prefix

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

ID_RE = {
    name: re.compile(rf"^{prefix}-(kk|ru|en|mixed)-(cyrillic|latin|mixed)-(\d{{3}})$")
    for name, prefix in SETS.items()
}
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


def path_of(name: str) -> Path:
    return DATA / f"triage_{name}.jsonl"


def load_rows(name: str) -> list[dict]:
    with path_of(name).open(encoding="utf-8") as handle:
        return [{**json.loads(line), "_set": name} for line in handle]


ROWS_OF = {name: load_rows(name) for name in SETS}
EVERY_ROW = [row for rows in ROWS_OF.values() for row in rows]
each_row = pytest.mark.parametrize("row", EVERY_ROW, ids=[row["id"] for row in EVERY_ROW])
each_set = pytest.mark.parametrize("name", list(SETS))


@each_set
def test_line_count_and_one_object_a_line(name):
    set_rows = ROWS_OF[name]
    lines = path_of(name).read_text(encoding="utf-8").splitlines()
    assert len(lines) == TOTAL
    assert all(line.strip() for line in lines)
    assert len(set_rows) == TOTAL


@each_set
def test_written_without_ascii_escapes(name):
    assert "\\u" not in path_of(name).read_text(encoding="utf-8")


@each_row
def test_schema(row):
    assert set(row) - {"_set"} == KEYS
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
    match = ID_RE[row["_set"]].match(row["id"])
    assert match, row["id"]
    assert (match.group(1), match.group(2)) == (row["language"], row["script"])


@each_row
def test_script_matches_letters(row):
    text = row["narrative"]
    has_cyrillic = bool(CYRILLIC_RE.search(text))
    has_latin = bool(LATIN_RE.search(text))
    wanted = {"cyrillic": (True, False), "latin": (False, True), "mixed": (True, True)}
    assert (has_cyrillic, has_latin) == wanted[row["script"]]


@each_row
def test_expected_follows_the_contract(row):
    assert row["expected"] == expected_band(row)


@each_set
def test_ids_unique_and_numbered_within_each_combination(name):
    set_rows = ROWS_OF[name]
    ids = [row["id"] for row in set_rows]
    assert len(set(ids)) == len(ids)
    for language, script in COMBINATIONS:
        numbers = sorted(
            int(ID_RE[name].match(row["id"]).group(3))
            for row in set_rows
            if (row["language"], row["script"]) == (language, script)
        )
        assert numbers == list(range(1, PER_COMBINATION + 1)), (language, script)


@each_set
def test_twenty_five_lines_per_combination(name):
    set_rows = ROWS_OF[name]
    counts = Counter((row["language"], row["script"]) for row in set_rows)
    assert counts == dict.fromkeys(COMBINATIONS, PER_COMBINATION)


@each_set
def test_every_p1_signal_in_every_combination(name):
    set_rows = ROWS_OF[name]
    for combination in COMBINATIONS:
        present = {
            row["signal"] for row in set_rows if (row["language"], row["script"]) == combination
        }
        assert P1_SIGNALS.issubset(present), (combination, P1_SIGNALS - present)


@each_set
def test_p1_share(name):
    set_rows = ROWS_OF[name]
    p1 = sum(1 for row in set_rows if row["expected"] == "P1")
    assert P1_RANGE[0] <= p1 <= P1_RANGE[1]


@each_set
def test_non_p1_signal_minimums(name):
    set_rows = ROWS_OF[name]
    counts = Counter(row["signal"] for row in set_rows)
    for signal, minimum in MIN_SIGNAL.items():
        assert counts[signal] >= minimum, (signal, counts[signal])
    assert OTHER_SIGNALS.issubset(counts)


@each_set
def test_all_writers_occur(name):
    set_rows = ROWS_OF[name]
    assert {row["writer"] for row in set_rows} == WRITERS


@each_set
def test_young_child_raises_grooming_and_contact_to_p2(name):
    set_rows = ROWS_OF[name]
    rows = [
        row
        for row in set_rows
        if row["signal"] in OTHER_SIGNALS
        and row["category"] in {"grooming", "suspicious_contact"}
        and isinstance(row["child_age"], int)
        and row["child_age"] < 13
    ]
    assert len(rows) >= MIN_YOUNG_CATEGORY_P2
    assert all(row["expected"] == "P2" for row in rows)


@each_set
def test_signals_in_unexpected_categories(name):
    set_rows = ROWS_OF[name]
    self_harm = {row["category"] for row in set_rows if row["signal"] == "self_harm"}
    assert {"other", "sextortion", "grooming"} <= self_harm
    meeting = {row["category"] for row in set_rows if row["signal"] == "meeting_with_time"}
    assert "other" in meeting


@each_set
def test_age_only_in_text_in_every_language(name):
    set_rows = ROWS_OF[name]
    for language in LANGUAGES:
        found = []
        for row in set_rows:
            if row["language"] != language or row["expected"] != "P1":
                continue
            if row["child_age"] is not None:
                continue
            match = AGE_IN_TEXT_RE.search(row["narrative"])
            if match and int(match.group(1) or match.group(2)) <= 17:
                found.append(row["id"])
        assert found, language


@each_set
def test_short_and_long_narratives(name):
    set_rows = ROWS_OF[name]
    counts = [word_count(row["narrative"]) for row in set_rows]
    assert sum(1 for n in counts if n <= SHORT_WORDS) >= MIN_SHORT
    assert sum(1 for n in counts if n >= LONG_WORDS) >= MIN_LONG


@each_set
def test_kazakh_latin_spellings(name):
    set_rows = ROWS_OF[name]
    rows = [row for row in set_rows if (row["language"], row["script"]) == ("kk", "latin")]
    spellings = Counter(kk_latin_spelling(row["narrative"]) for row in rows)
    assert spellings["unclear"] == 0, spellings
    for spelling, minimum in MIN_KK_LATIN.items():
        assert spellings[spelling] >= minimum, (spelling, spellings)


@each_set
def test_narratives_unique(name):
    set_rows = ROWS_OF[name]
    texts = [normalised(row["narrative"]) for row in set_rows]
    assert len(set(texts)) == len(texts)


@each_set
def test_no_near_duplicate_narratives(name):
    set_rows = ROWS_OF[name]
    words = {row["id"]: set(re.findall(r"\w+", row["narrative"].casefold())) for row in set_rows}
    close = []
    for (a, wa), (b, wb) in itertools.combinations(words.items(), 2):
        if len(wa) >= 4 and len(wb) >= 4 and len(wa & wb) / len(wa | wb) > MAX_WORD_OVERLAP:
            close.append((a, b))
    assert not close


@each_row
def test_no_links_and_no_real_phone_numbers(row):
    text = row["narrative"]
    assert not LINK_RE.search(text)
    for match in PHONE_RE.finditer(text):
        assert re.sub(r"\D", "", match.group()) == PLACEHOLDER_PHONE_DIGITS, match.group()
