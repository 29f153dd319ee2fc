"""The dashboard and the summary API reproduce the figures the Prosecutor General's Office published:
183 children who suffered from rapists this year against 292 last year (-37%), 111 people convicted of
sexual offences against children this year, 1,229 rapists in prison."""

from datetime import date

import pytest
from django.utils import timezone

from qorgau.analytics import selectors
from qorgau.cases.enums import Stage, UnassignedReason
from qorgau.cases.models import Case, Victim
from qorgau.core import services as core_services
from qorgau.core.models import CriminalArticle, Region
from qorgau.offenders.models import Conviction, Facility, Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(reference_data):
    year = timezone.localdate().year
    regions = list(Region.objects.all())
    rape = CriminalArticle.objects.get(number="120")

    def cases(count, opened, stage=Stage.PRETRIAL, verdict=None, offset=0):
        rows = [
            Case(
                registry_number=f"{opened.year}{offset + n:09d}",
                region=regions[n % len(regions)],
                opened_on=opened,
                stage=stage,
                verdict_on=verdict,
                unassigned_reason=UnassignedReason.RETURNED,
            )
            for n in range(count)
        ]
        made = Case.objects.bulk_create(rows)
        Case.articles.through.objects.bulk_create(
            [Case.articles.through(case=c, criminalarticle=rape) for c in made]
        )
        return made

    this_year = cases(183, date(year, 1, 15))
    Victim.objects.bulk_create([Victim(case=c, age=11) for c in this_year])
    last_year = cases(292, date(year - 1, 3, 1), offset=1000)
    Victim.objects.bulk_create([Victim(case=c, age=13) for c in last_year])
    cases(111, date(year - 1, 6, 1), stage=Stage.CONVICTED, verdict=date(year, 2, 1), offset=5000)
    facility = Facility.objects.create(name="Synthetic facility", region=regions[0])
    people = Person.objects.bulk_create(
        [
            Person(
                full_name=f"Synthetic {n}",
                date_of_birth=date(1970, 1, 1),
                region=regions[0],
                facility=facility,
            )
            for n in range(1229)
        ]
    )
    convictions = Conviction.objects.bulk_create(
        [
            Conviction(person=p, sentence_start=date(2020, 1, 1), sentence_end=date(2035, 1, 1))
            for p in people
        ]
    )
    Conviction.articles.through.objects.bulk_create(
        [Conviction.articles.through(conviction=c, criminalarticle=rape) for c in convictions]
    )
    return year


def test_the_summary_shows_exactly_the_published_figures(programme, central):
    figures = selectors.summary(
        scope=selectors.scope_for(user=central, year=programme, region_code=None)
    )
    assert figures["child_victims"] == 183
    assert figures["child_victims_previous_year"] == 292
    assert figures["child_victims_change_percent"] == -37
    assert figures["convictions"] == 111
    assert figures["offenders_in_custody"] == 1229


def test_the_api_and_the_dashboard_show_them_too(programme, central, client):
    _, token = core_services.api_token_create(acting_user=None, user=central)
    data = client.get(
        "/api/v1/stats/summary", {"year": programme}, HTTP_AUTHORIZATION=f"Bearer {token}"
    ).json()
    assert (
        data["child_victims"],
        data["child_victims_previous_year"],
        data["convictions"],
        data["offenders_in_custody"],
    ) == (183, 292, 111, 1229)
    assert data["child_victims_change_percent"] == -37
    assert set(data) >= {
        "child_victims",
        "child_victims_previous_year",
        "convictions",
        "offenders_in_custody",
        "reports",
        "reports_by_priority",
    }
    client.force_login(central)
    html = client.get(f"/staff/dashboard/?year={programme}&lang=en").content.decode()
    assert (
        ">183<" in html
        and "last year 292" in html
        and "-37%" in html
        and ">111<" in html
        and ">1229<" in html
    )
