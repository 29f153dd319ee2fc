"""Property tests (hypothesis) of the receipt codes: shown once, typed back any way, never stored."""

from hypothesis import given, settings
from hypothesis import strategies as st

from qorgau.intake import receipts

ADDRESS = "192.0.2.1"  # the address receipt codes are tried from (TEST-NET-1)
codes = st.from_regex(r"[0-9]{16}", fullmatch=True)
separators = st.sampled_from(["", " ", "  ", "-", "–", ".", "\t", " - "])


@given(codes)
def test_a_formatted_code_reads_back_as_itself(code):
    shown = receipts.format_code(code)
    assert len(shown) == 19 and shown.replace(" ", "") == code
    assert receipts.normalise(shown) == code


@given(codes, st.data())
def test_separators_anywhere_are_ignored(code, data):
    typed = "".join(digit + data.draw(separators) for digit in code)
    assert receipts.normalise(data.draw(separators) + typed) == code


@given(st.text(max_size=40))
def test_only_sixteen_ascii_digits_are_a_code(text):
    code = receipts.normalise(text)
    if code is not None:
        assert len(code) == 16 and code.isascii() and code.isdigit()


@given(st.from_regex(r"[٠-٩۰-۹０-９]{16}", fullmatch=True))
def test_digits_of_other_scripts_are_not_a_code(text):
    assert receipts.normalise(text) is None


@given(
    st.one_of(
        st.from_regex(r"[0-9]{1,15}", fullmatch=True),
        st.from_regex(r"[0-9]{17,24}", fullmatch=True),
    )
)
def test_too_few_or_too_many_digits_are_not_a_code(text):
    assert receipts.normalise(text) is None


@given(codes, codes)
def test_the_locator_depends_only_on_the_first_half(first, second):
    same_half = first[:8] + second[8:]
    assert receipts.locators(first) == receipts.locators(same_half)
    if first[:8] != second[:8]:
        assert receipts.locators(first) != receipts.locators(second)
    assert first[:8] not in receipts.locators(first)[0]


@settings(max_examples=4, deadline=None)  # argon2id at 19 MiB: a few examples are enough
@given(codes, st.integers(0, 15), st.integers(1, 9))
def test_the_hash_proves_the_code_and_no_code_one_digit_off(code, position, shift):
    stored = receipts.hash_code(code)
    assert code not in stored
    assert receipts.verify(code, stored)
    wrong = code[:position] + str((int(code[position]) + shift) % 10) + code[position + 1 :]
    assert not receipts.verify(wrong, stored)


def test_generated_codes_are_sixteen_digits_and_differ():
    made = {receipts.generate() for _ in range(200)}
    assert len(made) == 200
    assert all(receipts.normalise(code) == code for code in made)


def test_a_code_handed_out_before_a_secret_key_rotation_still_opens_its_report(
    reference_data, settings
):
    from qorgau.intake import services
    from qorgau.intake.enums import Source

    submission = services.report_submit(
        draft=services.ReportDraft(category="other", narrative="Synthetic narrative"),
        submitter=services.Submitter(source=Source.WEB),
    )
    old = settings.SECRET_KEY
    settings.SECRET_KEY = "rotated-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"
    settings.SECRET_KEY_FALLBACKS = [old]
    opened = services.report_open_with_receipt(code_text=submission.receipt_code, address=ADDRESS)
    assert opened.pk == submission.report.pk
