"""Checks every labelled triage set shares (evaluation, held-out, blind): the schema of a line,
unique ids that name their language and script, the script matching the letters, and every
language and script with enough lines and every P1 signal."""

import re
from collections import Counter

from qorgau.intake.enums import Category

BANDS = {"P1", "P2", "P3", "P4"}
LANGUAGES = {"kk", "ru", "en", "mixed"}
SCRIPTS = {"cyrillic", "latin", "mixed"}
WRITERS = {"child", "parent", "teacher", "other"}
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
P1_SIGNALS = {
    "meeting_with_time",
    "meeting_with_place",
    "threat_deadline",
    "ongoing_abuse_access",
    "self_harm",
    "young_child_sexual",
    "asks_images",
}
NOT_RAISING = {"negated", "past", "false_friend", "harmless"}
# Every language and script a child in Kazakhstan writes in (English has no Cyrillic form).
COMBINATIONS = {
    ("kk", "cyrillic"),
    ("kk", "latin"),
    ("ru", "cyrillic"),
    ("ru", "latin"),
    ("en", "latin"),
    ("mixed", "cyrillic"),
    ("mixed", "latin"),
    ("mixed", "mixed"),
}
KEYS = {"id", "language", "script", "writer", "category", "child_age", "narrative"}
KEYS |= {"expected", "signal"}


def assert_schema(rows: list[dict]) -> None:
    for row in rows:
        assert KEYS <= set(row) <= KEYS | {"note"}, row["id"]
        assert row["language"] in LANGUAGES, row["id"]
        assert row["script"] in SCRIPTS, row["id"]
        assert row["writer"] in WRITERS, row["id"]
        assert row["category"] in Category.values, row["id"]
        assert row["child_age"] is None or 0 <= row["child_age"] <= 17, row["id"]
        assert isinstance(row["narrative"], str) and row["narrative"].strip(), row["id"]
        assert row["expected"] in BANDS, row["id"]
        assert isinstance(row["signal"], str) and row["signal"], row["id"]


def assert_ids(rows: list[dict], minimum: int, pattern: re.Pattern[str] | None = None) -> None:
    """At least `minimum` lines, unique ids; with `pattern`, ids that name language and script."""
    assert len(rows) >= minimum
    assert [i for i, n in Counter(row["id"] for row in rows).items() if n > 1] == []
    for row in rows if pattern is not None else ():
        match = pattern.fullmatch(row["id"])
        assert match, row["id"]
        assert (match["language"], match["script"]) == (row["language"], row["script"]), row["id"]


def assert_script_matches_letters(rows: list[dict]) -> None:
    letters = {"cyrillic": (True, False), "latin": (False, True), "mixed": (True, True)}
    for row in rows:
        found = (bool(CYRILLIC.search(row["narrative"])), bool(LATIN.search(row["narrative"])))
        assert found == letters[row["script"]], row["id"]


def assert_combinations(
    rows: list[dict], combinations: set[tuple[str, str]], minimum: int, signals: set[str]
) -> None:
    """Every language and script there, with `minimum` lines and each of `signals`."""
    counts = Counter((row["language"], row["script"]) for row in rows)
    assert set(counts) == combinations
    assert {combo: n for combo, n in counts.items() if n < minimum} == {}
    by_combo: dict[tuple[str, str], set[str]] = {}
    for row in rows:
        by_combo.setdefault((row["language"], row["script"]), set()).add(row["signal"])
    assert {combo: signals - s for combo, s in by_combo.items() if signals - s} == {}
