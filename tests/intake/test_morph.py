"""Word forms for triage: Kazakh stems, rule-term stems, and negative/past word forms."""

import pytest

from qorgau.intake.morph import (
    kk_stem,
    stem_term,
    word_features,
)
from qorgau.intake.textforms import fold, to_cyrillic

NONE = frozenset()
NEG = frozenset({"negative"})
PAST = frozenset({"past"})
NEG_PAST = frozenset({"negative", "past"})


# --- kk_stem -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "stem"),
    [
        # the forms a meeting rule needs
        ("кездесейік", "кездес"),
        ("кездесеміз", "кездес"),
        ("кездескенбіз", "кездес"),
        ("кездеспейміз", "кездес"),
        ("кездестік", "кездес"),
        ("кездесуге", "кездес"),
        ("кездесетін", "кездес"),
        ("кездесу", "кездес"),
        ("кездеселік", "кездес"),
        ("кездесейікші", "кездес"),
        ("кездессек", "кездес"),
        ("кездесіп", "кездес"),
        ("кездесіпті", "кездес"),
        ("кездескім", "кездес"),
        ("кездеседі", "кездес"),
        ("кездеспес", "кездес"),
        ("кездесемізбе", "кездес"),
        ("кездесуімізді", "кездес"),
        ("кездесулер", "кездес"),
        ("көрісеміз", "корис"),
        ("көріспедік", "корис"),
        ("келемін", "кел"),
        ("келмеймін", "кел"),
        ("келді", "кел"),
        ("келген", "кел"),
        ("келіңіз", "кел"),
        ("жіберемін", "жибер"),
        ("жібердім", "жибер"),
        ("жібермеймін", "жибер"),
        ("барамын", "бар"),
        ("күтемін", "кут"),
        ("танысайық", "таныс"),
        ("жазыпты", "жаз"),
        # nouns
        ("суреттеріңді", "сурет"),
        ("суретті", "сурет"),
        ("суретіне", "сурет"),
        ("мектептен", "мектеп"),
        ("мектепте", "мектеп"),
        ("мектептемін", "мектеп"),
        ("адамдар", "адам"),
        ("достарыммен", "дос"),
        ("балалар", "бала"),
        # words with nothing to strip come back whole, roots are not cut
        ("мектеп", "мектеп"),
        ("бала", "бала"),
        ("телефон", "телефон"),
        ("адам", "адам"),
        ("жібер", "жибер"),
        ("хабарлама", "хабарлама"),
        ("кездес", "кездес"),
    ],
)
def test_kazakh_stem(word, stem):
    assert kk_stem(fold(word)) == fold(stem)


@pytest.mark.parametrize("word", ["алды", "берді", "келе", "ол", "үйге", "123", ""])
def test_kazakh_stem_never_cuts_below_three_letters(word):
    folded = fold(word)
    stem = kk_stem(folded)
    assert folded.startswith(stem)
    assert len(stem) >= 3 or stem == folded


def test_kazakh_stem_of_a_very_long_run_of_letters_is_the_run():
    word = "кездеспейтінбіз" * 10
    assert kk_stem(fold(word)) == fold(word)


# --- stem_term -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("term", "language", "prefixes"),
    [
        ("встретиться", "ru", {"встретиться", "встрет"}),
        ("Встретиться", "ru", {"встретиться", "встрет"}),
        ("свидание", "ru", {"свидание", "свидан"}),
        ("заберу", "ru", {"заберу", "забер"}),
        ("meeting", "en", {"meeting", "meet"}),
        ("suicide", "en", {"suicide", "suicid"}),
        ("кездесу", "kk", {"кездесу", "кездес"}),
        ("кездесеміз", "kk", {"кездесемиз", "кездес"}),
        ("жіберемін", "kk", {"жиберемин", "жибер"}),
        # a stem under four letters is not a prefix of its own
        ("келемін", "kk", {"келемин"}),
        ("meet", "en", {"meet"}),
        ("встреч", "ru", {"встреч"}),
        # a Kazakh final к/қ/п also as the voiced letter the word takes before a vowel
        ("жолық", "kk", {"жолык", "жолыг"}),
        # phrases stay as they are
        ("алып кет", "kk", {"алып кет"}),
        ("pick you up", "en", {"pick you up"}),
        ("после школы", "ru", {"после школы"}),
    ],
)
def test_stem_term(term, language, prefixes):
    assert stem_term(term, language) == {fold(p) for p in prefixes}


def test_stem_term_gives_a_set_the_caller_may_change():
    stem_term("кездесу", "kk").add("x")
    assert stem_term("кездесу", "kk") == {"кездесу", "кездес"}


