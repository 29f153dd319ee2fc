"""The programme's decision as the first policy version: sexual-offence articles go to female
prosecutors, from the day Qorgau is installed; male prosecutors hand over within 7 days."""

from django.db import migrations
from django.utils import timezone


def forwards(apps, schema_editor):
    AssignmentPolicy = apps.get_model("cases", "AssignmentPolicy")
    CriminalArticle = apps.get_model("core", "CriminalArticle")
    if AssignmentPolicy.objects.exists():
        return
    policy = AssignmentPolicy.objects.create(
        version=1,
        eligible_genders=["f"],
        honour_victim_preference=True,
        effective_from=timezone.localdate(),
        handover_days=7,
        auto_reassign=False,
        note="The programme's decision (default)",
    )
    policy.articles.set(CriminalArticle.objects.filter(covered_by_default=True))


class Migration(migrations.Migration):
    dependencies = [("cases", "0001_initial"), ("core", "0002_reference_data")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
