"""The guidance models moved from the prevention app without their rows moving; their content types
follow them (guidance migration 0002), so that the permissions given on them stay given."""

from importlib import import_module

import pytest
from django.apps import apps
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from qorgau.guidance.models import GuidancePage, GuidanceVersion

pytestmark = pytest.mark.django_db

migration = import_module("qorgau.guidance.migrations.0002_content_types")


@pytest.fixture(autouse=True)
def _fresh_content_type_cache():
    ContentType.objects.clear_cache()
    yield
    ContentType.objects.clear_cache()


def test_the_tables_keep_their_names():
    assert GuidancePage._meta.db_table == "prevention_guidancepage"
    assert GuidanceVersion._meta.db_table == "prevention_guidanceversion"
    assert {"prevention_guidancepage", "prevention_guidanceversion"} <= set(
        connection.introspection.table_names()
    )


def old_content_type(model):
    """The content type an installation from before the move has (the new app's not created yet)."""
    ContentType.objects.filter(app_label="guidance", model=model).delete()
    old = ContentType.objects.create(app_label="prevention", model=model)
    permission = Permission.objects.create(
        content_type=old, codename=f"change_{model}", name=f"Can change {model}"
    )
    return old, permission


def test_an_installation_from_before_keeps_its_content_types_and_permissions():
    old, permission = old_content_type("guidanceversion")
    editors = Group.objects.create(name="editors")
    editors.permissions.add(permission)
    migration.forwards(apps, connection.schema_editor())
    ContentType.objects.clear_cache()
    moved = ContentType.objects.get_for_model(GuidanceVersion)
    assert moved.pk == old.pk and moved.app_label == "guidance"
    assert not ContentType.objects.filter(app_label="prevention", model="guidanceversion").exists()
    assert list(editors.permissions.all()) == [permission]


def test_where_both_exist_what_was_given_on_the_new_one_moves_to_the_old_one(admin_user):
    new = ContentType.objects.get(app_label="guidance", model="guidancepage")
    given_on_new = Permission.objects.get(content_type=new, codename="view_guidancepage")
    only_on_new = Permission.objects.get(content_type=new, codename="delete_guidancepage")
    old = ContentType.objects.create(app_label="prevention", model="guidancepage")
    same_on_old = Permission.objects.create(
        content_type=old, codename="view_guidancepage", name="Can view guidance page"
    )
    readers = Group.objects.create(name="readers")
    readers.permissions.add(given_on_new, only_on_new)
    admin_user.user_permissions.add(given_on_new)
    migration.forwards(apps, connection.schema_editor())
    ContentType.objects.clear_cache()
    kept = ContentType.objects.get_for_model(GuidancePage)
    assert kept.pk == old.pk
    assert not ContentType.objects.filter(pk=new.pk).exists()
    assert set(readers.permissions.all()) == {same_on_old, only_on_new}
    assert Permission.objects.get(pk=only_on_new.pk).content_type_id == old.pk
    assert list(admin_user.user_permissions.all()) == [same_on_old]


def test_a_fresh_installation_has_nothing_to_move():
    before = list(ContentType.objects.values_list("pk", "app_label", "model").order_by("pk"))
    migration.forwards(apps, connection.schema_editor())
    after = list(ContentType.objects.values_list("pk", "app_label", "model").order_by("pk"))
    assert after == before


# --- 0003: the corrected kk/ru pages (issue 21) -------------------------------------------------

child_words = import_module("qorgau.guidance.migrations.0003_child_words")


def first_version(slug, language, body):
    """A page as an installation from before has it: one published version with `body`."""
    page = GuidancePage.objects.get(slug=slug)
    GuidanceVersion.objects.filter(page=page, language=language).delete()
    return GuidanceVersion.objects.create(
        page=page,
        language=language,
        number=1,
        title="old",
        body_markdown=body,
        body_html=f"<p>{body}</p>",
        status="published",
    )


def test_an_unedited_page_gets_the_corrected_text_as_its_next_version(guidance, monkeypatch):
    old = first_version("pictures", "kk", "Саған қорқытса да, енді ештеңе жіберме.\n")
    monkeypatch.setattr(
        child_words, "FIRST_SHIPPED", {("pictures", "kk"): child_words.digest(old.body_markdown)}
    )
    child_words.publish_corrections(apps, connection.schema_editor())
    versions = GuidanceVersion.objects.filter(page=old.page, language="kk").order_by("number")
    assert [(v.number, v.status) for v in versions] == [(1, "superseded"), (2, "published")]
    new = versions.last()
    assert "Сені қорқытса да" in new.body_markdown and "Саған қорқытса" not in new.body_markdown
    assert "лақап аты" in new.body_html and "никі" not in new.body_html
    child_words.publish_corrections(apps, connection.schema_editor())  # again: nothing new
    assert GuidanceVersion.objects.filter(page=old.page, language="kk").count() == 2


def test_a_page_an_editor_changed_keeps_the_editors_words(guidance, monkeypatch):
    edited = first_version("blackmail", "ru", "Текст, который написал редактор.\n")
    monkeypatch.setattr(child_words, "FIRST_SHIPPED", {("blackmail", "ru"): "0" * 64})
    child_words.publish_corrections(apps, connection.schema_editor())
    published = GuidanceVersion.objects.get(page=edited.page, language="ru", status="published")
    assert published.pk == edited.pk and published.body_markdown == edited.body_markdown
