"""Triage rules: structured fields and narrative words in Kazakh, Russian and English."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qorgau.intake.textforms import fold
from qorgau.intake.triage import (
    DEFAULT_RULES,
    TriageInput,
    evaluate,
    reading_texts,
    validate_rules,
)

MEETING = {
    "kk": "Ол маған ертең сабақтан кейін кездесейік деп жазды, ешкімге айтпа деді.",
    "ru": "Он написал, что завтра встретит меня после школы, и сказал никому не говорить.",
    "en": "He says he will meet me tomorrow after school and told me not to tell anyone.",
}


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_a_child_who_will_meet_the_adult_tomorrow_is_p1(language):
    result = evaluate(
        DEFAULT_RULES, TriageInput(category="grooming", narrative=MEETING[language], child_age=13)
    )
    assert result.priority == "P1"
    assert result.codes[0] == "meeting"


@pytest.mark.parametrize(
    "language,text",
    [
        ("ru", "Он требует деньги до завтра, иначе разошлёт фото"),
        ("kk", "Ертеңге дейін ақша бермесем, суреттерді таратамын дейді"),
        ("en", "He says he will post the pictures unless I pay by tomorrow"),
    ],
)
def test_sextortion_with_a_deadline_is_p1(language, text):
    assert (
        evaluate(DEFAULT_RULES, TriageInput(category="sextortion", narrative=text)).priority == "P1"
    )


@pytest.mark.parametrize("text", ["Я не хочу жить", "Өмір сүргім келмейді", "I want to die"])
def test_self_harm_is_p1_whatever_the_category(text):
    assert evaluate(DEFAULT_RULES, TriageInput(category="other", narrative=text)).priority == "P1"


def test_word_forms_match_not_only_exact_words():
    for text in [
        "встречаемся завтра",
        "встретимся сегодня вечером",
        "предлагает встречу в субботу",
    ]:
        assert (
            evaluate(DEFAULT_RULES, TriageInput(category="grooming", narrative=text)).priority
            == "P1"
        ), text


def _word_start_reference(terms: list[str], narrative: str) -> bool:
    """What a term matching means, written plainly: in one of the narrative's reading forms
    (folded, and transliterated when in Latin letters), a word starts with the folded term, or
    the text from a word's start begins with the phrase (a phrase ending in a space ends a word:
    "0 " is the word "0", also at the end of the text)."""
    for text in reading_texts(narrative):
        tokens = text.split()
        for term in terms:
            term = fold(term)
            if not term:
                continue
            if " " in term or "-" in term:
                if f" {term}" in f" {text} ":
                    return True
            elif any(token.startswith(term) for token in tokens):
                return True
    return False


WORDS = st.sampled_from(["встреч", "завтра", "ертең", "meet", "фото", "a-b", "x", "ё", "Ещё"])


@settings(max_examples=300, deadline=None)
@given(
    terms=st.lists(st.one_of(WORDS, st.text(max_size=6)), max_size=4),
    narrative=st.lists(st.one_of(WORDS, st.text(max_size=8)), max_size=6).map(" ".join),
)
def test_a_rule_matches_exactly_when_a_word_begins_with_one_of_its_terms(terms, narrative):
    rule = {"code": "t", "priority": "P2", "any": {"ru": terms}}
    matched = evaluate({"rules": [rule]}, TriageInput(category="other", narrative=narrative))
    assert (matched.priority == "P2") == _word_start_reference(terms, narrative)


def test_a_young_child_and_sexual_content_is_p1():
    assert (
        evaluate(
            DEFAULT_RULES, TriageInput(category="abuse_images", narrative="", child_age=7)
        ).priority
        == "P1"
    )


def test_information_only_is_p4():
    result = evaluate(
        DEFAULT_RULES, TriageInput(category="other", narrative="How to protect my son online?")
    )
    assert result.priority == "P4" and result.codes == ["category_other"]


def test_links_raise_by_a_level_with_the_reason():
    plain = evaluate(DEFAULT_RULES, TriageInput(category="grooming", narrative="x"))
    linked = evaluate(
        DEFAULT_RULES, TriageInput(category="grooming", narrative="x", linked_reports=2)
    )
    offender = evaluate(
        DEFAULT_RULES, TriageInput(category="grooming", narrative="x", linked_offender=True)
    )
    assert plain.priority == "P3" and linked.priority == "P2" and offender.priority == "P2"
    assert linked.codes[0] == "linked_reports" and offender.codes[0] == "linked_offender"


def test_reasons_carry_labels_in_three_languages():
    result = evaluate(DEFAULT_RULES, TriageInput(category="abuse", narrative="x"))
    assert set(result.reasons[0]["label"]) == {"kk", "ru", "en"}


def test_the_shipped_rules_are_valid_and_bad_rules_are_explained():
    assert validate_rules(DEFAULT_RULES) == []
    problems = validate_rules(
        {
            "rules": [
                {"code": "x", "priority": "P9"},
                {"code": "x", "raise": 1, "any": {"de": ["a"]}},
            ]
        }
    )
    assert any("P1, P2, P3, P4" in p for p in problems)
    assert any("used twice" in p for p in problems)
    assert any("kk/ru/en" in p for p in problems)
    assert validate_rules([]) == ['The rule set must be an object with a list "rules".']


# Issue 20: the way children write. Narratives at the top of the issue.
TRANSLIT_MEETING = "davai vstretimsya zavtra posle shkoly"
KAZAKH_LATIN_MEETINGS = [
    "erten sabaktan keyin kezdesemiz, magan aitpa dedi",
    "Ol maǵan erteń sabaqtan keıin kezdesemiz dep jazdy",
    "Ol mağan erteñ sabaqtan keiın kezdesemız dep jazdy",
]


def test_a_meeting_written_in_russian_translit_is_p1():
    result = evaluate(
        DEFAULT_RULES, TriageInput(category="grooming", narrative=TRANSLIT_MEETING, child_age=13)
    )
    assert result.priority == "P1" and result.codes[0] == "meeting"


@pytest.mark.parametrize("narrative", KAZAKH_LATIN_MEETINGS)
def test_a_meeting_written_in_kazakh_latin_letters_is_p1(narrative):
    result = evaluate(DEFAULT_RULES, TriageInput(category="grooming", narrative=narrative))
    assert result.priority == "P1" and result.codes[0] == "meeting"


def test_dropped_kazakh_letters_and_repeated_letters_still_match():
    for narrative in ["ертен сабактан кейин кездесемиз", "встреееечаемся завтраааа"]:
        result = evaluate(DEFAULT_RULES, TriageInput(category="grooming", narrative=narrative))
        assert result.priority == "P1", narrative


def test_a_translit_text_without_a_time_is_not_raised():
    result = evaluate(
        DEFAULT_RULES, TriageInput(category="grooming", narrative="on hochet vstretitsya")
    )
    assert result.priority == "P3"


BAD_INPUT = [
    "😭😭😭🔪💀",
    "https://t.me/someone",
    "87011234567 87011234567",
    "а" * 20000,
    "מחר אחרי בית הספר \u202e встретимся завтра",
    "x\ud800y\udfff встреча завтра",
    "",
]


@pytest.mark.parametrize("narrative", BAD_INPUT)
@pytest.mark.parametrize("category", ["grooming", "other", "sextortion"])
def test_unreadable_narratives_still_get_a_priority(narrative, category):
    result = evaluate(DEFAULT_RULES, TriageInput(category=category, narrative=narrative))
    assert result.priority in {"P1", "P2", "P3", "P4"}
