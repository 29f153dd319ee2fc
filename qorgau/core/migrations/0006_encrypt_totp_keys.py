"""Authenticator keys are kept encrypted (core.StaffTOTPDevice), never in clear: every device of
django-otp's TOTPDevice, whose hex key sat in clear in otp_totp_totpdevice, is moved into the new
model with its key encrypted under the master key, keeping its name, confirmation, clock state
(last_t, drift), throttling and timestamps, so its codes keep working; the clear row is deleted.

Reversible: going back moves the devices back into TOTPDevice (their keys in clear again, as they
were), so that a rolled-back release still finds every authenticator. `restore` runs the forward
move too, for archives written before this migration (core.backup.restore_archive)."""

from django.db import migrations

MOVED = [
    "user_id",
    "name",
    "confirmed",
    "step",
    "t0",
    "digits",
    "tolerance",
    "drift",
    "last_t",
    "throttling_failure_timestamp",
    "throttling_failure_count",
    "last_used_at",
]


def _move(source, target, key):
    for old in source.objects.order_by("pk").iterator():
        new = target.objects.create(key=key(old.key), **{f: getattr(old, f) for f in MOVED})
        # created_at is auto_now_add: kept by an update after the insert
        target.objects.filter(pk=new.pk).update(created_at=old.created_at)
        old.delete()


def encrypt_clear_keys(apps, schema_editor):
    _move(
        apps.get_model("otp_totp", "TOTPDevice"),
        apps.get_model("core", "StaffTOTPDevice"),
        lambda hex_key: bytes.fromhex(hex_key),
    )


def decrypt_keys_back(apps, schema_editor):
    _move(
        apps.get_model("core", "StaffTOTPDevice"),
        apps.get_model("otp_totp", "TOTPDevice"),
        lambda key: bytes(key).hex(),
    )


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0005_staff_totp_device"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(encrypt_clear_keys, decrypt_keys_back)]
