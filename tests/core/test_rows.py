"""insert_row stores a new row exactly as Model.save() would, in one fixed statement."""

import pytest
from django.db import IntegrityError, connection
from django.db.models.signals import post_save, pre_save

from qorgau.core.rows import insert_row
from qorgau.intake.models import Report, ReportEvent
from tests import factories

pytestmark = pytest.mark.django_db


def _report(**extra):
    return Report(
        source="platform",
        category="grooming",
        narrative="Он писал моей дочери, синтетический текст",
        language="ru",
        region=factories.region("KZ-75"),
        suspect={"name": "Synthetic", "identifiers": []},
        **extra,
    )


def test_a_row_inserted_reads_back_as_saved_with_its_timestamps_and_encrypted_text():
    report = insert_row(_report())
    assert report.pk and not report._state.adding
    stored = Report.objects.get(pk=report.pk)
    assert stored.narrative == "Он писал моей дочери, синтетический текст"
    assert stored.region.code == "KZ-75" and stored.created_at is not None
    assert stored.public_id == report.public_id
    with connection.cursor() as cursor:
        cursor.execute("SELECT narrative FROM intake_report WHERE id = %s", [report.pk])
        raw = bytes(cursor.fetchone()[0])
    assert "дочери".encode() not in raw  # encrypted on disk, as save() stores it
    event = insert_row(ReportEvent(report=report, kind="submitted", created_at=stored.created_at))
    assert list(report.events.values_list("pk", flat=True)) == [event.pk]


def test_a_duplicate_is_refused_as_an_integrity_error():
    insert_row(_report(idempotency_scope="p:1", idempotency_key="same"))
    with pytest.raises(IntegrityError):
        insert_row(_report(idempotency_scope="p:1", idempotency_key="same"))


def test_the_models_written_this_way_have_no_signal_receivers():
    # insert_row does not send pre_save/post_save: a receiver added later would silently not run
    for model in (Report, ReportEvent):
        assert not pre_save.has_listeners(model) and not post_save.has_listeners(model)
