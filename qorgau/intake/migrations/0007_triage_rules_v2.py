"""Publish the triage rules of issue 20 (lexicons, signals, negation and the past, self-harm in any
category, age from the text) as the next version, unless the newest version already is them.

An installation whose administrator published its own version gets the shipped rules on top of
it, as a new version: the older versions stay in the history, to carry local changes over by hand.
A child's safety cannot wait on a merge of rule sets."""

from django.db import migrations

from qorgau.intake.triage_rules import DEFAULT_RULES


def forwards(apps, schema_editor):
    TriageRuleSet = apps.get_model("intake", "TriageRuleSet")
    latest = TriageRuleSet.objects.order_by("-version").first()
    if latest is not None and latest.rules == DEFAULT_RULES:
        return
    TriageRuleSet.objects.create(
        version=(latest.version + 1) if latest else 1,
        rules=DEFAULT_RULES,
        note="Shipped rules of issue 20: lexicons, signals, negation and the past, self-harm",
    )


class Migration(migrations.Migration):
    dependencies = [("intake", "0006_text_language")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
