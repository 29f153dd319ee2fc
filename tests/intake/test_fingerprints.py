"""Issue 22, part 5: "send only its fingerprint". The form takes the SHA-256 the page's script made of
a picture that stays on the phone, and stores it as a hash-only evidence entry, as a platform's
hashes are; without JavaScript the option says what it needs."""

import hashlib
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from qorgau.intake.models import Evidence, Report
from tests.intake.conftest import PNG
from tests.intake.test_views import form_data, step

pytestmark = pytest.mark.django_db
PICTURE = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(200)  # the picture that stays on the phone
DIGEST = hashlib.sha256(PICTURE).hexdigest()


def test_a_fingerprint_is_stored_as_a_hash_with_no_file(client, reference_data):
    response = client.post("/report/?lang=kk", form_data(fingerprint=f"{DIGEST} IMG_0042.JPG"))
    assert response.status_code == 201
    item = Evidence.objects.get()
    assert item.sha256 == DIGEST and not item.has_content
    assert (item.storage_name, item.size, item.content_type) == ("", None, "")
    assert item.filename == "IMG_0042.JPG"  # encrypted, as a sent file's name is
    html = response.content.decode()
    assert "Тек цифрлық іздер (суреттер өзіңде қалды): 1" in html


def test_the_fingerprint_name_is_not_in_the_database_in_plain_text(client, reference_data):
    from django.db import connection

    client.post("/report/?lang=en", form_data(fingerprint=f"{DIGEST} MARKER-secret-photo.jpg"))
    with connection.cursor() as cursor:
        cursor.execute("SELECT filename FROM intake_evidence")
        (stored,) = cursor.fetchone()
    assert "MARKER" not in str(stored)


def test_fingerprints_and_files_go_together_each_kept_once(client, reference_data):
    other = hashlib.sha256(b"another picture").hexdigest()
    png_digest = hashlib.sha256(PNG).hexdigest()
    response = client.post(
        "/report/?lang=en",
        form_data(
            fingerprint=[f"{DIGEST} a.jpg", f"{other} b.jpg", f"{DIGEST.upper()} a.jpg"],
            # the same picture chosen as a file too: the fingerprint came first and is kept
            evidence=[
                SimpleUploadedFile("chat.png", PNG, "image/png"),
                SimpleUploadedFile("b.jpg", b"another picture"),
            ],
        ),
    )
    assert response.status_code == 201
    rows = {row.sha256: row for row in Evidence.objects.all()}
    assert set(rows) == {DIGEST, other, png_digest}
    assert not rows[DIGEST].has_content and not rows[other].has_content
    assert rows[png_digest].has_content
    html = response.content.decode()
    assert "“a.jpg” was sent twice. We kept it once." in html
    assert "“b.jpg” was sent twice. We kept it once." in html  # its bytes never stored


def test_a_fingerprint_without_a_name_is_taken(client, reference_data):
    assert client.post("/report/", form_data(fingerprint=DIGEST)).status_code == 201
    assert Evidence.objects.get().filename in (None, "")


@pytest.mark.parametrize("value", ["abc photo.jpg", "z" * 64, f"{DIGEST[:-1]} short.jpg", " "])
def test_a_broken_fingerprint_is_refused_in_the_childs_words_and_the_others_kept(
    client, reference_data, value
):
    good = f"{DIGEST} kept.jpg"
    response = client.post("/report/?lang=ru", form_data(fingerprint=[good, value]))
    assert response.status_code == 400
    files = step(response.content.decode(), "step-files")
    assert "«Отпечаток» не получился. Выбери фото ещё раз." in files
    assert f'name="fingerprint" value="{good}"' in files  # not to be chosen again
    assert Report.objects.count() == 0


def test_fingerprints_count_with_the_files(client, reference_data, settings):
    settings.QORGAU_EVIDENCE_MAX_FILES = 2
    prints = [hashlib.sha256(bytes([n])).hexdigest() for n in range(2)]
    response = client.post(
        "/report/?lang=en",
        form_data(fingerprint=prints, evidence=[SimpleUploadedFile("c.png", PNG)]),
    )
    assert response.status_code == 400
    assert "At most 2 files can be sent." in response.content.decode()


def test_a_form_sent_back_keeps_its_fingerprints(client, reference_data):
    response = client.post(
        "/report/?lang=en", form_data(narrative="", fingerprint=f"{DIGEST} a.jpg")
    )
    assert response.status_code == 400
    assert f'name="fingerprint" value="{DIGEST} a.jpg"' in response.content.decode()
    response = client.post("/report/?lang=en", form_data(fingerprint=f"{DIGEST} a.jpg"))
    assert response.status_code == 201


class TestThePage:
    def test_the_option_says_what_it_does_and_needs_without_javascript(
        self, client, reference_data
    ):
        files = step(client.get("/report/?lang=kk").content.decode(), "step-files")
        assert "Суреттің тек цифрлық ізін жібер" in files
        assert "Сурет телефоныңда қалады. Бізге оны тануға болатын код қана келеді." in files
        assert "Бұл үшін JavaScript қосулы телефон не компьютер керек." in files
        assert re.search(r'<div class="fingerprint-picker" hidden>', files)
        assert "{#" not in files and "fingerprint.js" not in files  # no comment shown

    def test_the_pictures_input_has_no_name_so_its_bytes_are_never_sent(
        self, client, reference_data
    ):
        files = step(client.get("/report/?lang=en").content.decode(), "step-files")
        picker = files[files.index('class="fingerprint-picker"') :]
        tag = re.search(r"<input type=\"file\"[^>]*>", picker).group(0)
        assert "name=" not in tag and 'id="fingerprint-files"' in tag

    def test_the_script_is_a_static_file_under_the_csp(self, client, reference_data):
        response = client.get("/report/?lang=en")
        html = response.content.decode()
        assert re.search(r'<script src="[^"]*/qorgau/fingerprint\.[^"]*js" defer></script>', html)
        assert "'unsafe-inline'" not in response["Content-Security-Policy"].split("script-src")[1]


def test_the_staff_page_shows_a_fingerprint_only(client, analyst, reference_data):
    client.post("/report/?lang=en", form_data(fingerprint=f"{DIGEST} a.jpg"))
    report = Report.objects.get()
    client.force_login(analyst)
    html = client.get(f"/staff/reports/{report.public_id}/?lang=en").content.decode()
    assert "fingerprint only (no file)" in html and DIGEST in html
