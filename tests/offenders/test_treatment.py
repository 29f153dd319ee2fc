"""Treatment programmes and examinations: each step checked against the status, each audited."""

import pytest
from django.utils import timezone

from qorgau.core.errors import Conflict
from qorgau.core.models import AuditEntry
from qorgau.offenders import services
from qorgau.offenders.enums import ExaminationStatus, TreatmentStatus
from qorgau.offenders.models import Examination, TreatmentPlan, TreatmentSession

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme(inmate, clinician):
    return services.treatment_start(
        person=inmate,
        acting_user=clinician,
        programme="Synthetic programme",
        planned_sessions=10,
        started_on=timezone.localdate(),
    )


def test_a_programme_ends_once_and_its_end_is_audited(programme, clinician):
    services.treatment_end(plan=programme, acting_user=clinician, status=TreatmentStatus.COMPLETED)
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "offender.treatment_end" and entry.actor == clinician
    assert entry.details == {"from": "active", "to": "completed"}
    before = AuditEntry.objects.count()
    stale = TreatmentPlan.objects.get(pk=programme.pk)
    with pytest.raises(Conflict, match="cannot go from “Completed” to “Dropped out”"):
        services.treatment_end(
            plan=stale, acting_user=clinician, status=TreatmentStatus.DROPPED, reason="left"
        )
    plan = TreatmentPlan.objects.get(pk=programme.pk)
    assert plan.status == TreatmentStatus.COMPLETED and plan.end_reason == ""
    assert AuditEntry.objects.count() == before


def test_a_session_is_audited(programme, clinician):
    services.treatment_session_record(
        plan=programme, acting_user=clinician, held_on=timezone.localdate(), attended=True
    )
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.action == "offender.treatment_session" and entry.actor == clinician
    assert entry.object_id == str(programme.person_id)


def test_no_session_is_recorded_after_the_programme_ended(programme, clinician):
    services.treatment_end(
        plan=programme, acting_user=clinician, status=TreatmentStatus.DROPPED, reason="left"
    )
    programme.refresh_from_db()
    with pytest.raises(Conflict, match="has ended"):
        services.treatment_session_record(
            plan=programme, acting_user=clinician, held_on=timezone.localdate(), attended=True
        )
    assert not TreatmentSession.objects.exists()


def test_an_examination_is_recorded_once(inmate, clinician):
    exam = services.examination_record(
        exam=inmate.examinations.get(),
        acting_user=clinician,
        done_on=timezone.localdate(),
        findings="Synthetic findings",
        diagnostic_codes=[],
        recommendations="",
    )
    assert Examination.objects.get(pk=exam.pk).status == ExaminationStatus.DONE
    with pytest.raises(Conflict):
        services.examination_record(
            exam=Examination.objects.get(pk=exam.pk),
            acting_user=clinician,
            done_on=timezone.localdate(),
            findings="Other findings",
            diagnostic_codes=[],
            recommendations="",
        )
    assert Examination.objects.get(pk=exam.pk).findings == "Synthetic findings"
