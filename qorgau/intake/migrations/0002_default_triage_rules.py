from django.db import migrations

from qorgau.intake.migrations._triage_rules_v1 import RULES_V1


def forwards(apps, schema_editor):
    TriageRuleSet = apps.get_model("intake", "TriageRuleSet")
    if not TriageRuleSet.objects.exists():
        TriageRuleSet.objects.create(version=1, rules=RULES_V1, note="First version")


class Migration(migrations.Migration):
    dependencies = [("intake", "0001_initial")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
