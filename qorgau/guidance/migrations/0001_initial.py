"""The guidance pages move here from the prevention app: in the migration state only.

Their tables keep their names (`db_table`), so no row is copied and no table renamed; prevention
migration 0003 removes the models from the prevention app's state once they are here.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        # the tables are created, and the shipped pages loaded, by the prevention app's migrations
        ("prevention", "0002_first_guidance"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name="GuidancePage",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now,
                                editable=False,
                                verbose_name="created",
                            ),
                        ),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                        (
                            "slug",
                            models.CharField(
                                choices=[
                                    ("pictures", "If someone online asks you for pictures"),
                                    ("blackmail", "If you are being blackmailed"),
                                    ("rights", "Your rights as a victim"),
                                    ("parents", "For parents"),
                                    ("teachers", "For teachers"),
                                ],
                                max_length=16,
                                unique=True,
                                verbose_name="page",
                            ),
                        ),
                        (
                            "position",
                            models.PositiveSmallIntegerField(default=0, verbose_name="position"),
                        ),
                    ],
                    options={
                        "db_table": "prevention_guidancepage",
                        "verbose_name": "guidance page",
                        "verbose_name_plural": "guidance pages",
                        "ordering": ["position", "slug"],
                    },
                ),
                migrations.CreateModel(
                    name="GuidanceVersion",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "created_at",
                            models.DateTimeField(
                                default=django.utils.timezone.now,
                                editable=False,
                                verbose_name="created",
                            ),
                        ),
                        ("updated_at", models.DateTimeField(auto_now=True, verbose_name="updated")),
                        (
                            "language",
                            models.CharField(
                                choices=[("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")],
                                max_length=2,
                                verbose_name="language",
                            ),
                        ),
                        ("number", models.PositiveIntegerField(verbose_name="version")),
                        ("title", models.CharField(max_length=200, verbose_name="title")),
                        (
                            "summary",
                            models.CharField(
                                blank=True, max_length=300, verbose_name="one line about the page"
                            ),
                        ),
                        ("body_markdown", models.TextField(verbose_name="text (Markdown)")),
                        ("body_html", models.TextField(editable=False)),
                        (
                            "status",
                            models.CharField(
                                choices=[
                                    ("draft", "Draft"),
                                    ("published", "Published"),
                                    ("superseded", "Replaced by a newer version"),
                                ],
                                default="draft",
                                max_length=10,
                                verbose_name="status",
                            ),
                        ),
                        (
                            "published_at",
                            models.DateTimeField(blank=True, null=True, verbose_name="published"),
                        ),
                        (
                            "created_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "page",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="versions",
                                to="guidance.guidancepage",
                            ),
                        ),
                        (
                            "published_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.PROTECT,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "prevention_guidanceversion",
                        "verbose_name": "guidance version",
                        "verbose_name_plural": "guidance versions",
                        "ordering": ["page__position", "language", "-number"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("page", "language", "number"),
                                name="prevention_guidance_number_once",
                            ),
                            models.UniqueConstraint(
                                condition=models.Q(("status", "published")),
                                fields=("page", "language"),
                                name="prevention_guidance_one_published",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("status__in", ["draft", "published", "superseded"])
                                ),
                                name="prevention_guidance_status_valid",
                            ),
                        ],
                    },
                ),
            ],
        ),
    ]
