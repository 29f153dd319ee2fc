"""Who may act on Red Button reports: intake/policies.py, asked by every service and action view.

A refusal answers 403 (the role may not) or 404 (a report outside what the user may act on, as if
it did not exist), writes nothing but a "refused" entry of the audit log."""

import json

import pytest
from django.urls import reverse

from qorgau.core import services as core_services
from qorgau.core.errors import NotFound, PermissionRefused
from qorgau.core.models import AuditEntry
from qorgau.core.permissions import may, require
from qorgau.intake import policies, services
from qorgau.intake.enums import Source, Status
from qorgau.intake.models import Report, ReportEvent, ReportMessage

pytestmark = pytest.mark.django_db


def submit(region="KZ-75"):
    return services.report_submit(
        draft=services.ReportDraft(
            category="grooming", narrative="Synthetic: he writes to her.", region_code=region
        ),
        submitter=services.Submitter(source=Source.WEB),
    ).report


def refusals(user, policy):
    return AuditEntry.objects.filter(
        action="refused", actor=user, details__policy=policy.name
    ).count()


# Every POST of the report's page: URL name, path segment, a valid form, its policy.
ACTIONS = [
    ("intake:report_take", "take", {}, policies.TAKE_REPORT),
    ("intake:report_message", "message", {"body": "Synthetic reply"}, policies.MESSAGE_REPORTER),
    ("intake:report_more_info", "more_info", {"body": "More?"}, policies.ASK_MORE_INFORMATION),
    (
        "intake:report_priority",
        "priority",
        {"priority": "P2", "reason": "Synthetic reason"},
        policies.SET_PRIORITY,
    ),
    (
        "intake:report_refer",
        "refer",
        {"target": "police", "reason": "Synthetic reason", "region": ""},
        policies.REFER_REPORT,
    ),
    ("intake:report_close", "close", {"reason": "resolved"}, policies.CLOSE_REPORT),
    (
        "intake:report_link",
        "link",
        {"subject": "nope", "reason": "Synthetic reason"},
        policies.LINK_SUBJECT,
    ),
    ("intake:report_unlink", "unlink", {"identifier": "1"}, policies.REMOVE_LINK),
    ("intake:report_duplicate", "duplicate", {"original": "nope"}, policies.MARK_DUPLICATE),
]


@pytest.mark.parametrize("name,segment,data,policy", ACTIONS)
def test_each_action_has_its_own_url_name_at_the_path_it_always_had(name, segment, data, policy):
    assert reverse(name, args=["abc"]) == f"/staff/reports/abc/do/{segment}/"


@pytest.mark.parametrize("name,segment,data,policy", ACTIONS)
def test_an_analyst_of_another_region_gets_404_and_nothing_is_written(
    client, outsider, name, segment, data, policy
):
    report = submit()
    client.force_login(outsider)
    events, audit = ReportEvent.objects.count(), AuditEntry.objects.count()
    assert client.post(reverse(name, args=[report.public_id]), data).status_code == 404
    report.refresh_from_db()
    assert report.status == Status.RECEIVED and report.assigned_to is None
    assert ReportEvent.objects.count() == events and not ReportMessage.objects.exists()
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.actor, entry.details["reason"]) == ("refused", outsider, "scope")
    assert AuditEntry.objects.count() == audit + 1


@pytest.mark.parametrize("persona", ["prosecutor", "partner", "clinician", "educator", "admin"])
def test_a_role_that_does_not_work_reports_may_not_take_one(client, personas, persona):
    user = personas[persona]
    report = submit()
    client.force_login(user)
    response = client.post(reverse("intake:report_take", args=[report.public_id]))
    assert response.status_code == 403
    report.refresh_from_db()
    assert report.assigned_to is None and report.status == Status.RECEIVED
    assert refusals(user, policies.TAKE_REPORT) == 1


def test_the_role_is_refused_before_the_method_or_the_report(client, prosecutor, analyst):
    client.force_login(prosecutor)
    url = reverse("intake:report_close", args=["no-such-report"])
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "resolved"}).status_code == 403
    client.force_login(analyst)
    assert client.get(url).status_code == 405
    assert client.post(url, {"reason": "resolved"}).status_code == 404


@pytest.mark.parametrize("persona", ["analyst", "chief", "central"])
def test_the_regions_staff_and_the_central_office_act_on_a_report(client, personas, persona):
    report = submit()
    client.force_login(personas[persona])
    assert client.post(reverse("intake:report_take", args=[report.public_id])).status_code == 302
    report.refresh_from_db()
    assert report.assigned_to == personas[persona] and report.status == Status.IN_REVIEW


def test_services_refuse_by_themselves_and_write_only_the_refusal(outsider, prosecutor):
    report = submit()
    with pytest.raises(NotFound):
        services.report_close(report=report, acting_user=outsider, reason="resolved")
    with pytest.raises(PermissionRefused):
        services.report_message_reporter(report=report, acting_user=prosecutor, body="Synthetic")
    report.refresh_from_db()
    assert report.status == Status.RECEIVED and not ReportMessage.objects.exists()
    assert refusals(outsider, policies.CLOSE_REPORT) == 1
    assert refusals(prosecutor, policies.MESSAGE_REPORTER) == 1


def test_an_action_of_a_person_is_never_done_by_the_system():
    report = submit()
    with pytest.raises(PermissionRefused):
        services.report_take(report=report, acting_user=None)
    assert services.report_transition(
        report=report, to_status=Status.IN_REVIEW, acting_user=None
    ).status == (Status.IN_REVIEW)


