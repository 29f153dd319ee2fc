"""Files that staff download and open in a spreadsheet (CSV, Excel): every export writes through here.

A text cell that starts with =, +, -, @, a tab or a carriage return is a formula to Excel and
LibreOffice (HYPERLINK, DDE...): whoever opens the file would run what someone typed into a note.
Following OWASP's advice on CSV injection, such text is written as text: in CSV with a single quote
before it, in Excel as a string cell with Excel's own "quote prefix" (shown as typed, kept as text
when edited). Numbers, dates and empty cells are left as they are: only text is ever changed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import HttpResponse
from django.utils.functional import Promise

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _text(value: Any) -> Any:
    return str(value) if isinstance(value, Promise) else value


def is_formula_like(value: Any) -> bool:
    """Whether a spreadsheet would read this text cell as a formula."""
    value = _text(value)
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def safe_cell(value: Any) -> Any:
    """The value as a CSV cell: formula-like text with a single quote before it, the rest as is."""
    value = _text(value)
    return "'" + value if is_formula_like(value) else value


def csv_text(header: Sequence[Any], rows: Iterable[Sequence[Any]]) -> str:
    """The table as CSV text, every cell through `safe_cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    for row in [header, *rows]:
        writer.writerow([safe_cell(value) for value in row])
    return buffer.getvalue()


def xlsx_bytes(header: Sequence[Any], rows: Iterable[Sequence[Any]], *, title: str) -> bytes:
    """The table as an Excel workbook of one sheet: formula-like text as string cells."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None  # a new workbook has one sheet
    sheet.title = title
    for r, row in enumerate([header, *rows], start=1):
        for c, value in enumerate(row, start=1):
            value = _text(value)
            cell = sheet.cell(row=r, column=c)
            cell.value = value
            if is_formula_like(value):
                # openpyxl makes any text starting with "=" a formula: say it is a string
                cell.data_type = "s"
                cell.quotePrefix = True
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def _attachment(content: str | bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(
    *, name: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    """A CSV download (`name`.csv) of the table, with a UTF-8 byte order mark: without it Excel
    reads the file in the computer's legacy code page and garbles Kazakh and Russian text."""
    return _attachment("\ufeff" + csv_text(header, rows), "text/csv; charset=utf-8", f"{name}.csv")


def xlsx_response(
    *, name: str, title: str, header: Sequence[Any], rows: Iterable[Sequence[Any]]
) -> HttpResponse:
    """An Excel download (`name`.xlsx) of the table, on one sheet named `title`."""
    return _attachment(xlsx_bytes(header, rows, title=title), XLSX_CONTENT_TYPE, f"{name}.xlsx")
