"""Linking many new owners at once (an import) follows the same rules as linking one."""

import pytest

from qorgau.linking.bulk import OwnerLinks, link_owners_bulk
from qorgau.linking.identifiers import Found
from qorgau.linking.models import Identifier, IdentifierUse, NameEntry, Subject
from qorgau.linking.names import skeleton
from qorgau.linking.services import link_owner

pytestmark = pytest.mark.django_db

PHONE = Found("phone", "+77011234567")
TG = Found("telegram", "bad_guy")
IG = Found("instagram", "bad.guy")
BARE = Found("handle", "somebody")


def report(owner_id, *found):
    return link_owner(owner_type="intake.report", owner_id=owner_id, found=list(found), region=None)


def bulk(*owners):
    return link_owners_bulk(owner_type="offenders.person", owners=list(owners))


def test_owners_sharing_an_identifier_in_one_batch_are_one_subject():
    results = bulk(
        OwnerLinks(owner_id=1, found=[PHONE], names=["Иванов Сергей"]),
        OwnerLinks(owner_id=2, found=[PHONE, TG]),
        OwnerLinks(owner_id=3, found=[IG]),
        OwnerLinks(owner_id=4, found=[BARE]),
    )
    assert results[1].subject == results[2].subject != results[3].subject
    assert results[4].subject is None  # a bare @handle never links
    assert results[1].subject.owner_counts == {"offenders.person": 2}
    assert (
        Identifier.objects.get(lookup__isnull=False, kind="telegram").subject == results[1].subject
    )
    assert IdentifierUse.objects.filter(owner_type="offenders.person").count() == 5
    entry = NameEntry.objects.get(owner_type="offenders.person", owner_id=1)
    assert entry.skeleton == skeleton("Sergey Ivanov") and entry.subject == results[1].subject


def test_an_owner_joins_the_subject_of_earlier_reports_and_says_what_it_held():
    earlier = report(10, PHONE).subject
    results = bulk(OwnerLinks(owner_id=1, found=[PHONE]), OwnerLinks(owner_id=2, found=[IG]))
    assert results[1].subject == earlier and results[1].others == {"intake.report": 1}
    assert results[2].others == {}
    earlier.refresh_from_db()
    assert earlier.owner_counts == {"intake.report": 1, "offenders.person": 1}


def test_an_owner_whose_identifiers_belong_to_two_subjects_merges_them():
    a = report(10, PHONE).subject
    b = report(11, TG).subject
    results = bulk(OwnerLinks(owner_id=1, found=[PHONE, TG]))
    root = results[1].subject
    assert root == a and [s.pk for s in results[1].merged] == [b.pk]
    assert Subject.objects.get(pk=b.pk).merged_into == a
    assert set(Identifier.objects.values_list("subject", flat=True)) == {a.pk}
    root.refresh_from_db()
    assert root.owner_counts == {"intake.report": 2, "offenders.person": 1}
    # a report arriving afterwards finds the merged subject
    assert report(12, TG).subject == a
