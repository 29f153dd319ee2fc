"""manage.py generate: synthetic rows in bulk, readable by the application, audited per batch."""

import json

import pytest
from django.core.management import call_command
from django.db.models import Sum

from qorgau.analytics.models import DailyCount
from qorgau.analytics.synthetic import AUDIT_ACTION
from qorgau.cases.models import Case, Victim
from qorgau.core.models import AuditEntry
from qorgau.intake.models import Report
from qorgau.offenders.models import Conviction, Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def generated(reference_data, capsys):
    call_command(
        "generate",
        "--reports=25",
        "--cases=12",
        "--offenders=7",
        "--batch=10",
        "--seed=3",
        "--no-progress",
    )
    return json.loads(capsys.readouterr().out)


def test_it_writes_what_was_asked_in_batches(generated):
    assert Report.objects.count() == 25
    assert Case.objects.count() == 12
    assert Case.objects.filter(articles__isnull=True).count() == 0
    assert Victim.objects.count() == generated["victims"] >= 12
    assert Person.objects.count() == 7 and Conviction.objects.count() == 7
    # 3 + 2 + 1 batches of at most 10 rows: one audit entry each, naming no personal value.
    entries = AuditEntry.objects.filter(action=AUDIT_ACTION)
    assert entries.count() == generated["audit_entries"] == 6
    assert {e.details["rows"] for e in entries} == {10, 5, 2, 7}


def test_the_audit_chain_stays_valid(generated, capsys):
    call_command("verify_audit")
    assert "Audit log intact" in capsys.readouterr().out


def test_encrypted_fields_are_encrypted_and_obviously_synthetic(generated):
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT narrative, suspect FROM intake_report")
        raw = cursor.fetchall()
    assert all(b"SYNTHETIC" not in bytes(n) and b"Synthetic" not in bytes(s) for n, s in raw)
    report = Report.objects.order_by("pk").first()
    assert report.narrative.startswith("SYNTHETIC TEST REPORT")
    assert report.suspect["name"].startswith("Synthetic suspect")
    assert Person.objects.first().full_name.startswith("Synthetic person")
    assert Victim.objects.first().identity["name"].startswith("Synthetic child")


def test_the_dashboard_counts_are_refilled(generated):
    total = DailyCount.objects.filter(metric="reports", key="all").aggregate(n=Sum("value"))["n"]
    assert total == 25
