"""The report's status moves: its table in core's `Transitions`, one `transition()` per move."""

import pytest

from qorgau.core.errors import Conflict, ServiceError
from qorgau.core.models import AuditEntry
from qorgau.core.transitions import Transitions
from qorgau.intake import services
from qorgau.intake.enums import Source, Status
from qorgau.intake.models import Report

pytestmark = pytest.mark.django_db


def submit():
    return services.report_submit(
        draft=services.ReportDraft(category="other", narrative="Synthetic", region_code="KZ-75"),
        submitter=services.Submitter(source=Source.WEB),
    ).report


def test_the_table_is_cores_and_a_closed_report_may_only_be_reopened():
    assert isinstance(services.TRANSITIONS, Transitions)
    assert services.TRANSITIONS.moves[Status.CLOSED] == {Status.IN_REVIEW}


def test_a_move_writes_its_timeline_event_and_its_audit_entry_once(analyst):
    report = submit()
    services.report_transition(
        report=report, to_status=Status.CLOSED, acting_user=analyst, reason="resolved"
    )
    event = report.events.get(kind="status")
    assert (event.from_status, event.to_status, event.actor) == ("received", "closed", analyst)
    assert event.details == {"reason": True}  # that there was one, never the reason
    entry = AuditEntry.objects.get(action="report.status")
    assert entry.details == {"from": "received", "to": "closed"} and entry.region_id
    assert Report.objects.get(pk=report.pk).status_changed_at is not None


def test_a_refused_move_is_a_conflict_in_the_users_words(analyst):
    report = submit()
    with pytest.raises(services.TransitionConflict) as caught:
        services.report_transition(report=report, to_status=Status.RECEIVED, acting_user=analyst)
    assert isinstance(caught.value, Conflict) and caught.value.status == 409
    assert "Received" in caught.value.message


def test_every_refusal_of_the_red_button_is_a_service_error():
    assert issubclass(services.ActionRefused, ServiceError)
    assert issubclass(services.ReceiptRefused, ServiceError)
    assert issubclass(services.ReportInvalid, ServiceError)
    assert services.ReportInvalid({"x": ["y"]}).status == 422
    # Only the address limit answers 429 (it says nothing about any report; issue 18).
    assert services.ReceiptRefused("too many", address_limited=True).status == 429
    assert services.ReceiptRefused("not opened").status == 400


def test_a_repeated_key_with_another_body_answers_409(platform):
    submitter = services.Submitter(source=Source.PLATFORM, platform=platform)
    draft = services.ReportDraft(category="other", narrative="Synthetic")
    services.report_submit(draft=draft, submitter=submitter, idempotency_key="k", digest="a")
    with pytest.raises(services.ReportInvalid) as caught:
        services.report_submit(draft=draft, submitter=submitter, idempotency_key="k", digest="b")
    assert caught.value.status == 409


def test_each_purged_batch_is_audited_in_its_own_transaction(analyst):
    from datetime import timedelta

    from django.utils import timezone

    for _ in range(3):
        services.report_close(report=submit(), acting_user=analyst, reason="unfounded")
    later = timezone.now() + timedelta(days=10_000)
    assert services.purge_expired_reports(now=later, batch=2) == 3
    counts = [e.details["reports"] for e in AuditEntry.objects.filter(action="retention.purge")]
    assert sorted(counts) == [1, 2]
