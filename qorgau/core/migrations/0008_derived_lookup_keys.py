"""The lookup key (QORGAU_LOOKUP_KEY) replaces SECRET_KEY for every keyed lookup value.

On an installation that holds values keyed with SECRET_KEY (receipt codes and recovery codes
already handed out, identifier and IIN lookups), the upgrade is refused until that SECRET_KEY is
pinned in QORGAU_LEGACY_SECRET_KEYS (checked against a value that can be recomputed), so that no
code handed out stops working. The register's IIN lookups are recomputed here, before the new code
checks a new entry's IIN against them; identifiers (many more) by `manage.py rekey_lookups`, while
the application runs. A fresh installation has nothing to check and needs no key here.
"""

from django.db import migrations


def upgrade(apps, schema_editor):
    from qorgau.core import rekey

    rekey.require_legacy_secrets(apps=apps)
    if apps.get_model("offenders", "Person").objects.filter(iin_lookup__isnull=False).exists():
        rekey.rekey_register(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0007_recovery_code_set"),
        ("intake", "0004_queue_indexes"),
        ("linking", "0003_leaner_indexes"),
        ("offenders", "0002_static99r"),
        ("otp_static", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(upgrade, migrations.RunPython.noop)]
