"""The central office's page of known-hash lists, and the analyst's decision on a similar file,
as people use them: in kk, ru and en, refused to others."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from qorgau.intake import fingerprints, services
from qorgau.intake.enums import MatchStatus, Source
from qorgau.intake.evidence import IncomingFile
from qorgau.intake.match_models import EvidenceMatch
from qorgau.linking.hash_models import HashListVersion
from tests.intake.evidence_media import png, resized_jpeg

pytestmark = pytest.mark.django_db
URL = "/staff/hash-lists/"


@pytest.mark.parametrize(
    ("language", "title"),
    [
        ("kk", "Белгілі хештер тізімдері"),
        ("ru", "Списки известных хешей"),
        ("en", "Known-hash lists"),
    ],
)
def test_the_central_office_reads_the_page_in_its_language(client, central, language, title):
    client.force_login(central)
    page = client.get(f"{URL}?lang={language}")
    assert page.status_code == 200 and title in page.content.decode()


def test_an_import_from_the_page_and_a_search(client, central):
    client.force_login(central)
    digest = hashlib.md5(b"synthetic").hexdigest()
    upload = SimpleUploadedFile("list.csv", f"md5,label\n{digest},x\nbad,x\n".encode())
    refused = client.post(URL, {"label": "Hotline", "file": upload}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400 and "Line 3" in refused.content.decode()
    assert not HashListVersion.objects.exists()
    upload = SimpleUploadedFile("list.csv", f"md5,label\n{digest},x\nbad,x\n".encode())
    done = client.post(
        URL, {"label": "Hotline", "file": upload, "good_rows": "on"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert done.status_code == 200 and "1 hashes imported" in done.content.decode()
    found = client.get(URL, {"q": digest.upper()}, HTTP_ACCEPT_LANGUAGE="en")
    assert "No list holds this hash" not in found.content.decode()
    assert "Hotline" in found.content.decode()


@pytest.mark.parametrize("persona", ["analyst", "chief", "admin"])
def test_nobody_else_opens_or_imports(client, personas, persona):
    client.force_login(personas[persona])
    assert client.get(URL).status_code == 403
    upload = SimpleUploadedFile("list.csv", b"md5\n" + b"0" * 32 + b"\n")
    assert client.post(URL, {"label": "x", "file": upload}).status_code == 403
    assert not HashListVersion.objects.exists()


def test_the_analyst_decides_a_similar_file_from_the_report_page(client, analyst, almaty):
    def submit(name, data):
        draft = services.ReportDraft(
            category="sextortion",
            narrative="synthetic: this picture",
            region_code="KZ-75",
            files=[IncomingFile(filename=name, content=data)],
        )
        report = services.report_submit(
            draft=draft, submitter=services.Submitter(source=Source.WEB)
        ).report
        fingerprints.fingerprint_one(report.evidence.get().pk)
        return report

    submit("a.png", png(40))
    copy = submit("b.jpg", resized_jpeg(40))
    match = EvidenceMatch.objects.get()
    client.force_login(analyst)
    page = client.get(f"/staff/reports/{copy.public_id}/?lang=ru")
    text = page.content.decode()
    assert "Похожие файлы в других сообщениях" in text and f"{match.distance} из 256 бит" in text
    assert text.count("<img") == 1 and '<img src="/static/qorgau/icon.svg"' in text  # the logo only
    answer = client.post(
        f"/staff/reports/{copy.public_id}/do/file_match/", {"match": match.pk, "same": "0"}
    )
    assert answer.status_code == 302
    match.refresh_from_db()
    assert match.status == MatchStatus.REJECTED
    again = client.post(
        f"/staff/reports/{copy.public_id}/do/file_match/", {"match": match.pk, "same": "1"}
    )
    assert again.status_code in (302, 409)
    match.refresh_from_db()
    assert match.status == MatchStatus.REJECTED  # decided once
