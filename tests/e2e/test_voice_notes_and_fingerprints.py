"""Issue 22, parts 4 and 5, in a real browser on a phone: a child sends a voice note with the form,
and sends only the fingerprint of a picture, which never leaves the phone."""

import hashlib

import pytest

from qorgau.intake.evidence import evidence_dir, read_decrypted
from qorgau.intake.models import Evidence, Report
from tests.e2e.conftest import DESKTOP, screenshot, staff_login
from tests.intake import media_samples

pytestmark = pytest.mark.django_db(transaction=True)

NARRATIVE = "Бір адам маған дауыстық хат жіберіп, суретіңді жібер деп қорқытты."
# A photo the child keeps: its bytes carry a marker that must never reach the server.
PHOTO = (
    b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    + b"MARKER-never-leaves-the-phone-"
    + bytes(range(256)) * 40
    + b"\xff\xd9"
)


@pytest.fixture(autouse=True)
def evidence_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"


def to_the_files_step(page):
    """What happened, who is reporting, then Next up to step 5 (one question at a time)."""
    page.goto(page.base + "/report/?lang=kk")
    page.check("input[value=sextortion]")
    page.fill("textarea[name=narrative]", NARRATIVE)
    page.click("#step-what >> text=Келесі")
    page.check("input[name=relation][value=child]")
    page.select_option("select[name=child_age]", "13")
    page.click("#step-who >> text=Келесі")
    page.select_option("select[name=region]", "KZ-75")
    for step in ["step-where", "step-person"]:
        page.click(f"#{step} >> text=Келесі")
    assert page.is_visible("#step-files")
    return page.locator("#step-files")


def send(page):
    page.click("#step-files >> text=Келесі")
    page.click("form.report-form button.report-button")
    page.wait_for_selector(".receipt-code")


def test_a_child_sends_a_voice_note_from_a_phone(page, open_page, analyst):
    files = to_the_files_step(page)
    assert "дауыс жазбасын да жібере аласың" in files.inner_text().lower()
    accept = files.locator("input[name=evidence]").get_attribute("accept").split(",")
    assert {"audio/*", "video/*", "image/*"} <= set(accept)
    assert files.locator("input[name=evidence]").get_attribute("capture") is None
    voice = media_samples.ogg_opus(seconds=3)
    files.locator("input[name=evidence]").set_input_files(
        [{"name": "дауыс.ogg", "mimeType": "audio/ogg", "buffer": voice}]
    )
    assert files.locator(".file-names").inner_text() == "дауыс.ogg"
    page.evaluate("document.getElementById('h-files').scrollIntoView()")
    screenshot(page, "report-voice-note-phone")
    send(page)
    assert "Дауыс жазбалары мен видео: 1" in page.inner_text("main")

    item = Evidence.objects.get()
    assert (item.content_type, item.size) == ("audio/ogg", len(voice))
    assert item.sha256 == hashlib.sha256(voice).hexdigest()
    assert read_decrypted(item.storage_name, item.data_key) == voice  # stored whole, encrypted
    assert b"OpusHead" not in (evidence_dir() / item.storage_name).read_bytes()

    desktop = open_page(viewport=DESKTOP)
    staff_login(desktop, analyst)
    desktop.goto(f"{desktop.base}/staff/reports/{Report.objects.get().public_id}/?lang=en")
    row = desktop.locator("table tr", has_text="audio/ogg")
    assert row.count() == 1 and item.sha256 in row.inner_text()
    assert row.locator("button", has_text="Download (recorded)").count() == 1


def test_a_child_sends_only_the_fingerprint_of_a_picture(page, open_page, analyst):
    files = to_the_files_step(page)
    box = files.locator("[data-fingerprint]")
    assert box.locator(".fingerprint-picker").is_visible()
    assert not box.locator(".fingerprint-needs-js").is_visible()  # it has JavaScript
    box.locator("#fingerprint-files").set_input_files(
        [{"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": PHOTO}]
    )
    page.wait_for_selector(".fingerprint-list li:has-text('Цифрлық із дайын')")
    digest = hashlib.sha256(PHOTO).hexdigest()
    hidden = box.locator("input[type=hidden][name=fingerprint]")
    assert hidden.count() == 1 and hidden.get_attribute("value") == f"{digest} photo.jpg"
    assert box.locator("#fingerprint-files").evaluate("input => input.files.length") == 0
    page.evaluate("document.querySelector('.fingerprint').scrollIntoView({block: 'center'})")
    screenshot(page, "report-fingerprint-phone")

    sent = []
    page.on(
        "request",
        lambda request: sent.append(request.post_data_buffer) if request.method == "POST" else None,
    )
    send(page)
    assert "Тек цифрлық іздер (суреттер өзіңде қалды): 1" in page.inner_text("main")
    (body,) = sent
    assert digest.encode() in body
    assert b"MARKER-never-leaves-the-phone" not in body and b"JFIF" not in body

    item = Evidence.objects.get()
    assert item.sha256 == digest == hashlib.sha256(PHOTO).hexdigest()
    assert not item.has_content and item.size is None and item.filename == "photo.jpg"
    assert not evidence_dir().exists() or list(evidence_dir().iterdir()) == []

    desktop = open_page(viewport=DESKTOP)
    staff_login(desktop, analyst)
    desktop.goto(f"{desktop.base}/staff/reports/{Report.objects.get().public_id}/?lang=en")
    row = desktop.locator("table tr", has_text="fingerprint only (no file)")
    assert row.count() == 1 and digest in row.inner_text()
    assert row.locator("button").count() == 0  # nothing to download


def test_without_javascript_the_fingerprint_says_it_needs_it(open_page):
    tab = open_page(javascript=False)
    tab.goto(tab.base + "/report/?lang=ru")
    box = tab.locator("[data-fingerprint]")
    assert box.locator(".fingerprint-needs-js").inner_text() == (
        "Для этого нужен телефон или компьютер с включённым JavaScript."
    )
    assert not box.locator(".fingerprint-picker").is_visible()
    assert box.locator("input[type=file]").get_attribute("name") is None  # nothing to send


def test_a_fingerprint_can_be_removed_before_sending(page):
    files = to_the_files_step(page)
    box = files.locator("[data-fingerprint]")
    box.locator("#fingerprint-files").set_input_files(
        [
            {"name": "a.jpg", "mimeType": "image/jpeg", "buffer": PHOTO},
            {"name": "b.jpg", "mimeType": "image/jpeg", "buffer": PHOTO + b"b"},
        ]
    )
    page.wait_for_function("document.querySelectorAll('input[name=fingerprint]').length === 2")
    box.locator(".fingerprint-list li", has_text="a.jpg").locator("button").click()
    assert box.locator("input[name=fingerprint]").count() == 1
    send(page)
    assert Evidence.objects.get().filename == "b.jpg"
