"""textforms: the scripts, languages and reading forms of narratives written the way children write."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qorgau.intake.textforms import (
    fold,
    kk_letters,
    language_of,
    reading_forms,
    script_of,
    to_cyrillic,
)

# The six narratives at the top of issue 20 (the second and fourth written out as children do).
ISSUE_NARRATIVES = {
    "davai vstretimsya zavtra posle shkoly": ("latin", "ru"),
    "Ol maǵan erteń sabaqtan keıin kezdesemiz dep jazdy, eshkimge aitpa dedi": ("latin", "kk"),
    "Он пишет что разошлёт фото, я хочу умереть": ("cyrillic", "ru"),
    "Маған 11 жас, ол ертең мектептен кейін кездесейік деді": ("cyrillic", "kk"),
    "Мы с ним не встречались": ("cyrillic", "ru"),
    "A 35-year-old man will pick her up after school tomorrow and told her not to tell her mum": (
        "latin",
        "en",
    ),
}


@pytest.mark.parametrize("text,expected", ISSUE_NARRATIVES.items())
def test_the_issues_narratives_are_read_in_their_script_and_language(text, expected):
    assert (script_of(text), language_of(text)) == expected


@pytest.mark.parametrize(
    "text,script",
    [
        ("😭😭🔪", "none"),
        ("87011234567", "none"),
        ("https://t.me/some_user_name", "none"),
        ("@groomer_account", "none"),
        ("מחר אחרי בית הספר", "none"),
        ("он написал https://t.me/some_user_name", "cyrillic"),
        ("davai завтра встретимся posle shkoly", "mixed"),
    ],
)
def test_only_cyrillic_and_latin_letters_of_words_count_for_the_script(text, script):
    assert script_of(text) == script


def test_a_mix_of_russian_and_kazakh_is_mixed_and_nothing_to_tell_by_is_blank():
    assert language_of("Ол маған жазды, и сказал что завтра мен келемін, он придёт") == "mixed"
    assert language_of("😭😭") == "" and language_of("12345") == ""


@pytest.mark.parametrize(
    "latin,cyrillic",
    [
        # 2021 alphabet
        ("äke ğalym ñ öz şaş çay ūl üy qyz", "әке ғалым ң өз шаш чай ұл үй қыз"),
        # 2018 alphabet
        ("áke ǵalym ń óz sh úı qyz", "әке ғалым ң өз ш үй қыз"),
        ("keıin", "кейін"),
        # informal ASCII
        ("erten sabaktan keyin kezdesemiz", "ертен сабактан кейін кездесеміз"),
        ("magan bolady zhaz jaz khat", "маган болады жаз жаз хат"),
    ],
)
def test_kazakh_latin_and_ascii_kazakh_become_cyrillic(latin, cyrillic):
    assert to_cyrillic(latin, "kk") == cyrillic


@pytest.mark.parametrize(
    "latin,cyrillic",
    [
        ("vstretimsya zavtra posle shkoly", "встретимся завтра после школы"),
        ("davay menya ty ochen", "давай меня ты очен"),
        (
            "shchuka schast'e zhdu chto yolka yula tsirk khorosho",
            "щука щастье жду что ёлка юла цирк хорошо",
        ),
        ("ja tebja ljublju", "я тебя люблю"),
    ],
)
def test_russian_translit_becomes_cyrillic(latin, cyrillic):
    assert to_cyrillic(latin, "ru") == cyrillic


def test_fold_drops_kazakh_letters_case_yo_and_format_characters():
    assert fold("ҚАЗІР Ертең ҮЙГЕ ұл ӘКЕ ӨЗ Һ ЁЛКА") == "казир ертен уиге ул аке оз х елка"
    assert fold("вст\u200bре\u200dча\u202e") == "встреча"
    assert fold("e\u0301") == "é"  # NFC


def test_runs_of_three_or_more_letters_are_squeezed_to_one_and_pairs_kept():
    assert fold("пожаааалуйста") == "пожалуиста"  # й and и are one letter
    assert fold("Анна class") == "анна class"
    assert fold("я" * 20000) == "я"
    assert fold("11111") == "11111"  # digits are not letters


def test_invalid_unicode_is_replaced_not_raised():
    assert fold("x\ud800y") == "x\ufffdy"
    assert script_of("\udfff") == "none" and language_of("\udfff") == ""
    assert reading_forms("a\ud800 zavtra")[0] == "a zavtra"  # replaced, then not a word


def test_reading_forms_add_the_cyrillic_reading_of_latin_text():
    assert reading_forms("Встреча ЗАВТРА") == ["встреча завтра"]
    assert reading_forms("davai vstretimsya") == ["davai vstretimsya", "даваи встретимся"]
    assert reading_forms("erten kezdesemiz") == ["erten kezdesemiz", "ертен кездесемиз"]
    assert reading_forms("see you tomorrow after school") == ["see you tomorrow after school"]
    # a link alone is not read as words (nor transliterated)
    assert reading_forms("https://t.me/x") == [""]
    # neither language told: both maps (j is ж in Kazakh, й in Russian translit)
    assert reading_forms("jdu tam") == ["jdu tam", "жду там", "иду там"]


@given(st.text(max_size=200))
def test_no_text_makes_them_raise(text):
    script_of(text), language_of(text), reading_forms(text)
    to_cyrillic(text, "kk"), to_cyrillic(text, "ru")


def test_the_letters_latin_writes_alike_fold_alike():
    # translit drops the soft sign and writes й and ы as i or y: "zhit", "soboi", "jıbermeseñ"
    assert fold("жить") == fold("жит") == "жит"
    assert fold("с собой") == fold("с собои") and fold("подъезд") == "подезд"
    assert fold("жыбермесең") == fold("жібермесең") == "жибермесен"


# Kazakh-only letters as a pattern says it: the reference `kk_letters` counts against.
KAZAKH_ONLY = re.compile("[әғқңөұүһі]|[áǵńóúýäğñöūüşıč]|q(?!u)")


@given(st.text(alphabet="әғқңөұүһіáǵńóúýäğñöūüşıčqQuUaк ", max_size=60))
def test_the_kazakh_letters_are_counted_as_the_patterns_find_them(text):
    found = len(KAZAKH_ONLY.findall(text))
    assert kk_letters(text) == found
