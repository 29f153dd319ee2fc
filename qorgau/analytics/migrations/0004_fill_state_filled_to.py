"""FillState.filled_to: the moment the daily counts were filled up to; the dashboard counts later
reports live. A fill made before this migration ended at its `updated_at`."""

from django.db import migrations, models
from django.db.models import F


def forwards(apps, schema_editor):
    apps.get_model("analytics", "FillState").objects.update(filled_to=F("updated_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("analytics", "0003_region_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="fillstate",
            name="filled_to",
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.RunPython(forwards, migrations.RunPython.noop),
    ]
