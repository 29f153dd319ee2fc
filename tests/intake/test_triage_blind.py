"""The second blind triage set (issue 20): its shape and coverage only. Like the held-out set, it was
written without reading the rules or the narratives of the other two sets, and after the rule
writers had looked at both of those, so bench/triage.py can report honest generalisation figures
(`triage_blind_...`). No test here asserts what the rules make of it. Like the held-out set, it was
read for its misses after its first, blind measure; the final set is the untouched one.

Each row is a different situation (people, platforms, times, places, slang, length), and the set
holds the hard cases on purpose: meetings, self-harm and deadlines said indirectly, images asked for
in slang, and false friends that share those words."""

import re
from collections import Counter
from pathlib import Path

from qorgau.intake.enums import Category
from tests.intake.test_triage_eval import DATA as EVAL_DATA
from tests.intake.test_triage_holdout import (
    AGE_IN_TEXT,
    CATEGORY_BAND,
    KAZAKH_2018,
    KAZAKH_2021,
    _folded,
    load,
)
from tests.intake.test_triage_holdout import DATA as HOLDOUT_DATA
from tests.intake.triage_sets import (
    COMBINATIONS,
    LANGUAGES,
    NOT_RAISING,
    P1_SIGNALS,
    WRITERS,
    assert_combinations,
    assert_ids,
    assert_schema,
    assert_script_matches_letters,
)

DATA = Path(__file__).parent / "data" / "triage_blind.jsonl"
ID = re.compile(r"bl-(?P<language>kk|ru|en|mixed)-(?P<script>cyrillic|latin|mixed)-\d{3}")
# Under 13 (the structured age), grooming and a suspicious contact are urgent by themselves.
YOUNG_BAND_CATEGORIES = {Category.GROOMING, Category.SUSPICIOUS_CONTACT}
# The hard cases the set was written to hold: (words in the narrative, the row's signal).
HARD_CASES = [
    ("i'll wait for you by the gym", "meeting_with_place"),
    ("шық подъезге", "meeting_with_time"),
    ("погуляем в субботу", "meeting_with_time"),
    ("ертең сені мектеп алдында күтем", "meeting_with_time"),
    ("не хочу просыпаться", "self_harm"),
    ("жоғалып кеткім келеді", "self_harm"),
    ("i won't be around much longer", "self_harm"),
    ("у тебя сутки", "threat_deadline"),
    ("do kontsa nedeli", "threat_deadline"),
    ("by friday", "threat_deadline"),
    ("жұмаға дейін", "threat_deadline"),
    ("скинь нюдсы", "asks_images"),
    ("skin' nyudsy", "asks_images"),
    ("send a pic in ur pjs", "asks_images"),
    ("ishki kiimmen suret jiber", "asks_images"),
    ("photo of their science homework", "false_friend"),
    ("school trip tomorrow", "false_friend"),
    ("trener topqa kesteni", "false_friend"),
    ("i'm dying of laughing", "false_friend"),
    ("olesin be kulkiden", "false_friend"),
    ("you have until midnight", "false_friend"),
]

ROWS = load(DATA)


def expected_band(row: dict) -> str:
    """Issue 20, part 3: P1 for a signal of danger now; otherwise the band of the category."""
    if row["signal"] in P1_SIGNALS:
        return "P1"
    young = row["child_age"] is not None and row["child_age"] < 13
    if young and row["category"] in YOUNG_BAND_CATEGORIES:
        return "P2"
    return CATEGORY_BAND[row["category"]]


def test_every_line_has_the_schema_of_the_evaluation_set():
    assert_schema(ROWS)


def test_size_and_ids_name_their_language_and_script():
    assert_ids(ROWS, 240, ID)


def test_the_script_is_the_one_the_letters_are_in():
    assert_script_matches_letters(ROWS)


def test_every_language_and_script_has_at_least_30_lines_and_every_p1_signal():
    assert_combinations(ROWS, COMBINATIONS, 30, P1_SIGNALS)


def test_bands_follow_the_signal_or_else_the_category_and_the_structured_age():
    assert [row["id"] for row in ROWS if row["expected"] != expected_band(row)] == []
    assert [
        row["id"] for row in ROWS if row["signal"] in NOT_RAISING and row["expected"] == "P1"
    ] == []
    # The under-13 rule is exercised, not only written down.
    young = [row for row in ROWS if row["signal"] not in P1_SIGNALS and row["expected"] == "P2"
             and row["category"] in YOUNG_BAND_CATEGORIES]  # fmt: skip
    assert len(young) >= 8


def test_negations_past_false_friends_and_harmless_reports_are_covered():
    signals = Counter(row["signal"] for row in ROWS)
    assert signals["negated"] + signals["past"] >= 25
    assert signals["negated"] >= 10 and signals["past"] >= 10
    assert signals["false_friend"] >= 30
    harmless = sum(row["expected"] in {"P3", "P4"} and row["signal"] == "harmless" for row in ROWS)
    assert harmless >= 0.2 * len(ROWS)
    assert {row["writer"] for row in ROWS} == WRITERS
    self_harm_categories = {row["category"] for row in ROWS if row["signal"] == "self_harm"}
    assert {"other", "sextortion", "grooming"} <= self_harm_categories
    meeting_categories = {row["category"] for row in ROWS if row["signal"] == "meeting_with_time"}
    assert "other" in meeting_categories


def test_the_hard_cases_are_there_with_their_signal():
    missing = [(words, signal) for words, signal in HARD_CASES
               if not any(words in _folded(row["narrative"]) and row["signal"] == signal
                          for row in ROWS)]  # fmt: skip
    assert missing == []


def test_ages_only_in_the_text_and_every_kazakh_latin_spelling():
    text_age = [r for r in ROWS if r["child_age"] is None and r["signal"] in P1_SIGNALS
                and AGE_IN_TEXT.search(r["narrative"].lower())]  # fmt: skip
    assert {r["language"] for r in text_age} == LANGUAGES
    kk_latin = [
        row["narrative"] for row in ROWS if (row["language"], row["script"]) == ("kk", "latin")
    ]
    assert sum(bool(KAZAKH_2018.search(t)) for t in kk_latin) >= 5
    assert sum(bool(KAZAKH_2021.search(t)) for t in kk_latin) >= 5
    assert sum(t.isascii() for t in kk_latin) >= 10  # "magan erten kezdesemiz"


def test_lengths_vary_from_a_few_words_to_long_accounts():
    words = [len(row["narrative"].split()) for row in ROWS]
    assert min(words) <= 5 and max(words) >= 30


def test_no_narrative_is_taken_from_the_other_two_sets_or_repeated():
    seen = {_folded(row["narrative"]) for row in load(EVAL_DATA) + load(HOLDOUT_DATA)}
    assert [row["id"] for row in ROWS if _folded(row["narrative"]) in seen] == []
    assert len({_folded(row["narrative"]) for row in ROWS}) == len(ROWS)


def test_no_real_phone_numbers_or_links():
    for row in ROWS:
        if "+7" in row["narrative"]:
            assert "+7 700 000 00 00" in row["narrative"], row["id"]
        assert not re.search(r"https?://|www\.|\.kz\b|\.com\b", row["narrative"]), row["id"]
