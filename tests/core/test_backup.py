"""`manage.py backup PATH` and `manage.py restore PATH`: an encrypted round trip of everything."""

import hashlib
import io
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from qorgau.core import backup
from qorgau.core.models import AuditEntry, User
from qorgau.intake import evidence as evidence_files
from qorgau.intake import services
from qorgau.intake.enums import Source
from qorgau.intake.models import Report

pytestmark = pytest.mark.django_db
ADDRESS = "192.0.2.1"  # the address receipt codes are tried from (TEST-NET-1)

NARRATIVE = "Synthetic BACKUP-MARKER-4F narrative: he writes to her every night."
CONTENT = b"synthetic chat export BACKUP-MARKER-4F\n" * 50


@pytest.fixture(autouse=True)
def files_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"


@pytest.fixture
def installation(analyst):
    """Staff, a report with an evidence file and a message, audit entries."""
    report = services.report_submit(
        draft=services.ReportDraft(
            category="grooming",
            narrative=NARRATIVE,
            region_code="KZ-75",
            identifiers=[services.Identifier(kind="telegram", value="t.me/synthetic_backup")],
            files=[evidence_files.IncomingFile(filename="chat.txt", content=CONTENT, sha256="")],
        ),
        submitter=services.Submitter(source=Source.WEB),
    ).report
    services.report_message_reporter(report=report, acting_user=analyst, body="Synthetic reply")
    return report


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def empty_the_installation():
    """What a fresh, migrated installation on a new machine is: no data rows, no files."""
    backup._wipe(backup.backed_up_models())
    for path in (Path(settings.MEDIA_ROOT) / "evidence").iterdir():
        path.unlink()
    assert backup.installation_is_empty()


def test_a_backup_restores_whole_on_an_empty_installation(installation, tmp_path):
    archive = tmp_path / "qorgau.backup"
    assert "1 evidence files" in run("backup", str(archive))
    raw = archive.read_bytes()
    assert b"BACKUP-MARKER-4F" not in raw and b"synthetic_backup" not in raw
    audit_count, users = AuditEntry.objects.count(), User.objects.count()

    empty_the_installation()
    assert "Restored" in run("restore", str(archive))

    report = Report.objects.get(public_id=installation.public_id)
    assert report.narrative == NARRATIVE
    assert report.messages.get().body == "Synthetic reply"
    evidence = report.evidence.get()
    content = evidence_files.read_decrypted(evidence.storage_name, evidence.data_key)
    assert (
        hashlib.sha256(content).hexdigest()
        == evidence.sha256
        == hashlib.sha256(CONTENT).hexdigest()
    )
    assert AuditEntry.objects.count() == audit_count and User.objects.count() == users
    assert "intact" in run("verify_audit")
    # the installation works on: new rows get new ids, and the audit chain goes on
    services.report_submit(
        draft=services.ReportDraft(category="other", narrative="Synthetic after restore"),
        submitter=services.Submitter(source=Source.WEB),
    )
    assert "intact" in run("verify_audit")


def test_recovery_codes_come_back_and_still_work(installation, tmp_path, analyst):
    """django-otp's recovery codes name their user by natural key and come before core in
    INSTALLED_APPS: the restore writes the users first."""
    from qorgau.core import services as core_services

    codes = core_services.recovery_codes_replace(user=analyst)
    archive = tmp_path / "qorgau.backup"
    run("backup", str(archive))
    empty_the_installation()
    run("restore", str(archive))
    assert core_services.otp_verify(user=analyst, token=codes[0], ip=None) is not None