# --- word_features: Kazakh -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "term", "features"),
    [
        # arranged or proposed: nothing
        ("кездесейік", "кездес", NONE),
        ("кездесеміз", "кездес", NONE),
        ("кездесемізбе", "кездес", NONE),  # "shall we meet?", the particle written on
        ("кездесесіңбе", "кездес", NONE),
        ("кездеселік", "кездес", NONE),
        ("кездесейікші", "кездес", NONE),
        ("кездесуге", "кездес", NONE),
        ("кездесетін", "кездес", NONE),
        ("кездесуімізді", "кездес", NONE),
        ("кездессек", "кездес", NONE),
        ("кездескім", "кездес", NONE),
        ("кездескенде", "кездес", NONE),  # "when we meet": may be tomorrow
        ("кездескенше", "кездес", NONE),  # "until we meet"
        ("кездесумен", "кездес", NONE),  # -мен is "with", not a negation
        ("кездеседі", "кездес", NONE),
        ("көрісеміз", "көріс", NONE),
        ("келемін", "келемін", NONE),
        ("келемін", "кел", NONE),
        ("келеді", "кел", NONE),
        ("келіңіз", "кел", NONE),
        ("барамын", "барамын", NONE),
        ("барамыз", "бар", NONE),
        ("күтемін", "күтемін", NONE),
        ("жіберемін", "жібер", NONE),
        ("танысайық", "таныс", NONE),
        # negative
        ("кездеспейміз", "кездес", NEG),
        ("кездеспеймін", "кездес", NEG),
        ("кездеспейді", "кездес", NEG),
        ("кездеспейік", "кездес", NEG),
        ("кездеспес", "кездес", NEG),
        ("кездеспе", "кездес", NEG),
        ("келмеймін", "кел", NEG),
        ("келмейсің", "кел", NEG),
        ("бармаймын", "бар", NEG),
        ("жібермеймін", "жібер", NEG),
        # a negative condition is a demand or a threat, not a denial
        ("кездеспесек", "кездес", NONE),
        ("жібермесең", "жібер", NONE),
        ("келмесең", "кел", NONE),
        # past
        ("кездестік", "кездес", PAST),
        ("кездестіңбе", "кездес", PAST),
        ("кездескенбіз", "кездес", PAST),
        ("кездескен", "кездес", PAST),  # "кездескен едік"
        ("кездесіпті", "кездес", PAST),
        ("келді", "кел", PAST),
        ("келген", "кел", PAST),
        ("көрген", "көр", PAST),
        ("жібердім", "жібер", PAST),
        ("жазыпты", "жаз", PAST),
        ("танысқанбыз", "таныс", PAST),
        # both
        ("көріспедік", "көріс", NEG_PAST),
        ("кездеспедік", "кездес", NEG_PAST),
        ("кездеспеген", "кездес", NEG_PAST),
        ("келмеді", "кел", NEG_PAST),
        ("жолықпадық", "жолық", NEG_PAST),
        # a negation the term itself has is the rule's: "айтпа" (don't tell) matches as written
        ("айтпа", "айтпа", NONE),
        ("айтпаңыз", "айтпа", NONE),
        # nouns have no tense: "суретті" is "the picture", not a past
        ("суретті", "сурет", NONE),
        ("суреттерді", "сурет", NONE),
        ("мектепте", "мектеп", NONE),
    ],
)
def test_kazakh_word_features(word, term, features):
    assert word_features(fold(word), fold(term), "kk") == features


@pytest.mark.parametrize(
    ("latin", "features"),
    [
        ("kezdesemiz", NONE),
        ("kezdesemız", NONE),
        ("kezdeseyik", NONE),
        ("kezdespeymiz", NEG),
        ("kezdespeimiz", NEG),
        ("kezdeskenbiz", PAST),
        ("kezdestik", PAST),
        ("kezdespedik", NEG_PAST),
    ],
)
def test_kazakh_latin_reaches_the_same_features(latin, features):
    word = fold(to_cyrillic(latin, "kk"))
    assert word.startswith("кездес")
    assert word_features(word, "кездес", "kk") == features


# --- word_features: Russian ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "term", "features"),
    [
        ("встречались", "встреч", PAST),
        ("встретились", "встрет", PAST),
        ("встречалась", "встреч", PAST),
        ("виделись", "видел", PAST),
        ("приезжал", "приезж", PAST),
        ("приехал", "приех", PAST),
        ("забрал", "забра", PAST),
        ("забирал", "забира", PAST),
        ("встретилися", "встрет", PAST),  # unknown to the dictionary: by its ending
        ("встречалися", "встреч", PAST),
        ("встретимся", "встрет", NONE),
        ("встречаемся", "встреч", NONE),
        ("встретиться", "встрет", NONE),
        ("встретимсяя", "встрет", NONE),
        ("встречу", "встреч", NONE),
        ("встреча", "встреч", NONE),
        ("свидание", "свидан", NONE),
        ("увидимся", "увидимся", NONE),
        ("заберу", "заберу", NONE),
        ("забрать", "забрать", NONE),
        ("приеду", "приед", NONE),
        ("приедешь", "приед", NONE),
        ("приезжай", "приезж", NONE),
        ("давай", "давай", NONE),
    ],
)
def test_russian_word_features(word, term, features):
    assert word_features(fold(word), fold(term), "ru") == features


def test_russian_has_no_negative_word_forms():
    # "не встречались": the "не" is a word of its own, the matcher's business
    assert "negative" not in word_features("невстречались", "невстреч", "ru")


# --- word_features: English ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "term", "features"),
    [
        ("met", "met", PAST),
        ("saw", "saw", PAST),
        ("came", "came", PAST),
        ("took", "took", PAST),
        ("sent", "sent", PAST),
        ("wrote", "wrote", PAST),
        ("drove", "drove", PAST),
        ("picked", "pick", PAST),
        ("asked", "ask", PAST),
        ("visited", "visit", PAST),
        ("meet", "meet", NONE),
        ("meeting", "meet", NONE),
        ("meets", "meet", NONE),
        ("pick", "pick", NONE),
        ("come", "come", NONE),
        ("coming", "come", NONE),
        ("visit", "visit", NONE),
        ("need", "need", NONE),
    ],
)
def test_english_word_features(word, term, features):
    assert word_features(word, term, "en") == features


def test_english_is_never_negative_by_its_word_form():
    assert all(
        "negative" not in word_features(word, "meet", "en") for word in ["meet", "meeted", "met"]
    )


def test_an_unknown_language_has_no_features():
    assert word_features("кездестік", "кездес", "xx") == NONE
