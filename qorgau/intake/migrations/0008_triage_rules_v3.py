"""Publish the shipped triage rules again as the next version, unless the newest version already
is them (`_publish`; issue 20, after the final blind set): threats to hurt and ultimatums ("у тебя
3 дня"), abuse that goes on whatever the category, an adult asking to undress under "something
else", a picture sexual for a young child only by what it shows, and the words children use for a
camera, a yard or a playground."""

from django.db import migrations

from qorgau.intake.migrations._publish import publish_shipped_rules


def forwards(apps, schema_editor):
    publish_shipped_rules(
        apps,
        "Shipped rules of issue 20, after the final blind set: threats to hurt, ultimatums, abuse "
        "going on in any category, undressing, a child's words for a camera or a yard",
    )


class Migration(migrations.Migration):
    dependencies = [("intake", "0007_triage_rules_v2")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
