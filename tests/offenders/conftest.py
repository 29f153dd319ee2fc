from datetime import date, timedelta

import pytest
from django.utils import timezone

from qorgau.offenders import services
from qorgau.offenders.models import Facility


@pytest.fixture
def facility(almaty, clinician):
    row = Facility.objects.create(name="Demo Facility No. 1", region=almaty)
    row.clinicians.add(clinician)
    return row


@pytest.fixture
def other_facility(astana):
    return Facility.objects.create(name="Demo Facility No. 2", region=astana)


@pytest.fixture
def inmate(facility):
    person = services.person_create(
        acting_user=None,
        data=services.PersonInput(
            full_name="Жақып Ерғали",
            full_name_latin="Zhakip Yergali",
            date_of_birth=date(1980, 5, 17),
            identifiers=[{"kind": "phone", "value": "8 701 777 66 55"}],
            facility=facility,
            admitted_on=timezone.localdate() - timedelta(days=40),
        ),
    )
    services.conviction_add(
        acting_user=None,
        person=person,
        articles=["120"],
        sentence_start=timezone.localdate() - timedelta(days=40),
        sentence_end=timezone.localdate() + timedelta(days=60),
    )
    return person


@pytest.fixture(autouse=True)
def _fresh_search_index():
    """The name search keeps an index per process; a test's rolled-back names must not leak."""
    from qorgau.offenders.selectors import search_index_clear

    search_index_clear()
    yield
