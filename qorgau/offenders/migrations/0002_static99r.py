from django.db import migrations

from qorgau.offenders.instruments import STATIC_99R


def forwards(apps, schema_editor):
    RiskInstrument = apps.get_model("offenders", "RiskInstrument")
    RiskInstrument.objects.update_or_create(
        code=STATIC_99R["code"],
        defaults={
            "name": STATIC_99R["name"],
            "items": STATIC_99R["items"],
            "bands": STATIC_99R["bands"],
        },
    )


class Migration(migrations.Migration):
    dependencies = [("offenders", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
