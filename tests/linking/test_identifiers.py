"""Identifier extraction and normalisation, including property tests of the parsers."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from qorgau.linking import identifiers as ids

SPELLINGS = [
    "8 701 123 45 67",
    "+7 (701) 123-45-67",
    "77011234567",
    "87011234567",
    "+7 701 1234567",
    "8-701-123-45-67",
    "7011234567",
]


@pytest.mark.parametrize("text", SPELLINGS)
def test_every_kazakh_way_of_writing_a_number_gives_one_e164(text):
    assert ids.normalise_phone(text) == "+77011234567"


@pytest.mark.parametrize(
    "kind,text,expected",
    [
        ("telegram", "@Some_Name", "telegram:some_name"),
        ("telegram", "https://t.me/Some_Name", "telegram:some_name"),
        ("telegram", "t.me/some_name?start=1", "telegram:some_name"),
        ("instagram", "instagram.com/some.name/", "instagram:some.name"),
        ("instagram", "https://www.instagram.com/Some.Name/?igsh=x", "instagram:some.name"),
        ("tiktok", "https://www.tiktok.com/@Cool.Kid", "tiktok:cool.kid"),
        ("vk", "https://vk.com/durov", "vk:durov"),
        ("whatsapp", "8 701 123 45 67", "phone:+77011234567"),
        ("whatsapp", "https://wa.me/77011234567", "phone:+77011234567"),
        ("youtube", "https://youtube.com/@SomeChannel", "youtube:somechannel"),
        ("email", "Some.One@Mail.KZ", "email:some.one@mail.kz"),
        ("url", "https://www.example.com/profile/123/?utm=x", "url:example.com/profile/123"),
    ],
)
def test_identifiers_are_normalised_per_platform(kind, text, expected):
    assert ids.normalise(kind, text).key == expected


def test_what_cannot_be_normalised_is_kept_as_written_and_flagged():
    found = ids.normalise("phone", "call me at home")
    assert found.value == "call me at home" and not found.normalised
    found = ids.normalise("telegram", "some name with spaces")
    assert not found.normalised and found.value == "some name with spaces"


def test_free_text_in_three_languages():
    text = (
        "Он пишет в телеграм @Bad_Guy и через t.me/Bad_Guy, звонил с 8 701 123 45 67. "
        "Почта BAD@mail.ru, профиль instagram.com/bad.guy/ — номер 150 и 102 не его."
    )
    keys = {f.key for f in ids.extract_from_text(text)}
    assert keys == {
        "telegram:bad_guy",
        "phone:+77011234567",
        "email:bad@mail.ru",
        "instagram:bad.guy",
    }


def test_an_at_name_without_a_platform_is_a_plain_handle():
    assert {f.key for f in ids.extract_from_text("он называет себя @night_wolf")} == {
        "handle:night_wolf"
    }


def test_kazakh_text_names_the_platform_too():
    assert {f.key for f in ids.extract_from_text("Ол маған тикток арқылы @kazak_bala жазды")} == {
        "tiktok:kazak_bala"
    }


@pytest.mark.parametrize(
    "query,expected",
    [
        ("telegram:@Some_Name", "telegram:some_name"),
        ("phone:8 701 123 45 67", "phone:+77011234567"),
        ("email:A@B.KZ", "email:a@b.kz"),
        ("url:https://example.com/x/", "url:example.com/x"),
    ],
)
def test_queries_are_read_as_a_person_writes_them(query, expected):
    assert ids.parse_query(query).key == expected


def test_a_query_without_a_kind_is_refused():
    assert ids.parse_query("some_name") is None
    assert ids.parse_query("spaceship:x") is None


@given(st.text(max_size=300))
def test_extraction_never_fails_on_any_text(text):
    for found in ids.extract_from_text(text):
        assert found.kind in ids.KINDS and found.value


@given(st.sampled_from(ids.KINDS), st.text(max_size=200))
def test_normalising_never_fails_and_never_drops(kind, text):
    found = ids.normalise(kind, text)
    assert found.kind in ids.KINDS
    assert found.normalised or found.value == text.strip().lower() or kind == "name"


@given(st.integers(min_value=7000000000, max_value=7789999999))
def test_a_normalised_phone_normalises_to_itself(number):
    first = ids.normalise_phone(f"8{number}")
    if first is not None:
        assert ids.normalise_phone(first) == first
        assert ids.normalise_phone(f"+7 {str(number)[:3]} {str(number)[3:]}") == first


@pytest.mark.parametrize(
    ("text", "value", "normalised"),
    [
        ("AB" * 32, "ab" * 32, True),
        ("ab:" * 31 + "ab", "ab" * 32, True),  # as tools print them
        (" " + "ab " * 32, "ab" * 32, True),
        ("0 0", "0 0", False),  # too short: kept as written, flagged
        ("zz" * 32, "zz" * 32, False),
    ],
)
def test_a_files_sha256_is_read_as_tools_print_it(text, value, normalised):
    found = ids.normalise("sha256", text)
    assert (found.value, found.normalised) == (value, normalised)
