"""Static-99R's age item is computed from the date of birth at the assessment date, not chosen.

The stored instrument gets the new item definition (`derived`, the options' `min_age`). Assessments
already saved keep their answers, total and level as the clinician signed them: they are not
rescored; the person's page says where a stored age answer disagrees with the date of birth.
"""

from django.db import migrations

from qorgau.offenders.instruments import STATIC_99R


def forwards(apps, schema_editor):
    RiskInstrument = apps.get_model("offenders", "RiskInstrument")
    RiskInstrument.objects.filter(code=STATIC_99R["code"]).update(items=STATIC_99R["items"])


class Migration(migrations.Migration):
    dependencies = [("offenders", "0003_examination_status")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
