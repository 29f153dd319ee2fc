"""Coverage, today's meetings and the name search, by role."""

import time
from datetime import date

import pytest

from qorgau.core.errors import PermissionRefused
from qorgau.offenders import selectors, services
from qorgau.offenders.models import Person

pytestmark = pytest.mark.django_db


def test_coverage_counts_inmates_examined_and_overdue(inmate, clinician, central, monkeypatch):
    rows = selectors.examination_coverage(user=clinician, by="facility")
    assert [(r.name, r.inmates, r.examined, r.overdue) for r in rows] == [
        ("Demo Facility No. 1", 1, 0, 1)
    ]
    services.examination_record(
        exam=inmate.examinations.get(),
        acting_user=clinician,
        done_on=date.today(),
        findings="x",
        diagnostic_codes=[],
        recommendations="",
    )
    nation = selectors.examination_coverage(user=central, by="nation")[0]
    assert (nation.inmates, nation.examined, nation.overdue, nation.share) == (1, 1, 0, 100.0)


def test_a_clinician_sees_only_the_inmates_of_their_facilities(inmate, clinician, other_facility):
    services.person_create(
        acting_user=None,
        data=services.PersonInput(
            full_name="Elsewhere Person", date_of_birth=date(1970, 1, 1), facility=other_facility
        ),
    )
    assert [p.pk for p in selectors.person_list_for_user(user=clinician)] == [inmate.pk]


@pytest.mark.parametrize(
    "query", ["Zhakip Yergali", "Жакип Ергали", "Jaqyp Yerghali", "ЕРҒАЛИ Жақып"]
)
def test_names_are_found_across_alphabets(inmate, analyst, query):
    hits = selectors.person_search(user=analyst, name=query)
    assert hits and hits[0].person == inmate and hits[0].score >= 80


def test_roles_outside_the_register_cannot_search(inmate, educator, partner):
    for user in (educator, partner):
        with pytest.raises(PermissionRefused, match="does not search the register"):
            selectors.person_search(user=user, name="Zhakip")


def _register(facility, *names):
    return [
        services.person_create(
            acting_user=None,
            data=services.PersonInput(
                full_name=name, date_of_birth=date(1975, 1, 1), facility=facility
            ),
        )
        for name in names
    ]


@pytest.mark.parametrize(
    "query", ["Иванов Сергей", "Ivanov Sergey", "Иванов Сергкй", "Ivamov Sergey"]
)
def test_a_name_is_found_across_alphabets_and_with_a_typo_among_others(facility, analyst, query):
    others = _register(facility, "Нұрлан Омаров", "Dana Tokayeva", "Болат Жұмабек")
    (wanted,) = _register(facility, "Sergey Ivanov")
    hits = selectors.person_search(user=analyst, name=query)
    assert hits[0].person == wanted
    assert not {h.person.pk for h in hits} & {p.pk for p in others}


def test_a_person_added_after_a_search_is_found_by_the_next_one(inmate, analyst):
    assert selectors.person_search(user=analyst, name="Sergey Ivanov") == []
    (person,) = _register(inmate.facility, "Иванов Сергей")
    hits = selectors.person_search(user=analyst, name="Sergey Ivanov")
    assert [h.person for h in hits] == [person] and hits[0].score >= 90
    # the entries read before are still searched
    assert selectors.person_search(user=analyst, name="Zhakip Yergali")[0].person == inmate


def test_a_deleted_entry_drops_out_of_the_search_and_the_next_one_takes_its_place(
    facility, analyst
):
    first, second = _register(facility, "Sergey Ivanov", "Sergei Ivanov")
    assert {h.person for h in selectors.person_search(user=analyst, name="Ivanov Sergey")} == {
        first,
        second,
    }
    first.delete()
    hits = selectors.person_search(user=analyst, name="Ivanov Sergey", limit=1)
    assert [h.person for h in hits] == [second]


def test_names_added_by_another_process_are_searched_within_a_second(inmate, analyst, monkeypatch):
    from qorgau.linking.services import link_owner

    now = time.monotonic()
    monkeypatch.setattr(selectors.time, "monotonic", lambda: now)  # a clock that stands still
    assert selectors.person_search(user=analyst, name="Sergey Ivanov") == []
    # another worker registers a person: its names reach the linking index, not this process
    (person,) = _register(inmate.facility, "Иванов Сергей")
    selectors.search_index_clear()
    selectors.person_search(user=analyst, name="Zhakip Yergali")
    other = Person.objects.create(
        full_name="Сергей Иванов", date_of_birth=date(1976, 1, 1), region=person.region
    )
    link_owner(
        owner_type="offenders.person",
        owner_id=other.pk,
        found=[],
        region=other.region,
        names=["Сергей Иванов"],
    )
    assert [h.person for h in selectors.person_search(user=analyst, name="Sergey Ivanov")] == [
        person
    ]
    later = now + selectors.CHECK_EVERY_S
    monkeypatch.setattr(selectors.time, "monotonic", lambda: later)
    hits = selectors.person_search(user=analyst, name="Sergey Ivanov")
    assert [h.person for h in hits] == [person, other]
