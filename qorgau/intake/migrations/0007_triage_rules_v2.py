"""Publish the triage rules of issue 20 (lexicons, signals, negation and the past, self-harm in any
category, age from the text) as the next version, unless the newest version already is them
(`_publish`)."""

from django.db import migrations

from qorgau.intake.migrations._publish import publish_shipped_rules


def forwards(apps, schema_editor):
    publish_shipped_rules(
        apps, "Shipped rules of issue 20: lexicons, signals, negation and the past, self-harm"
    )


class Migration(migrations.Migration):
    dependencies = [("intake", "0006_text_language")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
