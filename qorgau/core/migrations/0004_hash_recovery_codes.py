"""Recovery codes are kept as keyed hashes (core.services.recovery_code_digests), never in clear:
codes stored in clear before are replaced by their hash (they keep working)."""

from django.conf import settings
from django.db import migrations
from django.utils.crypto import salted_hmac

RECOVERY_SALT = "qorgau.core.recovery_code"  # the same as core.services.RECOVERY_SALT


def hash_plain_codes(apps, schema_editor):
    StaticToken = apps.get_model("otp_static", "StaticToken")
    for row in StaticToken.objects.all().iterator():
        if len(row.token) == 16 and all(c in "0123456789abcdef" for c in row.token):
            continue  # already a hash
        code = "".join(row.token.split()).lower()
        row.token = salted_hmac(RECOVERY_SALT, code, secret=settings.SECRET_KEY).hexdigest()[:16]
        row.save(update_fields=["token"])


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_audit_append_only"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(hash_plain_codes, migrations.RunPython.noop)]
