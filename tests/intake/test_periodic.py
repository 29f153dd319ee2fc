"""`manage.py tick` purges closed unfounded reports after the retention period, and nothing else."""

import io

import pytest
from django.apps import apps
from django.core.management import call_command

from qorgau.core.models import AuditEntry
from qorgau.intake import services
from qorgau.intake.enums import Source, Status
from qorgau.intake.evidence import IncomingFile, evidence_dir
from qorgau.intake.models import Report
from qorgau.linking.models import Identifier, IdentifierUse, NameEntry, Subject

pytestmark = pytest.mark.django_db

MARKER = "RETENTION-MARKER-7Q"


def submit(narrative, *, files=(), handle="t.me/synthetic_shared_handle"):
    return services.report_submit(
        draft=services.ReportDraft(
            category="grooming",
            narrative=narrative,
            region_code="KZ-75",
            suspect_name="Synthetic Suspectov",
            identifiers=[services.Identifier(kind="telegram", value=handle)],
            files=[IncomingFile(filename=f"{n}.txt", content=c, sha256="") for n, c in files],
        ),
        submitter=services.Submitter(source=Source.WEB),
    ).report


def rows():
    """Every row of every table, by model: primary keys."""
    return {
        m._meta.label: set(m._base_manager.values_list("pk", flat=True))
        for m in apps.get_models()
        if m._meta.managed
    }


def tick():
    out = io.StringIO()
    call_command("tick", stdout=out)
    return out.getvalue()


def test_tick_purges_only_closed_unfounded_reports_past_their_retention(
    analyst, settings, django_capture_on_commit_callbacks
):
    settings.QORGAU_RETENTION_DAYS_UNFOUNDED = 0  # expires the moment it is closed
    doomed = submit(f"{MARKER} unfounded", files=[("doomed", b"synthetic doomed content")])
    services.report_message_reporter(report=doomed, acting_user=analyst, body="Synthetic question")
    services.report_close(report=doomed, acting_user=analyst, reason="unfounded")

    open_one = submit("Synthetic open report", files=[("kept", b"synthetic kept content")])
    resolved = submit("Synthetic resolved report")
    services.report_close(report=resolved, acting_user=analyst, reason="resolved")
    reopened = submit("Synthetic reopened report")
    services.report_close(report=reopened, acting_user=analyst, reason="unfounded")
    services.report_transition(report=reopened, to_status=Status.IN_REVIEW, acting_user=analyst)
    settings.QORGAU_RETENTION_DAYS_UNFOUNDED = 30
    recent = submit("Synthetic recent unfounded report")
    services.report_close(report=recent, acting_user=analyst, reason="unfounded")

    subject = Identifier.objects.get(kind="telegram", uses__owner_id=open_one.pk).subject
    assert subject.owner_counts["intake.report"] == 5
    files_before = {p.name for p in evidence_dir().iterdir()}
    before = rows()
    owned = {"owner_type": "intake.report", "owner_id": doomed.pk}
    hanging_off_doomed = {
        "intake.Report": {doomed.pk},
        "intake.Evidence": set(doomed.evidence.values_list("pk", flat=True)),
        "intake.ReportMessage": set(doomed.messages.values_list("pk", flat=True)),
        "intake.ReportEvent": set(doomed.events.values_list("pk", flat=True)),
        "linking.IdentifierUse": set(
            IdentifierUse.objects.filter(**owned).values_list("pk", flat=True)
        ),
        "linking.NameEntry": set(NameEntry.objects.filter(**owned).values_list("pk", flat=True)),
        # its file's SHA-256 and MD5: identifiers nothing else uses (issue 22)
        "linking.Identifier": set(
            Identifier.objects.filter(
                kind__in=("sha256", "md5"),
                uses__owner_type="intake.report",
                uses__owner_id=doomed.pk,
            ).values_list("pk", flat=True)
        ),
    }

    with django_capture_on_commit_callbacks(execute=True):
        output = tick()

    assert "intake: 1 unfounded reports purged" in output
    assert set(Report.objects.values_list("pk", flat=True)) == {
        open_one.pk,
        resolved.pk,
        reopened.pk,
        recent.pk,
    }
    after = rows()
    gone = {label: before[label] - after[label] for label in before if before[label] - after[label]}
    # the report and what hangs off it, its linking traces: nothing else
    assert set(gone) == {
        "intake.Report",
        "intake.Evidence",
        "intake.ReportMessage",
        "intake.ReportEvent",
        "linking.IdentifierUse",
        "linking.NameEntry",
        "linking.Identifier",
    }
    assert gone == hanging_off_doomed
    assert len(after["core.AuditEntry"] - before["core.AuditEntry"]) == 1
    assert not NameEntry.objects.filter(owner_id=doomed.pk, owner_type="intake.report").exists()
    remaining = {p.name for p in evidence_dir().iterdir()}
    assert len(remaining) == 1 and remaining < files_before
    assert open_one.evidence.get().storage_name in remaining
    entry = AuditEntry.objects.filter(action="retention.purge").get()
    assert entry.details == {"reports": 1}
    assert MARKER not in str(entry.details)
    # triage no longer counts the purged report as one of the subject's
    assert Subject.objects.get(pk=subject.pk).owner_counts["intake.report"] == 4


def test_tick_is_idempotent_and_audits_nothing_when_there_is_nothing_to_purge(
    analyst, settings, django_capture_on_commit_callbacks
):
    settings.QORGAU_RETENTION_DAYS_UNFOUNDED = 0
    report = submit("Synthetic unfounded report", handle="t.me/synthetic_alone")
    services.report_close(report=report, acting_user=analyst, reason="unfounded")
    with django_capture_on_commit_callbacks(execute=True):
        tick()
    assert not Report.objects.filter(pk=report.pk).exists()
    # an identifier that only the purged report used goes with it
    assert not Identifier.objects.filter(kind="telegram", uses__isnull=True).exists()
    with django_capture_on_commit_callbacks(execute=True):
        assert "intake: 0 unfounded reports purged" in tick()
    assert AuditEntry.objects.filter(action="retention.purge").count() == 1
