"""The CSV a platform loads into its matching: hashes and the reports' public ids, nothing else;
the download is audited."""

import csv
import io

import pytest

from qorgau.core.models import AuditEntry
from qorgau.intake import services as intake
from qorgau.linking.selectors import subject_for_owner
from qorgau.takedown import selectors, services
from qorgau.takedown.services import RequestInput
from tests.takedown.conftest import draft, evidence, submit

pytestmark = pytest.mark.django_db

A, B, C, D = ("a" * 64, "b" * 64, "c" * 64, "d" * 64)


def rows_of(response):
    text = response.content.decode("utf-8")
    assert not text.startswith("\ufeff")  # for machines: no byte order mark
    return list(csv.reader(io.StringIO(text)))


def test_the_csv_holds_the_reports_hashes_and_its_public_id(client, analyst, report):
    evidence(report, B)
    evidence(report, A)
    evidence(report, A)  # the same file twice: one row
    request = draft(analyst, report)
    client.force_login(analyst)
    response = client.get(f"/staff/platform-requests/{request.public_id}/hashes.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="qorgau-hashes-{request.public_id}.csv"'
    )
    assert rows_of(response) == [
        ["sha256", "md5", "sha1", "pdq", "report"],
        [A, "", "", "", report.public_id],
        [B, "", "", "", report.public_id],
    ]
    entry = AuditEntry.objects.get(action="takedown.hashes_export")
    assert entry.actor == analyst and entry.details == {"rows": 2, "reports": 1}
    assert entry.object_id == str(request.pk)


def test_md5_sha1_and_each_pdq_fingerprint_are_written(analyst, report):
    """A file's MD5 and SHA-1, and its PDQ fingerprints: a row per frame for a video."""
    from qorgau.intake.models import Evidence
    from qorgau.linking import pdq

    item = evidence(report, A)
    Evidence.objects.filter(pk=item.pk).update(md5="1" * 32, sha1="2" * 40)
    pdq.store("intake.evidence", item.pk, [pdq.Frame(0, "e" * 64, 100), pdq.Frame(2, "f" * 64, 90)])
    request = draft(analyst, report)
    rows = selectors.takedown_hash_rows(request=request)
    assert rows == [
        (A, "1" * 32, "2" * 40, "e" * 64, report.public_id),
        (A, "1" * 32, "2" * 40, "f" * 64, report.public_id),
    ]


def test_a_subjects_csv_holds_its_reports_of_the_requests_region_only(analyst, astana):
    handle = [intake.Identifier(kind="telegram", value="@export_subject")]
    first, second = submit(identifiers=handle), submit(identifiers=handle)
    elsewhere = submit(region="KZ-71", identifiers=handle)
    unrelated = submit()
    evidence(first, A)
    evidence(second, B)
    evidence(elsewhere, C)  # Astana's: not in an Almaty request
    evidence(unrelated, D)
    subject = subject_for_owner(owner_type="intake.report", owner_id=first.pk)
    assert subject_for_owner(owner_type="intake.report", owner_id=elsewhere.pk) == subject
    request = services.takedown_from_subject(
        acting_user=analyst,
        subject=subject,
        data=RequestInput(platform="instagram", kind="removal", targets="@export_subject"),
    )
    rows = services.takedown_hashes_export(acting_user=analyst, request=request)
    assert sorted((row[0], row[-1]) for row in rows) == sorted(
        [(A, first.public_id), (B, second.public_id)]
    )


def test_no_file_name_type_or_content_is_in_the_csv(client, analyst, report):
    evidence(report, A, filename="secret-name-of-the-child.png", size=12345)
    request = draft(analyst, report)
    client.force_login(analyst)
    text = client.get(f"/staff/platform-requests/{request.public_id}/hashes.csv").content.decode()
    assert "secret-name" not in text and "image/png" not in text and "12345" not in text


def test_a_report_without_evidence_gives_the_header_alone(client, analyst, report):
    request = draft(analyst, report)
    client.force_login(analyst)
    response = client.get(f"/staff/platform-requests/{request.public_id}/hashes.csv")
    assert rows_of(response) == [["sha256", "md5", "sha1", "pdq", "report"]]


def test_another_regions_csv_answers_404_and_is_audited(client, analyst, outsider, report):
    evidence(report, A)
    request = draft(analyst, report)
    client.force_login(outsider)
    response = client.get(f"/staff/platform-requests/{request.public_id}/hashes.csv")
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="takedown.hashes_export").exists()
    assert AuditEntry.objects.filter(action="refused", details__policy="takedown.export_hashes")
