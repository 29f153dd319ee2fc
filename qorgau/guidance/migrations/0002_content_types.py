"""The content types of the moved models follow them: `prevention.guidancepage` becomes
`guidance.guidancepage` (and the version), keeping its id, so that the permissions, admin log entries
and anything else that names the content type keep pointing at the same row.

A fresh installation has no content types yet when this runs (Django creates them after `migrate`):
then there is nothing to do. Where both already exist (the guidance app's were created by a `migrate`
that stopped before this migration), what was given through the new ones moves onto the old ones and
the new ones go.
"""

from django.conf import settings
from django.db import migrations

MODELS = ("guidancepage", "guidanceversion")


def forwards(apps, schema_editor):
    move_content_types(apps, schema_editor.connection.alias, old="prevention", new="guidance")


def backwards(apps, schema_editor):
    move_content_types(apps, schema_editor.connection.alias, old="guidance", new="prevention")


def move_content_types(apps, db, *, old, new):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    LogEntry = apps.get_model("admin", "LogEntry")
    User = apps.get_model(*settings.AUTH_USER_MODEL.split("."))
    # who was given a permission: (the many-to-many table, its column naming the group or user)
    given = [
        (apps.get_model("auth", "Group").permissions.through, "group_id"),
        (User.user_permissions.through, "user_id"),
    ]
    types = ContentType.objects.using(db)
    for model in MODELS:
        kept = types.filter(app_label=old, model=model).first()
        if kept is None:
            continue
        duplicate = types.filter(app_label=new, model=model).first()
        if duplicate is not None:
            for permission in Permission.objects.using(db).filter(content_type=duplicate):
                same = (
                    Permission.objects.using(db)
                    .filter(content_type=kept, codename=permission.codename)
                    .first()
                )
                if same is None:
                    permission.content_type = kept
                    permission.save(update_fields=["content_type"])
                    continue
                for table, owner in given:
                    for row in table.objects.using(db).filter(permission=permission):
                        table.objects.using(db).get_or_create(
                            permission=same, **{owner: getattr(row, owner)}
                        )
            LogEntry.objects.using(db).filter(content_type=duplicate).update(content_type=kept)
            duplicate.delete()
        kept.app_label = new
        kept.save(update_fields=["app_label"])


class Migration(migrations.Migration):
    dependencies = [
        ("guidance", "0001_initial"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
