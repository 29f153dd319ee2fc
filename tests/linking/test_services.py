"""Subjects grow as reports arrive and merge when an identifier joins two."""

import threading

import pytest
from django.db import connections

from qorgau.linking.identifiers import Found
from qorgau.linking.models import Identifier, Subject
from qorgau.linking.selectors import owner_ids_of_subject, subject_by_identifier, subject_for_owner
from qorgau.linking.services import link_owner

pytestmark = pytest.mark.django_db

PHONE = Found("phone", "+77011234567")
TG = Found("telegram", "bad_guy")
IG = Found("instagram", "bad.guy")


def link(owner_id, *found, names=()):
    return link_owner(
        owner_type="intake.report",
        owner_id=owner_id,
        found=list(found),
        region=None,
        names=list(names),
    )


def test_reports_sharing_an_identifier_are_one_subject():
    first = link(1, PHONE)
    second = link(2, PHONE, TG)
    assert first.subject == second.subject
    assert second.others == {"intake.report": 1}
    assert subject_by_identifier(found=TG) == first.subject


def test_an_identifier_that_joins_two_subjects_merges_them():
    a = link(1, PHONE).subject
    b = link(2, TG).subject
    assert a != b
    merged = link(3, PHONE, TG)
    assert merged.subject == a and [s.pk for s in merged.merged] == [b.pk]
    assert Subject.objects.get(pk=b.pk).merged_into_id == a.pk
    assert sorted(owner_ids_of_subject(subject=a, owner_type="intake.report")) == [1, 2, 3]
    assert subject_for_owner(owner_type="intake.report", owner_id=2) == a


def test_names_and_unnormalised_identifiers_never_merge():
    a = link(1, Found("name", "иван"), Found("phone", "call me", normalised=False))
    b = link(2, Found("name", "иван"), Found("phone", "call me", normalised=False))
    assert a.subject is None and b.subject is None
    assert (
        Identifier.objects.filter(kind="phone", normalised=False).count() == 1
    )  # kept once, flagged


def test_identifier_values_are_not_stored_in_the_clear():
    from django.db import connection

    link(1, TG)
    with connection.cursor() as cursor:
        cursor.execute("SELECT lookup, value FROM linking_identifier")
        lookup, value = cursor.fetchone()
    assert "bad_guy" not in lookup and b"bad_guy" not in bytes(value)


@pytest.mark.django_db(transaction=True)
def test_concurrent_reports_about_one_person_end_as_one_subject(reference_data):
    errors = []

    def write(n):
        try:
            link(100 + n, PHONE, Found("telegram", f"alias{n}"))
        except BaseException as exc:  # pragma: no cover
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    roots = {subject_by_identifier(found=Found("telegram", f"alias{n}")).pk for n in range(6)}
    assert len(roots) == 1


@pytest.mark.skipif("connections['default'].vendor != 'postgresql'")
@pytest.mark.django_db(transaction=True)
def test_a_known_name_in_a_report_in_flight_does_not_hold_up_the_next_report(reference_data):
    """Many reports name the same common name; one still being stored must not make the others
    wait for it (the identifier row of a known name is read, not locked)."""
    from django.db import connection, transaction

    name = Found("name", "иван")
    link(1, name)  # the name is known (committed)
    held, release = threading.Event(), threading.Event()

    def first():
        try:
            with transaction.atomic():
                link(2, name, Found("phone", "+77010000002"))
                held.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert held.wait(10)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '2s'")  # waiting would fail the test
            result = link(3, name, Found("phone", "+77010000003"))
    finally:
        release.set()
        thread.join()
    assert result.subject is not None
    assert Identifier.objects.filter(kind="name").count() == 1
