""" "My work now" of a prosecutor and a chief: the cases still to hand over, by their deadline,
each list the cases page filtered to exactly it."""

from datetime import timedelta

import pytest
from django.utils import timezone

from qorgau.cases import services
from qorgau.cases.models import Case
from qorgau.core import work

pytestmark = pytest.mark.django_db


def case(number, holder, *, deadline, code="KZ-75", done=False):
    made = services.case_create(
        acting_user=None,
        data=services.CaseInput(registry_number=number, articles=["120"], region_code=code),
    )
    Case.objects.filter(pk=made.pk).update(
        prosecutor=holder,
        handover_deadline=deadline,
        handover_done_at=timezone.now() if done else None,
    )
    return made


def section(response, code):
    return next((s for s in response.context["sections"] if s.code == code), None)


def test_a_prosecutor_sees_the_deadlines_of_her_own_cases(client, make_prosecutor):
    mine, colleague = make_prosecutor(), make_prosecutor()
    windows = work.Windows.at()
    late = case("1000001", mine, deadline=windows.now - timedelta(hours=3))
    soon = case("1000002", mine, deadline=windows.tomorrow + timedelta(days=2))
    case("1000003", mine, deadline=windows.now - timedelta(days=1), done=True)
    case("1000004", colleague, deadline=windows.now - timedelta(hours=3))
    client.force_login(mine.user)
    response = client.get("/staff/")
    overdue, week = section(response, work.OVERDUE), section(response, work.WEEK)
    assert [i.url for i in overdue.lists[0].items] == [f"/staff/cases/{late.public_id}/"]
    assert [i.url for i in week.lists[0].items] == [f"/staff/cases/{soon.public_id}/"]
    html = response.content.decode()
    assert "Hand over case 1000001" in html and "1000004" not in html
    for found in (overdue, week):
        listed = client.get(found.lists[0].url).context["page"]
        assert listed.paginator.count == found.count == 1


def test_a_chief_sees_the_regions_handovers_not_another_regions(client, chief, make_prosecutor):
    ours, theirs = make_prosecutor(), make_prosecutor(code="KZ-71")
    past = timezone.now() - timedelta(hours=1)
    case("2000001", ours, deadline=past)
    case("2000002", theirs, deadline=past, code="KZ-71")
    client.force_login(chief)
    overdue = section(client.get("/staff/"), work.OVERDUE)
    (handovers,) = [found for found in overdue.lists if "/staff/cases/" in found.url]
    assert [i.title for i in handovers.items] == ["Hand over case 2000001"]
    assert client.get(handovers.url).context["page"].paginator.count == handovers.count == 1
