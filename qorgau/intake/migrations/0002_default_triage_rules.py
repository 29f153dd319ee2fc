from django.db import migrations

from qorgau.intake.triage import DEFAULT_RULES


def forwards(apps, schema_editor):
    TriageRuleSet = apps.get_model("intake", "TriageRuleSet")
    if not TriageRuleSet.objects.exists():
        TriageRuleSet.objects.create(version=1, rules=DEFAULT_RULES, note="First version")


class Migration(migrations.Migration):
    dependencies = [("intake", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
