"""Who may act on criminal cases: refusals write nothing but their audit entry, one rule per action,
the same through the page, the API and the service."""

from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone

from qorgau.cases import services
from qorgau.cases.enums import Stage
from qorgau.cases.models import AssignmentPolicy, CareCheck, Case, CaseEvent
from qorgau.core import services as core_services
from qorgau.core.errors import Conflict, NotFound, PermissionRefused
from qorgau.core.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _audit_since(before):
    return [(e.action, e.details) for e in AuditEntry.objects.order_by("seq")[before:]]


def register(number="100001", code="KZ-75", acting_user=None, articles=("120",)):
    return services.case_create(
        acting_user=acting_user,
        data=services.CaseInput(
            registry_number=number,
            articles=list(articles),
            region_code=code,
            victims=[services.VictimInput(age=12, gender="f")],
        ),
    )


@pytest.fixture
def held(make_prosecutor):
    """A case of Almaty held by a female prosecutor, with a colleague who could take it."""
    holder = make_prosecutor("f")
    case = register()
    colleague = make_prosecutor("f")
    assert case.prosecutor == holder
    return case, holder, colleague


# --- Reassignment ---------------------------------------------------------------------------------


def test_a_prosecutor_posting_to_the_reassign_url_is_refused_and_only_the_refusal_is_written(
    client, held
):
    case, holder, colleague = held
    client.force_login(holder.user)
    before = AuditEntry.objects.count()
    events = CaseEvent.objects.count()
    response = client.post(
        reverse("cases:case_reassign", args=[case.public_id]),
        {"prosecutor": colleague.pk, "reason": "I want to give it away"},
    )
    assert response.status_code == 403
    case.refresh_from_db()
    assert case.prosecutor == holder and CaseEvent.objects.count() == events
    assert _audit_since(before) == [("refused", {"policy": "cases.reassign", "reason": "role"})]
    assert AuditEntry.objects.order_by("-seq").first().actor == holder.user


def test_a_chief_reassigning_another_regions_case_finds_nothing(client, make_prosecutor, chief):
    make_prosecutor("f", code="KZ-71")
    case = register(code="KZ-71")
    other = make_prosecutor("f", code="KZ-71")
    holder = case.prosecutor
    before = AuditEntry.objects.count()
    with pytest.raises(NotFound):
        services.case_reassign(case=case, prosecutor=other, acting_user=chief, reason="Mine now")
    assert _audit_since(before) == [("refused", {"policy": "cases.reassign", "reason": "scope"})]
    client.force_login(chief)
    response = client.post(
        reverse("cases:case_reassign", args=[case.public_id]),
        {"prosecutor": other.pk, "reason": "Mine now"},
    )
    assert response.status_code == 404
    assert Case.objects.get(pk=case.pk).prosecutor == holder
    assert not case.events.filter(kind="reassigned").exists()


