"""relink: the subjects rebuilt from scratch equal the ones grown incrementally."""

import pytest
from django.core.management import call_command

from qorgau.linking.identifiers import Found
from qorgau.linking.models import Identifier, Subject
from qorgau.linking.selectors import subject_by_identifier
from qorgau.linking.services import link_owner

pytestmark = pytest.mark.django_db


def link(owner_id, *found):
    return link_owner(owner_type="intake.report", owner_id=owner_id, found=list(found), region=None)


def partition() -> set[frozenset[int]]:
    groups: dict[int, set[int]] = {}
    for pk, subject_id in Identifier.objects.exclude(subject=None).values_list("pk", "subject_id"):
        groups.setdefault(subject_id, set()).add(pk)
    return {frozenset(g) for g in groups.values()}


def test_relinking_gives_the_same_subjects_and_keeps_their_numbers(capsys):
    a, b, c, d = (Found("telegram", n) for n in "abcd")
    link(1, a)
    link(2, b)
    link(3, a, b)  # merges
    link(4, c)
    link(5, d, Found("name", "x"))
    before = partition()
    numbers = {f.value: subject_by_identifier(found=f).public_id for f in (a, b, c, d)}
    call_command("relink")
    assert partition() == before
    assert {f.value: subject_by_identifier(found=f).public_id for f in (a, b, c, d)} == numbers
    assert "7 uses of 5 identifiers -> 3 subjects (0 new" in capsys.readouterr().out


def test_relinking_repairs_a_damaged_index():
    a, b = Found("telegram", "a"), Found("telegram", "b")
    link(1, a, b)
    Identifier.objects.filter(kind="telegram", lookup__isnull=False).update(subject=None)
    call_command("relink")
    assert subject_by_identifier(found=a) == subject_by_identifier(found=b) is not None
    assert Subject.objects.filter(merged_into=None).count() >= 1
