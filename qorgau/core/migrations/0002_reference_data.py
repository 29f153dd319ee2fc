from django.db import migrations

from qorgau.core.audit_chain import GENESIS_HASH
from qorgau.core.reference import load_reference_data


def forwards(apps, schema_editor):
    load_reference_data(
        apps.get_model("core", "Region"),
        apps.get_model("core", "CriminalArticle"),
        apps.get_model("core", "Helpline"),
    )
    apps.get_model("core", "AuditChainHead").objects.get_or_create(
        pk=1, defaults={"seq": 0, "hash": GENESIS_HASH}
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
