"""The cases pages, by role."""

import pytest

from qorgau.cases import services
from qorgau.cases.models import Case

pytestmark = pytest.mark.django_db


def register(number, code="KZ-75", articles=("120",)):
    return services.case_create(
        acting_user=None,
        data=services.CaseInput(
            registry_number=number,
            articles=list(articles),
            region_code=code,
            victims=[services.VictimInput(age=12)],
        ),
    )


def test_a_prosecutor_sees_only_their_cases(client, make_prosecutor):
    mine = make_prosecutor("f")
    make_prosecutor("f")
    register("100001")
    register("100002")
    client.force_login(mine.user)
    shown = list(client.get("/staff/cases/").context["page"])
    assert len(shown) == 1 and shown[0].prosecutor == mine
    other = Case.objects.exclude(prosecutor=mine).get()
    assert client.get(f"/staff/cases/{other.public_id}/").status_code == 404


def test_a_chief_sees_the_handover_board_and_the_gap_of_their_region(
    client, chief, make_prosecutor
):
    male = make_prosecutor("m")
    case = register("100001")
    assert case.prosecutor is None
    Case.objects.filter(pk=case.pk).update(prosecutor=male, unassigned_reason="")
    services.handover_tick()
    client.force_login(chief)
    board = client.get("/staff/cases/handover/").context["board"]
    assert [(r.region.code, r.pending) for r in board] == [("KZ-75", 1)]
    gap = client.get("/staff/cases/staffing/").context["rows"]
    assert [(r.region.code, r.eligible_prosecutors, r.hires) for r in gap] == [("KZ-75", 0, 1)]


def test_the_central_office_sees_the_national_picture(client, central, make_prosecutor):
    make_prosecutor("f")
    register("100001")
    client.force_login(central)
    assert len(client.get("/staff/cases/handover/").context["board"]) == 20
    assert len(client.get("/staff/cases/staffing/").context["rows"]) == 20
    assert client.get("/staff/cases/policy/").context["form"] is not None


def test_a_chief_reassigns_with_a_reason_from_the_page(client, chief, make_prosecutor):
    make_prosecutor("f")
    second = make_prosecutor("f")
    case = register("100001")
    target = second if case.prosecutor != second else Case.objects.get().prosecutor
    client.force_login(chief)
    client.get(f"/staff/cases/{case.public_id}/")
    response = client.post(
        f"/staff/cases/{case.public_id}/do/reassign/", {"prosecutor": target.pk, "reason": "Leave"}
    )
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.prosecutor == target


@pytest.mark.parametrize("persona", ["clinician", "police", "educator", "partner", "admin"])
def test_other_roles_do_not_reach_cases(client, personas, persona):
    client.force_login(personas[persona])
    assert client.get("/staff/cases/").status_code == 403
    assert client.get("/staff/cases/handover/").status_code == 403


