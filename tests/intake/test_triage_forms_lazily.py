"""Triage reads a later reading form only for the rules no earlier form matched (`_match_all`,
issue 20 part 7): every rule's answer is exactly the one of reading every form in full first
(`search`, then each rule form by form), and a form that is not needed is not joined."""

import json
import random
from pathlib import Path

import pytest

from qorgau.intake.triage import (
    DEFAULT_RULES,
    TriageInput,
    _match_all,
    _match_reading,
    _structured,
    _Text,
)
from qorgau.intake.triage_match import compiled_for, read, rule_groups, search
from qorgau.intake.triage_rules import ALL

DATA = Path(__file__).parent / "data"
NARRATIVES = [
    json.loads(line)["narrative"]
    for name in ("triage_eval", "triage_holdout")
    for line in (DATA / f"{name}.jsonl").read_text(encoding="utf-8").splitlines()
    if line.strip()
]


def _text(narrative: str) -> _Text:
    readings, emoji = read(narrative, compiled_for(DEFAULT_RULES))
    return _Text(narrative=narrative, readings=readings, emoji=emoji)


def _every_form_first(rules: list, narrative: str) -> list:
    """The plain way: every form searched for every rule, then each rule form by form."""
    text = _text(narrative)
    search(text.readings, rules)
    out = []
    for rule in rules:
        groups = rule_groups(rule)
        quotes = [] if not groups else None
        for reading in text.readings if groups else ():
            quotes = _match_reading(rule, groups, text, reading)
            if quotes is not None:
                break
        out.append(quotes)
    return out


def _long(rng: random.Random, size: int) -> str:
    parts: list[str] = []
    while sum(map(len, parts)) < size:
        parts.append(rng.choice(NARRATIVES))
    return " ".join(parts)[:size]


CASES = [(n, c, a) for n in NARRATIVES for c in ALL for a in (None, 8)][::7] + [
    (_long(random.Random(seed), 20000), ALL[seed % len(ALL)], None) for seed in range(12)
]


@pytest.mark.parametrize("narrative,category,age", CASES[:: max(len(CASES) // 400, 1)])
def test_each_rule_as_when_every_form_is_read_first(narrative, category, age):
    data = TriageInput(category=category, narrative=narrative, child_age=age)
    text = _text(narrative)
    rules = [r for r in DEFAULT_RULES["rules"] if _structured(r, data, age, text)]
    assert _match_all(rules, text) == _every_form_first(rules, narrative)


def test_a_form_no_rule_needs_is_not_joined():
    # self-harm in Cyrillic, found in the first form; then translit the rule does not need
    narrative = "я не хочу жить, хочу умереть. ya ne hochu zhit, on pishet mne kazhdyi den"
    text = _text(narrative)
    assert len(text.readings) > 1
    rules = [r for r in DEFAULT_RULES["rules"] if r["code"] == "self_harm"]
    assert _match_all(rules, text)[0]
    assert text.readings[0].forms._texts.keys() == {0}
    assert text.readings[1].searched is None
