"""A request's life: drafted, sent, acknowledged, done or refused, each move dated, in the history
and in the audit log; the preservation deadline; the targets encrypted and never audited."""

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from freezegun import freeze_time

from qorgau.core.errors import Conflict, InvalidInput
from qorgau.core.models import AuditEntry
from qorgau.takedown import services
from qorgau.takedown.models import TakedownRequest
from tests.takedown.conftest import TARGETS, draft

pytestmark = pytest.mark.django_db


def history(request):
    return [(e.kind, e.from_status, e.to_status) for e in request.events.order_by("pk")]


def test_each_move_is_dated_and_written_to_the_history_and_the_audit_log(analyst, report):
    with freeze_time("2026-03-02 09:00:00+05:00"):
        request = draft(analyst, report, kind="removal")
    with freeze_time("2026-03-03 10:00:00+05:00"):
        services.takedown_send(acting_user=analyst, request=request)
    with freeze_time("2026-03-04 11:00:00+05:00"):
        services.takedown_acknowledge(acting_user=analyst, request=request, reference="TG-4411")
    with freeze_time("2026-03-06 12:00:00+05:00"):
        services.takedown_complete(acting_user=analyst, request=request)
    request.refresh_from_db()
    assert request.status == "done"
    assert [
        timezone.localtime(d).strftime("%m-%d %H")
        for d in (request.sent_at, request.acknowledged_at, request.done_at)
    ] == ["03-03 10", "03-04 11", "03-06 12"]
    assert request.status_changed_at == request.done_at and request.refused_at is None
    assert request.platform_reference == "TG-4411"
    assert history(request) == [
        ("created", "", "drafted"),
        ("status", "drafted", "sent"),
        ("status", "sent", "acknowledged"),
        ("status", "acknowledged", "done"),
    ]
    moves = AuditEntry.objects.filter(action="takedown.status").order_by("seq")
    assert [(e.details["from"], e.details["to"]) for e in moves] == [
        ("drafted", "sent"),
        ("sent", "acknowledged"),
        ("acknowledged", "done"),
    ]


def test_a_platform_may_answer_without_acknowledging_first(analyst, report):
    request = draft(analyst, report, kind="removal")
    services.takedown_send(acting_user=analyst, request=request)
    services.takedown_refuse(acting_user=analyst, request=request)
    request.refresh_from_db()
    assert request.status == "refused" and request.refused_at is not None


@pytest.mark.parametrize(
    "moves",
    [
        ["takedown_acknowledge"],  # a draft was not sent yet
        ["takedown_complete"],
        ["takedown_send", "takedown_send"],
        ["takedown_send", "takedown_complete", "takedown_refuse"],  # done is final
        ["takedown_send", "takedown_refuse", "takedown_acknowledge"],
    ],
)
def test_moves_the_table_does_not_allow_are_refused_and_change_nothing(analyst, report, moves):
    request = draft(analyst, report)
    *allowed, refused = moves
    for name in allowed:
        getattr(services, name)(acting_user=analyst, request=request)
    before = TakedownRequest.objects.values().get(pk=request.pk)
    with pytest.raises(Conflict):
        getattr(services, refused)(acting_user=analyst, request=request)
    assert TakedownRequest.objects.values().get(pk=request.pk) == before


def test_a_stale_page_cannot_move_a_request_someone_else_moved(analyst, chief, report):
    request = draft(analyst, report)
    stale = TakedownRequest.objects.get(pk=request.pk)
    services.takedown_send(acting_user=analyst, request=request)
    with pytest.raises(Conflict):
        services.takedown_send(acting_user=chief, request=stale)


def test_a_preservation_keeps_the_data_90_days_from_sending_by_default(analyst, report, settings):
    request = draft(analyst, report)
    assert request.legal_deadline is None
    services.takedown_send(acting_user=analyst, request=request)
    assert request.legal_deadline == timezone.localdate() + timedelta(days=90)
    settings.QORGAU_TAKEDOWN_PRESERVATION_DAYS = 180
    other = draft(analyst, report)
    services.takedown_send(acting_user=analyst, request=other)
    other.refresh_from_db()
    assert other.legal_deadline == timezone.localdate() + timedelta(days=180)
    entry = AuditEntry.objects.filter(action="takedown.status").last()
    assert entry.details["deadline_on"] == other.legal_deadline.isoformat()


