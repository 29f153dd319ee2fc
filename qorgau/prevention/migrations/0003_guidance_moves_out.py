"""The guidance pages are the guidance app's now (guidance migration 0001): they leave this app's
migration state; their tables stay as they are, under the guidance app's models."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("prevention", "0002_first_guidance"),
        ("guidance", "0001_initial"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name="GuidanceVersion"),
                migrations.DeleteModel(name="GuidancePage"),
            ],
        ),
    ]
