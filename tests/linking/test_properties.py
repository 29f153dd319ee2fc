"""Property tests (hypothesis) of identifier parsing: one key per identifier, however written."""

from hypothesis import given
from hypothesis import strategies as st

from qorgau.linking import identifiers as ids

handles = st.from_regex(r"[a-z][a-z0-9_]{3,20}", fullmatch=True)
local_numbers = st.integers(min_value=700_000_0000, max_value=778_999_9999).map(str)


@given(st.sampled_from(ids.KINDS), st.text(max_size=120))
def test_normalising_again_changes_nothing(kind, text):
    first = ids.normalise(kind, text)
    if first.normalised and first.kind == kind:
        assert ids.normalise(first.kind, first.value).key == first.key


@given(st.sampled_from(["telegram", "instagram", "tiktok", "vk", "youtube"]), handles)
def test_a_handle_is_one_key_in_any_case_with_or_without_at(platform, handle):
    keys = {
        ids.normalise(platform, variant).key
        for variant in (handle, handle.upper(), f"@{handle}", f"  @{handle.title()}  ")
    }
    assert keys == {f"{platform}:{handle}"}


@given(handles)
def test_a_telegram_link_and_the_handle_are_one_key(handle):
    expected = f"telegram:{handle}"
    for link in (f"https://t.me/{handle}", f"t.me/{handle}", f"https://t.me/{handle}?start=x"):
        assert ids.normalise("telegram", link).key == expected
    assert ids.parse_query(f"telegram:@{handle}").key == expected


@given(local_numbers)
def test_every_spelling_of_a_kazakh_mobile_is_one_e164(number):
    expected = ids.normalise_phone(f"+7{number}")
    if expected is None:
        return
    spellings = [
        f"8{number}",
        f"8 {number[:3]} {number[3:6]} {number[6:8]} {number[8:]}",
        f"+7 ({number[:3]}) {number[3:6]}-{number[6:8]}-{number[8:]}",
        f"7{number}",
    ]
    assert {ids.normalise_phone(s) for s in spellings} == {expected}
    assert ids.normalise("phone", spellings[1]).key == f"phone:{expected}"
    assert ids.normalise("whatsapp", spellings[2]).key == f"phone:{expected}"


@given(st.text(max_size=200), handles)
def test_an_identifier_in_a_narrative_is_found_whatever_surrounds_it(noise, handle):
    text = f"{noise} t.me/{handle} {noise}"
    keys = {found.key for found in ids.extract_from_text(text)}
    assert f"telegram:{handle}" in keys


@given(st.text(max_size=60))
def test_a_query_is_refused_or_names_a_known_kind(text):
    found = ids.parse_query(text)
    assert found is None or found.kind in ids.KINDS
