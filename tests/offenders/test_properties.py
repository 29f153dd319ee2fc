"""Property tests (hypothesis) of the offenders' parsers: the IIN and the register CSV import."""

import contextlib
import csv
import io
from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from qorgau.core.models import AuditEntry, CriminalArticle, Helpline, Region
from qorgau.core.reference import load_reference_data
from qorgau.offenders import iin, services
from qorgau.offenders.models import Facility, Person

births = st.dates(min_value=date(1900, 1, 1), max_value=date(2099, 12, 31))


@given(births, st.sampled_from(["m", "f"]), st.integers(0, 9999))
def test_an_iin_parses_to_the_birth_date_and_sex_it_was_made_from(born, sex, serial):
    value = iin.make(born, sex, serial)
    if value is None:  # no check digit exists for this serial (both weightings give 10)
        return
    parsed = iin.parse(value)
    assert (parsed.value, parsed.birth_date, parsed.sex) == (value, born, sex)


@given(births, st.sampled_from(["m", "f"]), st.integers(0, 9999), st.integers(1, 9))
def test_any_other_check_digit_is_refused(born, sex, serial, shift):
    value = iin.make(born, sex, serial)
    if value is None:
        return
    wrong = value[:11] + str((int(value[11]) + shift) % 10)
    try:
        iin.parse(wrong)
    except iin.IINInvalid:
        return
    raise AssertionError(f"{wrong} accepted")


@given(births, st.sampled_from(["m", "f"]), st.integers(0, 9999), st.data())
def test_spaces_anywhere_do_not_change_an_iin(born, sex, serial, data):
    value = iin.make(born, sex, serial)
    if value is None:
        return
    cuts = sorted(data.draw(st.lists(st.integers(0, 12), max_size=4)))
    spaced, last = "", 0
    for cut in cuts:
        spaced += value[last:cut] + data.draw(st.sampled_from([" ", "  ", "\t", "\n"]))
        last = cut
    spaced += value[last:]
    assert iin.parse(spaced).value == value


@given(st.text(max_size=30))
def test_only_twelve_ascii_digits_with_a_valid_date_and_check_digit_parse(text):
    with contextlib.suppress(iin.IINInvalid):
        parsed = iin.parse(text)
        assert len(parsed.value) == 12 and parsed.value.isascii() and parsed.value.isdigit()
        assert iin.check_digit(parsed.value[:11]) == int(parsed.value[11])


# --- The register CSV import ----------------------------------------------------------------------

GOOD = {
    "full_name": st.sampled_from(["Synthetic One", "Синтетик Екі", "Syntetik Üsh"]),
    "date_of_birth": st.sampled_from(["1971-02-03", "1985-12-31", "2001-07-15"]),
    "iin": st.just(""),
    "facility": st.sampled_from(["Synthetic Facility", "synthetic facility", ""]),
    "articles": st.sampled_from(["120", "121;124", ""]),
    "sentence_start": st.sampled_from(["2024-01-01", ""]),
    "sentence_end": st.sampled_from(["2030-01-01", ""]),
    "phones": st.sampled_from(["8 701 000 11 22", "", "+7 702 000 33 44;87010001122"]),
    "handles": st.sampled_from(["telegram:synthetic_one", "", "vk:synthetic;instagram:x.y"]),
}
junk = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["", "2023-02-30", "31.12.1980", "-1", "999", "Unknown Facility", "x:y:z"]),
)


@st.composite
def register_files(draw):
    columns = draw(
        st.lists(st.sampled_from(services.CSV_COLUMNS), unique=True, min_size=1, max_size=11)
    )
    rows = []
    for _ in range(draw(st.integers(0, 4))):
        row = {}
        for column in columns:
            good = GOOD.get(column, st.just(""))
            row[column] = draw(st.one_of(good, good, junk))
        rows.append(row)
    buffer = io.StringIO()
    writer = csv.DictWriter(
        buffer, fieldnames=columns, lineterminator=draw(st.sampled_from(["\n", "\r\n"]))
    )
    writer.writeheader()
    writer.writerows(rows)
    text = buffer.getvalue()
    if draw(st.booleans()):  # a damaged file: truncated, or with stray bytes
        text = text[: draw(st.integers(0, len(text)))] + draw(st.text(max_size=10))
    return text


class RegisterImportProperties(TestCase):
    def setUp(self):
        if not Region.objects.exists():
            load_reference_data(Region, CriminalArticle, Helpline)
        Facility.objects.get_or_create(
            name="Synthetic Facility", defaults={"region": Region.objects.get(code="KZ-75")}
        )

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(register_files(), st.booleans())
    def test_any_file_is_imported_whole_or_answered_with_its_bad_lines(self, text, good_rows):
        result = services.import_register_csv(acting_user=None, text=text, good_rows=good_rows)
        created = Person.objects.count()
        assert result.imported == created
        for line, reason in result.errors:
            assert line >= 1 and reason
        if result.errors and not good_rows:
            assert created == 0 and not AuditEntry.objects.filter(action="offender.import").exists()

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.text(max_size=200))
    def test_any_text_at_all_is_answered_not_crashed_on(self, text):
        result = services.import_register_csv(acting_user=None, text=text)
        assert result.imported == Person.objects.count()
