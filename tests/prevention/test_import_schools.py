"""manage.py import_schools PATH [--good-rows]."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from qorgau.prevention.models import School

pytestmark = pytest.mark.django_db

HEADER = "region,district,settlement,settlement_kind,name,pupils,languages\n"
GOOD = "KZ-75,Medeu,Almaty,town,Demo School No. 1,500,kk;ru\nKZ-19,Talgar,Demo Village,village,Demo School No. 2,90,kk\n"
BAD = "KZ-75,Medeu,Almaty,town,,many,kk\n"


def write(tmp_path, text, encoding="utf-8"):
    path = tmp_path / "schools.csv"
    path.write_bytes(text.encode(encoding))
    return str(path)


def test_it_imports_a_clean_file(tmp_path, reference_data, capsys):
    call_command("import_schools", write(tmp_path, HEADER + GOOD))
    assert School.objects.count() == 2
    assert "2 new schools" in capsys.readouterr().out


def test_it_reports_each_bad_row_and_imports_nothing(tmp_path, reference_data, capsys):
    with pytest.raises(SystemExit) as exit_:
        call_command("import_schools", write(tmp_path, HEADER + GOOD + BAD))
    assert exit_.value.code == 1 and School.objects.count() == 0
    out = capsys.readouterr()
    assert "line 4:" in out.err and "Give the name." in out.err and "number of pupils" in out.err
    assert "Nothing was imported" in out.out


def test_with_good_rows_it_imports_the_others(tmp_path, reference_data, capsys):
    with pytest.raises(SystemExit):
        call_command("import_schools", write(tmp_path, HEADER + BAD + GOOD), "--good-rows")
    assert School.objects.count() == 2
    assert "line 2:" in capsys.readouterr().err


def test_it_reads_windows_cyrillic_and_semicolons(tmp_path, reference_data):
    text = (HEADER + "KZ-75;Медеу;Алматы;город;Школа № 5;500;русский\n").replace(",", ";")
    call_command("import_schools", write(tmp_path, text, encoding="cp1251"))
    school = School.objects.get()
    assert (school.name, school.settlement_kind, school.languages) == ("Школа № 5", "town", ["ru"])


def test_a_missing_file_is_a_clear_error(tmp_path, reference_data):
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_schools", str(tmp_path / "missing.csv"))
