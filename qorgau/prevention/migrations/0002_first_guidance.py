from django.db import migrations


def load(apps, schema_editor):
    from qorgau.guidance.markup import load_shipped_guidance

    load_shipped_guidance(
        apps.get_model("prevention", "GuidancePage"),
        apps.get_model("prevention", "GuidanceVersion"),
    )


class Migration(migrations.Migration):
    dependencies = [("prevention", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
