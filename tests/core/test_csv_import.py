"""The CSV reading and the all-or-good-rows rule that every import shares."""

import pytest

from qorgau.core.csv_import import Checked, RowError, import_csv, read_csv

pytestmark = pytest.mark.django_db


def test_it_reads_excels_semicolons_a_byte_order_mark_and_headers_in_any_case():
    rows, errors = read_csv("\ufeffName;Pupils\nSchool 1;300\n;\nSchool 2;20\n", required=["name"])
    assert errors == []
    assert [(r.line, r.values) for r in rows] == [
        (2, {"name": "School 1", "pupils": "300"}),
        (4, {"name": "School 2", "pupils": "20"}),
    ]


def test_it_reads_tabs_and_commas():
    assert read_csv("name\tx\na\tb\n", required=["name"])[0][0].values == {"name": "a", "x": "b"}
    assert read_csv("name,x\na,b\n", required=["name"])[0][0].values == {"name": "a", "x": "b"}


def test_it_names_the_missing_columns():
    rows, errors = read_csv("title\nx\n", required=["name", "pupils"])
    assert rows == []
    assert errors == [
        RowError(1, "The header lacks the columns: name, pupils. Expected: name,pupils.")
    ]


def test_a_damaged_file_is_one_error_and_nothing_else():
    rows, errors = read_csv("name\n" + "x" * 200_000 + "\n", required=["name"])
    assert rows == []
    assert len(errors) == 1 and "cannot be read as CSV" in errors[0].reason


def _check(rows):
    checked = Checked()
    for row in rows:
        if row.values["n"].isdigit():
            checked.good.append(int(row.values["n"]))
        else:
            checked.errors.append(RowError(row.line, "not a number"))
    return checked


def _import(text, good_rows=False):
    written = []

    def write(good, result):
        written.extend(good)
        result.imported = len(good)

    return import_csv(
        text=text, required=["n"], check=_check, write=write, good_rows=good_rows
    ), written


def test_nothing_is_written_while_a_row_is_bad():
    result, written = _import("n\n1\nx\n3\n")
    assert (result.rows, result.imported, written) == (3, 0, [])
    assert result.errors == [RowError(3, "not a number")]
    assert not result.ok


def test_the_good_rows_are_written_when_chosen():
    result, written = _import("n\n1\nx\n3\n", good_rows=True)
    assert (result.imported, written) == (2, [1, 3])
    assert result.errors == [RowError(3, "not a number")]


def test_a_good_file_is_written_whole():
    result, written = _import("n\n1\n2\n")
    assert result.ok and written == [1, 2] and result.imported == 2