def test_an_evidence_download_outside_the_region_is_404_and_audited(client, outsider):
    from qorgau.intake.evidence import IncomingFile

    report = services.report_submit(
        draft=services.ReportDraft(
            category="other",
            narrative="Synthetic",
            region_code="KZ-75",
            files=[IncomingFile(filename="a.txt", content=b"synthetic", sha256="")],
        ),
        submitter=services.Submitter(source=Source.WEB),
    ).report
    item = report.evidence.get()
    client.force_login(outsider)
    url = reverse("intake:staff_evidence", args=[report.public_id, item.public_id])
    assert client.post(url).status_code == 404
    assert not AuditEntry.objects.filter(action="evidence.download").exists()
    assert refusals(outsider, policies.DOWNLOAD_EVIDENCE) == 1


def test_the_report_page_shows_the_actions_the_user_may_do(client, analyst):
    report = submit()
    client.force_login(analyst)
    html = client.get(reverse("intake:staff_detail", args=[report.public_id])).content.decode()
    for name, *_rest in ACTIONS:
        if name in ("intake:report_unlink", "intake:report_message", "intake:report_more_info"):
            continue  # shown with an identifier, with a receipt code
        assert reverse(name, args=[report.public_id]) in html, name


# --- Sending a report -----------------------------------------------------------------------------


def test_the_public_form_and_platforms_are_let_in_without_a_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        require(None, policies.SUBMIT_REPORT)


def test_every_staff_role_but_the_administrator_may_send_a_report(personas):
    allowed = {name for name, user in personas.items() if may(user, policies.SUBMIT_REPORT)}
    assert allowed == set(personas) - {"admin"}


def test_a_staff_member_whose_role_may_not_send_reports_is_refused_and_audited(admin_user):
    with pytest.raises(PermissionRefused):
        services.report_submit(
            draft=services.ReportDraft(category="other", narrative="Synthetic"),
            submitter=services.Submitter(source=Source.STAFF, user=admin_user),
        )
    assert not Report.objects.exists()
    assert refusals(admin_user, policies.SUBMIT_REPORT) == 1


def test_a_partners_token_no_longer_files_through_the_api(client, partner):
    """Issue 18: only analysts file reports with a personal token (tests/security, finding 11)."""
    _, token = core_services.api_token_create(acting_user=None, user=partner)
    response = client.post(
        "/api/v1/reports",
        json.dumps({"category": "other", "narrative": "Synthetic"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert response.status_code == 403 and not Report.objects.exists()
    assert refusals(partner, policies.FILE_THROUGH_API) == 1


def test_report_submit_refuses_to_run_inside_a_callers_transaction(reference_data):
    from django.db import transaction

    with pytest.raises(RuntimeError, match="outside any transaction"), transaction.atomic():
        submit()


# --- Configuration and subjects -------------------------------------------------------------------


def test_only_an_administrator_or_the_system_publishes_triage_rules(central):
    from qorgau.intake.triage import DEFAULT_RULES

    with pytest.raises(PermissionRefused):
        services.triage_rules_publish(acting_user=central, rules=DEFAULT_RULES)
    assert services.triage_rules_publish(acting_user=None, rules=DEFAULT_RULES).version >= 1


def test_only_an_administrator_or_the_system_manages_platform_tokens(central, admin_user):
    with pytest.raises(PermissionRefused):
        services.platform_token_create(acting_user=central, platform_name="Synthetic")
    row, _token = services.platform_token_create(acting_user=admin_user, platform_name="Synth")
    services.platform_token_revoke(acting_user=admin_user, token=row)
    services.platform_token_revoke(acting_user=admin_user, token=row)  # already: audited again
    revocations = AuditEntry.objects.filter(action="platform_token.revoke").order_by("seq")
    assert [e.details.get("already", False) for e in revocations] == [False, True]


def test_the_subject_api_refuses_roles_that_see_no_report(client, prosecutor):
    _, token = core_services.api_token_create(acting_user=None, user=prosecutor)
    response = client.get(
        "/api/v1/subjects?identifier=telegram:someone",
        HTTP_AUTHORIZATION=f"Bearer {token}",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "Your role does not give access to reports."
    assert refusals(prosecutor, policies.VIEW_SUBJECT) == 1


def test_the_subject_api_answers_its_errors_as_before(client, analyst):
    _, token = core_services.api_token_create(acting_user=None, user=analyst)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_ACCEPT_LANGUAGE": "en"}
    response = client.get("/api/v1/subjects?identifier=nothing", **auth)
    assert response.status_code == 422
    assert response.json()["detail"][0]["field"] == "identifier"
    response = client.get("/api/v1/subjects?identifier=telegram:nobody_at_all", **auth)
    assert response.status_code == 404
    assert response.json()["detail"] == "No subject has this identifier."


def test_a_p1_alert_goes_to_the_roles_the_policies_name():
    from qorgau.core.enums import Role

    assert {Role.ANALYST} == policies.P1_ALERTED_IN_REGION
    assert {Role.CENTRAL_OFFICE} == policies.P1_ALERTED_CENTRAL


def _methods(view) -> set[str] | None:
    """The methods a view's require_POST/require_GET allows, found as tests/core's matrices do."""
    while view is not None:
        for cell in getattr(view, "__closure__", None) or ():
            value = cell.cell_contents
            strings = isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)
            if strings and value and all(v.isupper() for v in value):
                return set(value)
        view = getattr(view, "__wrapped__", None)
    return None


def test_every_intake_view_says_which_methods_it_answers():
    from django.urls import get_resolver

    def view(name, *args):
        return get_resolver().resolve(reverse(name, args=args)).func

    for name, *_rest in ACTIONS:
        assert _methods(view(name, "x")) == {"POST"}, name
    assert _methods(view("intake:staff_evidence", "x", "y")) == {"POST"}
    assert _methods(view("intake:staff_detail", "x")) == {"GET"}
