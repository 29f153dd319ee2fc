""" "My work now" of an education coordinator, a chief and a partner: planned school rounds by
date, and the referrals waiting for the partner's answer, each list the page filtered to it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from qorgau.core import work
from qorgau.intake import services as intake
from qorgau.prevention import services
from qorgau.prevention.models import SafeguardingRound

pytestmark = pytest.mark.django_db


def section(response, code):
    return next((s for s in response.context["sections"] if s.code == code), None)


def planned(school, days):
    round_ = services.round_plan(acting_user=None, school=school, planned_on=timezone.localdate())
    SafeguardingRound.objects.filter(pk=round_.pk).update(
        planned_on=timezone.localdate() + timedelta(days=days)
    )
    return round_


def test_an_educator_and_the_chief_see_the_rounds_due(client, educator, chief, make_school):
    late = planned(make_school(), -3)
    soon = planned(make_school(), 2)
    planned(make_school(), 40)
    planned(make_school(code="KZ-71"), -3)  # another region's
    for user in (educator, chief):
        client.force_login(user)
        response = client.get("/staff/")
        overdue, week = section(response, work.OVERDUE), section(response, work.WEEK)
        (rounds,) = [x for x in overdue.lists if "/staff/prevention/rounds/" in x.url]
        assert [i.url for i in rounds.items] == [f"/staff/prevention/rounds/{late.public_id}/"]
        assert client.get(rounds.url).context["page"].paginator.count == rounds.count == 1
        (coming,) = [x for x in week.lists if "/staff/prevention/rounds/" in x.url]
        assert [i.url for i in coming.items] == [f"/staff/prevention/rounds/{soon.public_id}/"]
        assert client.get(coming.url).context["page"].paginator.count == coming.count == 1


def test_a_partner_sees_the_referrals_waiting_for_an_answer(
    client, analyst, partner_member, organisation
):
    report = intake.report_submit(
        draft=intake.ReportDraft(category="sextortion", narrative="Synthetic", region_code="KZ-75"),
        submitter=intake.Submitter(source="web"),
    ).report
    referral = services.partner_referral_from_report(
        acting_user=analyst, report=report, organisation=organisation, note="Please support"
    )
    client.force_login(partner_member)
    response = client.get("/staff/")
    waiting = section(response, work.WAITING)
    assert [i.url for i in waiting.lists[0].items] == [
        f"/staff/partner-referrals/{referral.public_id}/"
    ]
    assert client.get(waiting.lists[0].url).context["page"].paginator.count == waiting.count == 1
