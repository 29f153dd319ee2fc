from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("testapp", "0001_initial")]

    operations = [
        migrations.AddField(
            model_name="dossier",
            name="status",
            field=models.CharField(default="open", max_length=20),
        ),
        migrations.AddField(
            model_name="dossier",
            name="status_changed_at",
            field=models.DateTimeField(blank=True, null=True),
        ),
    ]