def test_authenticators_come_back_encrypted_even_from_an_archive_that_kept_keys_in_clear(
    installation, tmp_path, analyst, outsider
):
    """An archive written before core migration 0006 holds django-otp's TOTPDevice rows with the
    keys in clear; after the restore they are encrypted authenticators whose codes work."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from qorgau.core import services as core_services
    from qorgau.core.models import StaffTOTPDevice
    from tests.conftest import totp_code, totp_device_for

    current = totp_device_for(analyst)
    old = TOTPDevice.objects.create(user=outsider, name="phone", confirmed=True)
    archive = tmp_path / "qorgau.backup"
    run("backup", str(archive))
    empty_the_installation()
    run("restore", str(archive))

    assert not TOTPDevice.objects.exists()
    restored = StaffTOTPDevice.objects.get(user=outsider)
    assert restored.bin_key == old.bin_key and restored.confirmed
    assert StaffTOTPDevice.objects.get(user=analyst).bin_key == current.bin_key
    for user, device in [(analyst, current), (outsider, restored)]:
        assert core_services.otp_verify(user=user, token=totp_code(device), ip=None) is not None


def test_restore_refuses_a_non_empty_installation_unless_forced(installation, tmp_path):
    archive = tmp_path / "qorgau.backup"
    run("backup", str(archive))
    with pytest.raises(CommandError, match="not empty"):
        run("restore", str(archive))
    Report.objects.filter(pk=installation.pk).update(category="other")
    run("restore", str(archive), "--force")
    assert Report.objects.get(pk=installation.pk).category == "grooming"
    assert "intact" in run("verify_audit")


@pytest.mark.parametrize("damage", ["flip", "truncate", "append"])
def test_restore_refuses_a_tampered_archive_and_changes_nothing(installation, tmp_path, damage):
    archive = tmp_path / "qorgau.backup"
    run("backup", str(archive))
    data = bytearray(archive.read_bytes())
    if damage == "flip":
        data[len(data) // 2] ^= 0x01
    elif damage == "truncate":
        data = data[: len(data) - 40]
    else:
        data += b"\x00" * 8
    archive.write_bytes(bytes(data))
    empty_the_installation()
    with pytest.raises(CommandError, match=r"altered|truncated"):
        run("restore", str(archive))
    assert backup.installation_is_empty()


def test_an_archive_needs_its_key(installation, tmp_path, settings):
    archive = tmp_path / "qorgau.backup"
    run("backup", str(archive))
    settings.QORGAU_MASTER_KEY = "AgICAgICAgICAgICAgICAgICAgICAgICAgICAgICAgI="
    with pytest.raises(CommandError, match="No configured key"):
        run("restore", str(archive), "--force")


def test_a_separate_backup_key_from_the_environment_is_used_when_set(
    installation, tmp_path, monkeypatch
):
    monkeypatch.setenv("QORGAU_BACKUP_KEY", "AwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwM=")
    archive = tmp_path / "qorgau.backup"
    run("backup", str(archive))
    assert b'"key": "backup:' in archive.read_bytes()[:200]
    empty_the_installation()
    run("restore", str(archive))
    assert Report.objects.get(pk=installation.pk).narrative == NARRATIVE


def test_an_archive_written_before_the_lookup_key_still_opens(installation, tmp_path, settings):
    """Its key was derived from the master key with HKDF ("qorgau backup v1"), as it still is: the
    archive is written here with that key computed as the code of then computed it."""
    import base64 as b64

    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.kdf.hkdf import HKDF

    master = b64.urlsafe_b64decode(settings.QORGAU_MASTER_KEY)
    old_key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"qorgau backup v1"
    ).derive(master)
    archive = tmp_path / "qorgau.backup"
    run("backup", str(archive))
    plain = io.BytesIO()
    with open(archive, "rb") as source:
        backup.decrypt_stream(source, plain)
    plain.seek(0)
    old = tmp_path / "old.backup"
    with open(old, "wb") as target:
        backup.encrypt_stream(
            plain, target, backup.ArchiveKey(old_key, f"master:{backup._fingerprint(old_key)}")
        )
    empty_the_installation()
    run("restore", str(old))
    assert Report.objects.get(pk=installation.pk).narrative == NARRATIVE


def test_the_manifest_names_the_lookup_keys_and_restore_needs_them(
    installation, tmp_path, settings
):
    import json
    import tarfile

    from qorgau.core.derived_keys import ring
    from qorgau.core.keys import generate_master_key

    archive = tmp_path / "qorgau.backup"
    run("backup", str(archive))
    plain = tmp_path / "plain.tar.gz"
    with open(archive, "rb") as source, open(plain, "wb") as target:
        backup.decrypt_stream(source, target)
    with tarfile.open(plain) as tar:
        manifest = json.load(tar.extractfile("manifest.json"))
    assert manifest["lookup_keys"] == [ring().current_id]

    old = settings.QORGAU_LOOKUP_KEY
    settings.QORGAU_LOOKUP_KEY = generate_master_key()
    with pytest.raises(CommandError, match="QORGAU_LOOKUP_KEY"):
        run("restore", str(archive), "--force")
    assert Report.objects.filter(pk=installation.pk).exists()  # nothing was touched
    settings.QORGAU_PREVIOUS_LOOKUP_KEYS = [old]
    run("restore", str(archive), "--force")
    settings.QORGAU_PREVIOUS_LOOKUP_KEYS = []
    run("restore", str(archive), "--force", "--without-lookup-keys")
    assert Report.objects.get(pk=installation.pk).narrative == NARRATIVE


def test_restoring_values_keyed_before_the_lookup_key_needs_the_pinned_secret(
    installation, tmp_path, settings
):
    from tests.core import before_lookup_key as before

    report, code = before.make_report_as_before()
    archive = tmp_path / "qorgau.backup"
    run("backup", str(archive))
    with pytest.raises(CommandError, match="SECRET_KEY of before the lookup key"):
        run("restore", str(archive), "--force")
    settings.QORGAU_LEGACY_SECRET_KEYS = [settings.SECRET_KEY]
    run("restore", str(archive), "--force")
    assert services.report_open_with_receipt(code_text=code, address=ADDRESS).pk == report.pk


def test_an_archive_written_before_guidance_was_its_own_app_restores(
    installation, tmp_path, monkeypatch
):
    from qorgau.guidance.models import GuidanceVersion

    archive = tmp_path / "qorgau.backup"
    run("backup", str(archive))
    versions = GuidanceVersion.objects.count()
    assert versions
    read = backup.read_archive

    def as_written_before(path, workdir):
        manifest, data = read(path, workdir)
        for row in data:
            row["model"] = row["model"].replace("guidance.guidance", "prevention.guidance")
        return manifest, data

    monkeypatch.setattr(backup, "read_archive", as_written_before)
    empty_the_installation()
    assert "Restored" in run("restore", str(archive))
    assert GuidanceVersion.objects.count() == versions
