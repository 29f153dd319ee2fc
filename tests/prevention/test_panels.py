"""Prevention's panels in other apps' pages: the "refer to a partner" box on a report's page and on a
case's page, shown to whoever may refer it (prevention/policies.py) and to nobody else."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from qorgau.cases import services as cases_services
from qorgau.intake import services as intake
from qorgau.prevention import panels

pytestmark = pytest.mark.django_db


def report(code="KZ-75"):
    return intake.report_submit(
        draft=intake.ReportDraft(category="grooming", narrative="Synthetic", region_code=code),
        submitter=intake.Submitter(source="web"),
    ).report


def case(code="KZ-75"):
    return cases_services.case_create(
        acting_user=None,
        data=cases_services.CaseInput(
            registry_number="7654321", articles=["120"], region_code=code
        ),
    )


def as_user(user):
    request = RequestFactory().get("/staff/")
    request.user = user
    return request


def slot(name, user, obj):
    page = Template("{% load qorgau_panels %}{% panels slot obj %}")
    return page.render(Context({"request": as_user(user), "slot": name, "obj": obj}))


def test_the_analyst_of_the_region_gets_the_box_on_a_report(analyst, organisation):
    item = report()
    html = slot("report_detail", analyst, item)
    assert "Refer to a partner" in html and organisation.name in html
    assert f'action="/staff/reports/{item.public_id}/to-partner/"' in html
    assert 'id="id_partner_report_note"' in html


def test_no_box_for_a_clinician_another_regions_analyst_or_nobody(
    clinician, outsider, organisation
):
    item = report()
    assert panels.refer_report(as_user(clinician), item) is None
    assert panels.refer_report(as_user(outsider), item) is None
    assert panels.refer_report(None, item) is None  # never the system
    assert "Refer to a partner" not in slot("report_detail", clinician, item)


def test_the_chief_gets_the_box_on_a_case_of_the_region_and_the_analyst_does_not(
    chief, analyst, organisation
):
    item = case()
    html = slot("case_detail", chief, item)
    assert f'action="/staff/cases/{item.public_id}/to-partner/"' in html
    assert 'id="id_partner_case_note"' in html
    assert panels.refer_case(as_user(analyst), item) is None


def test_the_box_lists_the_referrals_already_made(analyst, organisation):
    from qorgau.prevention import services

    item = report()
    services.partner_referral_from_report(
        acting_user=analyst, report=item, organisation=organisation, note="Please call"
    )
    box = panels.refer_report(as_user(analyst), item)["box"]
    assert [r.organisation for r in box["referrals"]] == [organisation]
    assert box["has_partners"]
