"""The triage evaluation set (issue 20): its shape and coverage, and the six narratives of the
issue on the current rules. bench/triage.py prints the figures on the whole set."""

import json
from collections import Counter
from pathlib import Path

import pytest

from qorgau.intake.triage import DEFAULT_RULES, TriageInput, evaluate
from tests.intake.triage_sets import (
    COMBINATIONS,
    NOT_RAISING,
    P1_SIGNALS,
    WRITERS,
    assert_combinations,
    assert_ids,
    assert_schema,
)

DATA = Path(__file__).parent / "data" / "triage_eval.jsonl"


def load() -> list[dict]:
    with DATA.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


ROWS = load()


def test_every_line_has_the_schema():
    assert_schema(ROWS)


def test_size_and_unique_ids():
    assert_ids(ROWS, 400)


def test_every_language_and_script_has_at_least_30_lines_and_every_p1_signal():
    # a meeting with only a place is rarer: the whole set has it, not every language and script
    assert_combinations(ROWS, COMBINATIONS, 30, P1_SIGNALS - {"meeting_with_place"})
    assert {row["signal"] for row in ROWS} >= P1_SIGNALS


def test_p1_signals_are_labelled_p1_and_not_raising_ones_are_not():
    for row in ROWS:
        if row["signal"] in P1_SIGNALS:
            assert row["expected"] == "P1", row["id"]
        if row["signal"] in NOT_RAISING:
            assert row["expected"] != "P1", row["id"]


def test_negations_false_friends_and_harmless_reports_are_covered():
    signals = Counter(row["signal"] for row in ROWS)
    assert signals["negated"] >= 20 and signals["past"] >= 12 and signals["false_friend"] >= 25
    harmless = sum(row["expected"] in {"P3", "P4"} and row["signal"] == "harmless" for row in ROWS)
    assert harmless >= 0.2 * len(ROWS)
    assert {row["writer"] for row in ROWS} == WRITERS
    self_harm_categories = {row["category"] for row in ROWS if row["signal"] == "self_harm"}
    assert {"other", "sextortion", "grooming"} <= self_harm_categories
    meeting_categories = {row["category"] for row in ROWS if row["signal"] == "meeting_with_time"}
    assert "other" in meeting_categories


def test_no_real_phone_numbers():
    for row in ROWS:
        if "+7" in row["narrative"]:
            assert "+7 700 000 00 00" in row["narrative"], row["id"]


ISSUE_TOP = sorted((row for row in ROWS if row.get("note", "").startswith("issue20 top")),
                   key=lambda row: row["note"])  # fmt: skip
# Hard floors, all six: the translit and Kazakh Latin meetings, self-harm inside sextortion, an
# 11-year-old's meeting under "something else", "не встречались" not raised, and the English
# pick-up after school (issue 20, parts 1 and 3).


def _triage(row: dict) -> str:
    data = TriageInput(
        category=row["category"], narrative=row["narrative"], child_age=row["child_age"]
    )
    return evaluate(DEFAULT_RULES, data).priority


def test_the_six_narratives_of_the_issue_are_in_the_set():
    assert [row["note"][:13] for row in ISSUE_TOP] == [f"issue20 top {n}" for n in range(1, 7)]
    assert [row["expected"] for row in ISSUE_TOP] == ["P1", "P1", "P1", "P1", "P3", "P1"]


@pytest.mark.parametrize("row", ISSUE_TOP, ids=lambda row: row["id"])
def test_the_six_narratives_of_the_issue_get_their_band(row):
    assert _triage(row) == row["expected"]
