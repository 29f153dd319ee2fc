"""Examinations get a status (scheduled → done), so that recording one goes through its table of
moves and cannot happen twice; those already done are marked done."""

from django.db import migrations, models


def mark_done(apps, schema_editor):
    Examination = apps.get_model("offenders", "Examination")
    Examination.objects.filter(done_on__isnull=False).update(status="done")


class Migration(migrations.Migration):
    dependencies = [("offenders", "0002_static99r")]

    operations = [
        migrations.AddField(
            model_name="examination",
            name="status",
            field=models.CharField(
                choices=[("scheduled", "Scheduled"), ("done", "Done")],
                db_default="scheduled",
                default="scheduled",
                max_length=10,
                verbose_name="status",
            ),
        ),
        migrations.RunPython(mark_done, migrations.RunPython.noop),
    ]
