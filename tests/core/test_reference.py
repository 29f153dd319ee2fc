"""Reference data shipped in the project and loaded by migration."""

import pytest
from django.utils import translation

from qorgau.core.models import CriminalArticle, Helpline, Region

pytestmark = pytest.mark.django_db


def test_the_twenty_regions_are_there_with_three_names(reference_data):
    assert Region.objects.count() == 20
    almaty = Region.objects.get(code="KZ-75")
    with translation.override("kk"):
        assert almaty.name == "Алматы қаласы"
    with translation.override("en"):
        assert almaty.name == "Almaty"
    assert Region.objects.filter(code__in=["KZ-10", "KZ-33", "KZ-62"]).count() == 3  # 2022 regions


def test_the_sexual_offence_articles_are_covered_by_default(reference_data):
    covered = set(
        CriminalArticle.objects.filter(covered_by_default=True).values_list("number", flat=True)
    )
    assert covered == {"120", "121", "122", "123", "124"}
    assert CriminalArticle.objects.filter(number="312", covered_by_default=False).exists()


def test_the_helplines_start_with_the_childrens_line(reference_data):
    assert list(Helpline.objects.values_list("number", flat=True)) == [
        "150",
        "111",
        "102",
        "112",
        "103",
    ]


def test_the_project_never_reads_the_shared_folder():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "qorgau"
    offenders = [p for p in root.rglob("*.py") if "../shared" in p.read_text(encoding="utf-8")]
    assert offenders == []
