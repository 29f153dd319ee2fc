"""Property tests (hypothesis) of prevention's parsers: the schools CSV import."""

import csv
import io

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from qorgau.core.models import AuditEntry, CriminalArticle, Helpline, Region
from qorgau.core.reference import load_reference_data
from qorgau.prevention import services
from qorgau.prevention.models import School

# --- The schools CSV import -----------------------------------------------------------------------

GOOD = {
    "region": st.sampled_from(["KZ-75", "kz-71", "KZ-19"]),
    "district": st.sampled_from(["Bostandyk", "Medeu", "Talgar"]),
    "settlement": st.sampled_from(["Almaty", "Demo Village"]),
    "settlement_kind": st.sampled_from(["town", "village", "город", "ауыл"]),
    "name": st.sampled_from(["Demo School No. 1", "Demo School No. 2", "Демо мектеп № 3"]),
    "pupils": st.sampled_from(["0", "120", "800"]),
    "languages": st.sampled_from(["kk", "ru", "kk;ru", "en"]),
}
junk = st.one_of(st.text(max_size=15), st.sampled_from(["", "KZ-99", "-5", "1e3", "klingon", '"']))


@st.composite
def school_files(draw):
    columns = draw(st.permutations(services.SCHOOL_COLUMNS))
    if draw(st.booleans()):
        columns = columns[: draw(st.integers(1, len(columns)))]
    delimiter = draw(st.sampled_from([",", ";", "\t"]))
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    writer.writerow([c.upper() if draw(st.booleans()) else c for c in columns])
    for _ in range(draw(st.integers(0, 4))):
        writer.writerow([draw(st.one_of(GOOD[c], GOOD[c], junk)) for c in columns])
    text = buffer.getvalue()
    if draw(st.booleans()):
        text = "\ufeff" + text
    if draw(st.booleans()):
        text = text[: draw(st.integers(0, len(text)))] + draw(st.text(max_size=8))
    return text


class SchoolImportProperties(TestCase):
    def setUp(self):
        if not Region.objects.exists():
            load_reference_data(Region, CriminalArticle, Helpline)

    @settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
    @given(school_files(), st.booleans())
    def test_any_file_is_imported_whole_or_answered_with_its_bad_lines(self, text, good_rows):
        result = services.school_import_csv(acting_user=None, text=text, good_rows=good_rows)
        schools = School.objects.count()
        assert schools == result.created
        for error in result.errors:
            assert error.line >= 1 and error.reason
        if result.errors and not good_rows:
            assert schools == 0 and not result.imported
            assert not AuditEntry.objects.filter(action="school.import").exists()

    @settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.text(max_size=200))
    def test_any_text_at_all_is_answered_not_crashed_on(self, text):
        result = services.school_import_csv(acting_user=None, text=text)
        assert School.objects.count() == result.created
