"""Coverage, today's meetings and the name search, by role."""

from datetime import date

import pytest

from qorgau.offenders import selectors, services

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
    assert selectors.person_search(user=educator, name="Zhakip") == []
    assert selectors.person_search(user=partner, name="Zhakip") == []
