"""The catalogs: complete in Kazakh and Russian, and the committed .mo files match the .po files."""

import ast
from pathlib import Path

import polib
import pytest

LOCALE = Path(__file__).resolve().parents[2] / "qorgau" / "locale"


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_every_message_is_translated(language):
    catalog = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    missing = [e.msgid for e in catalog.untranslated_entries()] + [
        e.msgid for e in catalog.fuzzy_entries()
    ]
    assert missing == []


@pytest.mark.parametrize("language", ["kk", "ru", "en"])
def test_the_compiled_catalog_is_in_sync(language):
    po = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    mo = polib.mofile(str(LOCALE / language / "LC_MESSAGES" / "django.mo"))

    def table(catalog) -> dict:
        return {
            (e.msgctxt, e.msgid): (e.msgstr, tuple(sorted(e.msgstr_plural.items())))
            for e in catalog
            if e.msgid
            and (e.msgstr or any(e.msgstr_plural.values()))
            and not getattr(e, "fuzzy", False)
            and not e.obsolete
        }

    assert table(mo) == table(po), "run `make messages` (or manage.py compile_catalogs) and commit"


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_placeholders_survive_translation(language):
    import re

    catalog = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    for entry in catalog.translated_entries():
        names = set(re.findall(r"%\((\w+)\)", entry.msgid))
        assert (
            set(
                re.findall(
                    r"%\((\w+)\)", entry.msgstr or next(iter(entry.msgstr_plural.values()), "")
                )
            )
            == names
        ), entry.msgid


def test_every_context_is_a_literal_makemessages_can_read():
    """xgettext reads pgettext's context only when it is a string literal: a context held in a
    variable loses its msgids at the next makemessages (and the page falls back to English)."""
    names = {"pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}
    found = []
    for path in LOCALE.parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            first = node.args[0]
            if name in names and not (
                isinstance(first, ast.Constant) and isinstance(first.value, str)
            ):
                found.append(f"{path.name}:{node.lineno}")
    assert found == []