def test_a_chief_reassigns_with_a_reason_and_a_missing_reason_is_told(client, held, chief):
    case, _holder, colleague = held
    client.force_login(chief)
    url = reverse("cases:case_reassign", args=[case.public_id])
    assert client.post(url, {"prosecutor": colleague.pk, "reason": ""}).status_code == 400
    response = client.post(url, {"prosecutor": colleague.pk, "reason": "Leave"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.prosecutor == colleague


def test_only_the_regions_chief_confirms_a_handover(client, held, central):
    case, holder, _colleague = held
    client.force_login(central)
    before = AuditEntry.objects.count()
    response = client.post(reverse("cases:case_handover", args=[case.public_id]))
    assert response.status_code == 403
    assert _audit_since(before) == [
        ("refused", {"policy": "cases.confirm_handover", "reason": "role"})
    ]
    assert Case.objects.get(pk=case.pk).prosecutor == holder


# --- Registering a case ---------------------------------------------------------------------------


def test_a_chief_registering_a_case_of_another_region_is_refused_and_nothing_is_written(chief):
    before = AuditEntry.objects.count()
    with pytest.raises(PermissionRefused) as refused:
        register(code="KZ-71", acting_user=chief)
    assert refused.value.status == 403
    assert str(refused.value) == "You can register cases of your own region only."
    assert Case.objects.count() == 0 and CaseEvent.objects.count() == 0
    assert _audit_since(before) == [("refused", {"policy": "cases.register", "reason": "scope"})]


def test_a_chief_turning_another_regions_report_into_a_case_is_refused(client, chief, astana):
    from qorgau.intake.models import Report

    report = _report("KZ-71")
    client.force_login(chief)
    response = client.post(
        reverse("cases:from_report", args=[report.public_id]),
        {"registry_number": "100001", "articles": ["120"]},
    )
    assert response.status_code == 404
    assert Case.objects.count() == 0
    assert Report.objects.get(pk=report.pk).case_registry_number == ""
    # the service the page calls refuses it too, whatever the caller found
    before = AuditEntry.objects.count()
    with pytest.raises(NotFound):
        services.case_create_from_report(
            acting_user=chief, report=report, registry_number="100001", articles=["120"]
        )
    assert Case.objects.count() == 0
    assert _audit_since(before) == [
        ("refused", {"policy": "cases.create_from_report", "reason": "scope"})
    ]


def test_a_role_that_does_not_register_cases_is_told_so_by_the_api(client, clinician):
    _, token = core_services.api_token_create(acting_user=None, user=clinician)
    response = client.post(
        "/api/v1/cases",
        {"registry_number": "100001", "articles": ["120"], "region": "KZ-75"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "Your role does not register cases."}
    assert Case.objects.count() == 0


def _report(code="KZ-75"):
    from qorgau.intake import services as intake
    from qorgau.intake.enums import Source

    return intake.report_submit(
        draft=intake.ReportDraft(category="abuse", narrative="Synthetic", region_code=code),
        submitter=intake.Submitter(source=Source.WEB),
    ).report


def test_the_api_refuses_the_role_before_it_looks_up_the_report(client, clinician):
    _, token = core_services.api_token_create(acting_user=None, user=clinician)
    body = {"registry_number": "100001", "articles": ["120"], "region": "KZ-75"}
    response = client.post(
        "/api/v1/cases",
        {**body, "report": _report().public_id},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 403


def test_the_api_registers_a_case_from_a_report_the_user_sees(client, chief, make_prosecutor):
    make_prosecutor("f")
    report, elsewhere = _report(), _report("KZ-71")
    _, token = core_services.api_token_create(acting_user=None, user=chief)
    body = {"registry_number": "100001", "articles": ["120"], "region": "KZ-75"}

    def post(report_id):
        return client.post(
            "/api/v1/cases",
            {**body, "report": report_id},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )

    missing = post(elsewhere.public_id)
    assert missing.status_code == 422 and missing.json()["detail"][0]["field"] == "report"
    response = post(report.public_id)
    assert response.status_code == 201 and response.json()["report"] == report.public_id


def test_the_api_tells_a_chief_their_own_region_only(client, chief):
    _, token = core_services.api_token_create(acting_user=None, user=chief)
    response = client.post(
        "/api/v1/cases",
        {"registry_number": "100001", "articles": ["120"], "region": "KZ-71"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 403
    assert response.json() == {"detail": "You can register cases of your own region only."}


def test_the_central_office_and_the_system_register_anywhere(central, make_prosecutor):
    make_prosecutor("f", code="KZ-71")
    assert register("100001", code="KZ-71", acting_user=central).region.code == "KZ-71"
    assert register("100002", code="KZ-75").region.code == "KZ-75"


# --- The stage ------------------------------------------------------------------------------------


def test_a_stage_move_not_in_the_table_is_a_conflict_that_names_both_stages(held):
    case, holder, _colleague = held
    services.case_move_stage(case=case, stage=Stage.CLOSED, acting_user=holder.user)
    before = AuditEntry.objects.count()
    with pytest.raises(Conflict) as refused:
        services.case_move_stage(
            case=case, stage=Stage.CONVICTED, acting_user=holder.user, reason="Verdict after all"
        )
    assert refused.value.status == 409
    assert refused.value.message == "This cannot go from “Closed” to “Verdict: convicted”."
    assert Case.objects.get(pk=case.pk).stage == Stage.CLOSED
    assert AuditEntry.objects.count() == before
    # a closed case reopens in pre-trial investigation; staying in a stage is not a move
    services.case_move_stage(
        case=case, stage=Stage.PRETRIAL, acting_user=holder.user, reason="Reopened"
    )
    with pytest.raises(Conflict, match="“Pre-trial investigation” to “Pre-trial investigation”"):
        services.case_move_stage(case=case, stage=Stage.PRETRIAL, acting_user=holder.user)


def test_a_move_writes_the_timeline_and_the_audit_with_its_dates(held):
    case, holder, _colleague = held
    services.case_move_stage(case=case, stage=Stage.IN_COURT, acting_user=holder.user)
    stored = Case.objects.get(pk=case.pk)
    assert stored.stage == Stage.IN_COURT and stored.sent_to_court_on == timezone.localdate()
    event = case.events.filter(kind="stage").get()
    assert event.actor == holder.user and event.details == {"from": "pretrial", "to": "in_court"}
    entry = AuditEntry.objects.filter(action="case.stage").get()
    assert entry.details == {"from": "pretrial", "to": "in_court"} and entry.region == case.region


def test_the_central_office_reads_a_case_but_does_not_move_its_stage(client, held, central):
    case, _holder, _colleague = held
    client.force_login(central)
    page = client.get(reverse("cases:detail", args=[case.public_id]))
    assert page.status_code == 200
    assert reverse("cases:case_stage", args=[case.public_id]) not in page.content.decode()
    before = AuditEntry.objects.count()
    response = client.post(
        reverse("cases:case_stage", args=[case.public_id]), {"stage": "in_court"}
    )
    assert response.status_code == 403
    assert Case.objects.get(pk=case.pk).stage == Stage.PRETRIAL
    assert _audit_since(before) == [("refused", {"policy": "cases.move_stage", "reason": "role"})]


def test_the_api_answers_a_move_the_table_refuses_with_409(client, held):
    case, holder, _colleague = held
    _, token = core_services.api_token_create(acting_user=None, user=holder.user)
    response = client.patch(
        f"/api/v1/cases/{case.public_id}",
        {"stage": "pretrial"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 409
    assert "Pre-trial investigation" in response.json()["detail"]


def test_the_page_moves_the_stage_for_the_holder(client, held):
    case, holder, _colleague = held
    client.force_login(holder.user)
    url = reverse("cases:case_stage", args=[case.public_id])
    assert url in client.get(reverse("cases:detail", args=[case.public_id])).content.decode()
    assert client.post(url, {"stage": "in_court"}).status_code == 302
    assert Case.objects.get(pk=case.pk).stage == Stage.IN_COURT
    # going back without a reason: told on the page, nothing changes
    response = client.post(url, {"stage": "pretrial"}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "needs a reason" in response.content.decode()
    assert Case.objects.get(pk=case.pk).stage == Stage.IN_COURT


# --- The care checklist ---------------------------------------------------------------------------


def test_another_prosecutor_of_the_region_does_not_tick_the_checklist(held, prosecutor):
    case, _holder, colleague = held
    before = AuditEntry.objects.count()
    with pytest.raises(NotFound):
        services.care_tick(case=case, item="rights", acting_user=colleague.user)
    assert CareCheck.objects.count() == 0
    assert _audit_since(before) == [("refused", {"policy": "cases.tick_care", "reason": "scope"})]


def test_the_holder_ticks_the_checklist_from_the_page(client, held):
    case, holder, _colleague = held
    client.force_login(holder.user)
    response = client.post(reverse("cases:case_care", args=[case.public_id]), {"item": "rights"})
    assert response.status_code == 302
    assert CareCheck.objects.get().done_by == holder.user


# --- The assignment policy ------------------------------------------------------------------------


def test_a_chief_posting_a_new_policy_is_refused(client, chief):
    versions = AssignmentPolicy.objects.count()
    client.force_login(chief)
    assert client.get(reverse("cases:policy")).context["form"] is None
    before = AuditEntry.objects.count()
    response = client.post(
        reverse("cases:policy"),
        {"articles": ["120"], "eligible_genders": ["f"], "effective_from": "2030-01-01"},
    )
    assert response.status_code == 403
    assert AssignmentPolicy.objects.count() == versions
    assert _audit_since(before) == [
        ("refused", {"policy": "cases.publish_policy", "reason": "role"})
    ]


def test_the_central_office_publishes_a_policy_from_the_page(client, central):
    versions = AssignmentPolicy.objects.count()
    client.force_login(central)
    response = client.post(
        reverse("cases:policy"),
        {
            "articles": ["120", "121"],
            "eligible_genders": ["f"],
            "effective_from": "2030-01-01",
            "handover_days": 7,
            "honour_victim_preference": "on",
        },
    )
    assert response.status_code == 302
    assert AssignmentPolicy.objects.count() == versions + 1


# --- The chiefs' pages ----------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["handover", "staffing", "workload", "policy"])
def test_a_prosecutor_does_not_open_the_chiefs_pages(client, prosecutor, url):
    client.force_login(prosecutor)
    assert client.get(reverse(f"cases:{url}")).status_code == 403


def test_a_chief_sees_the_workload_of_their_region_only(client, chief, make_prosecutor):
    mine = make_prosecutor("f")
    make_prosecutor("f", code="KZ-71")
    client.force_login(chief)
    assert list(client.get(reverse("cases:workload")).context["prosecutors"]) == [mine]


def test_overdue_handovers_are_told_to_the_regions_chiefs_only(make_prosecutor, chief, almaty):
    from datetime import timedelta

    from qorgau.core.models import Notification

    central = UserFactory(role="central_office", region=None)
    marat = make_prosecutor("m")
    make_prosecutor("f")
    case = register()
    Case.objects.filter(pk=case.pk).update(prosecutor=marat)
    services.handover_tick()
    services.handover_tick(now=timezone.now() + timedelta(days=8))
    told = set(Notification.objects.filter(kind="handover_overdue").values_list("user", flat=True))
    assert told == {chief.pk} and central.pk not in told


# --- Nowhere else -----------------------------------------------------------------------------------

APP = Path(__file__).resolve().parents[2] / "qorgau" / "cases"
TEMPLATES = APP.parent / "templates" / "cases"
# ("prosecutor" is also a field name: the other values stand for it)
ROLE_VALUES = ["regional_chief", "central_office", "analyst", "admin"]


def test_no_role_is_named_outside_the_policies():
    allowed = {"policies.py", "enums.py", "demo.py"}
    for path in [*APP.rglob("*.py"), *TEMPLATES.glob("*.html")]:
        if path.name in allowed or "migrations" in path.parts:
            continue
        text = path.read_text()
        assert "Role." not in text, path
        assert ".role ==" not in text and ".role in" not in text and ".role !=" not in text, path
        assert "user.role" not in text, path
        for value in ROLE_VALUES:
            assert f'"{value}"' not in text and f"'{value}'" not in text, (path, value)
