"""Recovery codes are kept as keyed hashes (core.services.recovery_code_digests), never in clear:
codes stored in clear before are replaced by their hash (they keep working).

Written when the hash was keyed with SECRET_KEY; it now hashes as the code reads today (under the
recovery-code key derived from QORGAU_LOOKUP_KEY), and leaves both forms of hash as they are."""

from django.db import migrations

from qorgau.core.derived_keys import RECOVERY_CODE, SEPARATOR, keyed_digest


def _is_hash(token: str) -> bool:
    legacy = len(token) == 16 and all(c in "0123456789abcdef" for c in token)
    return legacy or SEPARATOR in token


def hash_plain_codes(apps, schema_editor):
    StaticToken = apps.get_model("otp_static", "StaticToken")
    for row in StaticToken.objects.all().iterator():
        if _is_hash(row.token):
            continue
        code = "".join(row.token.split()).lower()
        row.token = keyed_digest(RECOVERY_CODE, code)
        row.save(update_fields=["token"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_audit_append_only"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(hash_plain_codes, migrations.RunPython.noop)]