def test_an_analyst_turns_a_report_into_a_case_from_the_report_page(
    client, analyst, make_prosecutor
):
    from qorgau.intake import services as intake
    from qorgau.intake.enums import Source

    make_prosecutor("f")
    report = intake.report_submit(
        draft=intake.ReportDraft(category="abuse", narrative="Synthetic", region_code="KZ-75"),
        submitter=intake.Submitter(source=Source.WEB),
    ).report
    client.force_login(analyst)
    response = client.post(
        f"/staff/reports/{report.public_id}/to-case/",
        {"registry_number": "261234567890123", "articles": ["120"]},
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.report == report and case.prosecutor.user.gender == "f"


def _report(code="KZ-75"):
    from qorgau.intake import services as intake
    from qorgau.intake.enums import Source

    return intake.report_submit(
        draft=intake.ReportDraft(category="abuse", narrative="Synthetic", region_code=code),
        submitter=intake.Submitter(source=Source.WEB),
    ).report


def _turn_into_case(client, user, report, number="261234567890123"):
    client.force_login(user)
    return client.post(
        f"/staff/reports/{report.public_id}/to-case/",
        {"registry_number": number, "articles": ["120"]},
    )


def test_the_analyst_opens_the_case_they_registered_read_only(client, analyst, make_prosecutor):
    make_prosecutor("f")
    report = _report()
    _turn_into_case(client, analyst, report)
    case = Case.objects.get()
    assert case.registered_by == analyst
    page = client.get(f"/staff/reports/{report.public_id}/").content.decode()
    assert f'href="/staff/cases/{case.public_id}/"' in page
    response = client.get(f"/staff/cases/{case.public_id}/")
    assert response.status_code == 200
    body = response.content.decode()
    assert case.registry_number in body
    # read-only: no form of the prosecutor's or the chief's
    for action in ("do/stage", "do/reassign", "do/care", "do/handover"):
        assert action not in body
    assert client.post(
        f"/staff/cases/{case.public_id}/do/stage/", {"stage": "closed"}
    ).status_code in (403, 404)
    case.refresh_from_db()
    assert case.stage == "pretrial"
    assert [c.pk for c in client.get("/staff/cases/").context["page"]] == [case.pk]


def test_another_analyst_is_not_offered_the_case_and_gets_404(
    client, analyst, outsider, make_prosecutor, almaty
):
    from tests.factories import UserFactory

    make_prosecutor("f")
    report = _report()
    _turn_into_case(client, analyst, report)
    case = Case.objects.get()
    colleague = UserFactory(role="analyst", region=almaty)
    client.force_login(colleague)
    page = client.get(f"/staff/reports/{report.public_id}/").content.decode()
    assert case.registry_number in page
    assert f"/staff/cases/{case.public_id}/" not in page
    assert client.get(f"/staff/cases/{case.public_id}/").status_code == 404
    client.force_login(outsider)
    assert client.get(f"/staff/cases/{case.public_id}/").status_code == 404


def test_an_analyst_who_moved_to_another_region_no_longer_sees_the_case(
    client, analyst, astana, make_prosecutor
):
    make_prosecutor("f")
    _turn_into_case(client, analyst, _report())
    case = Case.objects.get()
    analyst.region = astana
    analyst.save(update_fields=["region"])
    client.force_login(analyst)
    assert client.get(f"/staff/cases/{case.public_id}/").status_code == 404


def test_the_reassign_list_offers_only_prosecutors_the_policy_lets_hold_the_case(
    client, chief, make_prosecutor
):
    holder = make_prosecutor("f")
    other_woman = make_prosecutor("f")
    man = make_prosecutor("m")
    make_prosecutor("f", code="KZ-71")  # another region
    case = register("100001")  # art. 120: covered, women only
    assert case.prosecutor in (holder, other_woman)
    client.force_login(chief)
    form = client.get(f"/staff/cases/{case.public_id}/").context["reassign_form"]
    offered = {int(pk) for pk, _label in form.fields["prosecutor"].choices}
    assert offered == {holder.pk, other_woman.pk} - {case.prosecutor.pk}
    assert man.pk not in offered
    response = client.post(
        f"/staff/cases/{case.public_id}/do/reassign/", {"prosecutor": man.pk, "reason": "Leave"}
    )
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.prosecutor.user.gender == "f"


def test_the_handover_board_hands_a_case_over_from_its_row(client, chief, central, make_prosecutor):
    male = make_prosecutor("m")
    woman = make_prosecutor("f")
    case = register("100001")
    Case.objects.filter(pk=case.pk).update(prosecutor=male, unassigned_reason="")
    services.handover_tick()
    client.force_login(central)
    board = client.get("/staff/cases/handover/").content.decode()
    assert (
        case.registry_number in board and f"/staff/cases/{case.public_id}/do/handover/" not in board
    )
    client.force_login(chief)
    board = client.get("/staff/cases/handover/").content.decode()
    assert f'action="/staff/cases/{case.public_id}/do/handover/"' in board
    assert f'href="/staff/cases/{case.public_id}/#reassign"' in board
    response = client.post(f"/staff/cases/{case.public_id}/do/handover/", {"back": "handover"})
    assert response.status_code == 302 and response.url == "/staff/cases/handover/"
    case.refresh_from_db()
    assert case.prosecutor == woman and case.handover_done_at is not None
    assert case.registry_number not in client.get("/staff/cases/handover/").content.decode()