def test_a_deadline_written_at_drafting_is_kept_and_can_be_changed(analyst, report):
    today = timezone.localdate()
    request = draft(analyst, report, legal_deadline=today + timedelta(days=30))
    services.takedown_send(acting_user=analyst, request=request)
    request.refresh_from_db()
    assert request.legal_deadline == today + timedelta(days=30)
    services.takedown_deadline_set(
        acting_user=analyst, request=request, deadline=today + timedelta(days=120)
    )
    request.refresh_from_db()
    assert request.legal_deadline == today + timedelta(days=120)
    event = request.events.get(kind="deadline")
    assert event.details == {
        "from": (today + timedelta(days=30)).isoformat(),
        "to": (today + timedelta(days=120)).isoformat(),
    }
    with pytest.raises(InvalidInput):
        services.takedown_deadline_set(
            acting_user=analyst, request=request, deadline=today - timedelta(days=1)
        )
    services.takedown_complete(acting_user=analyst, request=request)
    with pytest.raises(Conflict):  # a closed request's deadline no longer changes
        services.takedown_deadline_set(
            acting_user=analyst, request=request, deadline=today + timedelta(days=200)
        )


def test_a_removal_has_no_deadline(analyst, report):
    request = draft(analyst, report, kind="removal", legal_deadline=timezone.localdate())
    assert request.legal_deadline is None
    with pytest.raises(InvalidInput):
        services.takedown_deadline_set(
            acting_user=analyst, request=request, deadline=timezone.localdate()
        )


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"platform": "myspace"}, "platform"),
        ({"platform": "other"}, "platform_name"),
        ({"kind": "delete_everything"}, "kind"),
        ({"targets": "  \n "}, "targets"),
        ({"targets": "x" * 501}, "targets"),
        ({"legal_deadline": timezone.localdate() - timedelta(days=1)}, "legal_deadline"),
    ],
)
def test_a_draft_with_a_wrong_field_is_refused_by_field(analyst, report, fields, field):
    with pytest.raises(InvalidInput) as refused:
        draft(analyst, report, **fields)
    assert field in refused.value.errors
    assert not TakedownRequest.objects.exists()


def test_another_platform_is_named_by_hand(analyst, report):
    request = draft(analyst, report, platform="other", platform_name="  Synthetic  Chat ")
    assert request.platform_label == "Synthetic Chat"
    assert draft(analyst, report, platform_name="ignored").platform_name == ""


def test_the_targets_are_encrypted_at_rest_and_never_in_the_audit_log(analyst, report):
    request = draft(analyst, report)
    assert request.target_lines == TARGETS.splitlines()
    with connection.cursor() as cursor:
        cursor.execute("SELECT targets FROM takedown_takedownrequest WHERE id = %s", [request.pk])
        stored = bytes(cursor.fetchone()[0])
    assert b"synthetic_groomer" not in stored
    details = str(list(AuditEntry.objects.values_list("details", flat=True)))
    assert "synthetic_groomer" not in details
    assert AuditEntry.objects.get(action="takedown.create").details["targets"] == 2


def test_the_platforms_reference_is_recorded_once_the_request_is_sent(analyst, report):
    request = draft(analyst, report)
    with pytest.raises(Conflict):
        services.takedown_reference_set(acting_user=analyst, request=request, reference="A-1")
    services.takedown_send(acting_user=analyst, request=request)
    services.takedown_reference_set(acting_user=analyst, request=request, reference=" A-1 ")
    request.refresh_from_db()
    assert request.platform_reference == "A-1"
    assert AuditEntry.objects.get(action="takedown.reference").details == {"reference": True}
