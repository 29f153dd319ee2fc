"""Who registered each case: an analyst sees the cases they registered (CASE_VISIBILITY). Cases
registered before are given the actor of their "created" event."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


def backfill(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    CaseEvent = apps.get_model("cases", "CaseEvent")
    created = CaseEvent.objects.filter(kind="created", actor__isnull=False).values_list(
        "case_id", "actor_id"
    )
    for case_id, actor_id in created.iterator():
        Case.objects.filter(pk=case_id, registered_by__isnull=True).update(registered_by=actor_id)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_dashboard_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="registered_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
