"""The glossary (docs/glossary.md) is the rule book of the catalogs: no Kazakh or Russian translation
uses a variant it lists to avoid, except where its table "Allowed in context" names the msgid."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
GLOSSARY = ROOT / "docs" / "glossary.md"
LOCALE = ROOT / "qorgau" / "locale"
AVOID_COLUMNS = {"kk": "Avoid in Kazakh", "ru": "Avoid in Russian"}


@dataclass(frozen=True)
class Variant:
    language: str
    text: str

    @property
    def pattern(self) -> re.Pattern[str]:
        stem = self.text.endswith("*")
        words = [re.escape(w) for w in self.text.rstrip("*").split()]
        body = r"\s+".join(words)
        tail = r"[\w-]*" if stem else r"(?![\w-])"
        return re.compile(rf"(?<![\w-]){body}{tail}", re.IGNORECASE)


def _tables(text: str) -> list[list[dict[str, str]]]:
    tables, rows, header = [], [], None
    for line in [*text.splitlines(), ""]:
        if not line.startswith("|"):
            if rows:
                tables.append(rows)
            rows, header = [], None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            header = cells
        elif not set("".join(cells)) <= set("-: "):
            rows.append(dict(zip(header, cells, strict=False)))
    return tables


def _glossary() -> tuple[list[Variant], set[tuple[str, str, str]]]:
    text = GLOSSARY.read_text(encoding="utf-8")
    variants, allowed = [], set()
    for rows in _tables(text):
        for row in rows:
            for language, column in AVOID_COLUMNS.items():
                for found in re.findall(r"`([^`]+)`", row.get(column, "")):
                    variants.append(Variant(language, found))
            if {"Language", "Variant", "msgid"} <= row.keys():
                for found in re.findall(r"`([^`]+)`", row["Variant"]):
                    allowed.add((row["Language"], found, row["msgid"]))
    return list(dict.fromkeys(variants)), allowed


def _offences(language: str, catalog: polib.POFile) -> list[str]:
    variants, allowed = _glossary()
    found = []
    for entry in catalog:
        if entry.obsolete:
            continue
        texts = [entry.msgstr, *entry.msgstr_plural.values()]
        for variant in (v for v in variants if v.language == language):
            if (language, variant.text, entry.msgid) in allowed:
                continue
            if any(variant.pattern.search(t) for t in texts):
                found.append(f"{variant.text!r} in {entry.msgid!r}")
    return found


def test_the_glossary_lists_variants_for_both_languages_and_the_core_terms():
    variants, allowed = _glossary()
    texts = {(v.language, v.text) for v in variants}
    assert ("kk", "жұмысқа ал*") in texts
    assert ("ru", "квитанци*") in texts
    assert ("kk", "жұмысқа ал*", "To hire") in allowed
    body = GLOSSARY.read_text(encoding="utf-8")
    for term in ("receipt code", "duty officer", "referral", "handover", "supervision", "triage"):
        assert f"| {term} |" in body


@pytest.mark.parametrize(
    ("variant", "text", "matches"),
    [
        ("жұмысқа ал*", "Кезекші қызметкер жұмысқа алды", True),
        ("жұмысқа ал*", "ЖҰМЫСҚА  АЛҒАН қызметкер", True),
        ("жұмысқа ал*", "Қарауға алу", False),
        ("spike", "Всплеск (spike)", True),
        ("spike", "spikes", False),
        ("возбужд*", "Возбуждено уголовное дело", True),
        ("возбужд*", "невозбуждение", False),
    ],
)
def test_a_variant_matches_from_the_start_of_a_word(variant, text, matches):
    assert bool(Variant("kk", variant).pattern.search(text)) is matches


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_no_translation_uses_a_variant_the_glossary_forbids(language):
    catalog = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))
    assert _offences(language, catalog) == []


def test_a_forbidden_variant_added_to_a_catalog_is_caught():
    catalog = polib.POFile()
    catalog.append(polib.POEntry(msgid="Take it", msgstr="Жұмысқа алу"))
    catalog.append(polib.POEntry(msgid="To hire", msgstr="Жұмысқа алу қажет"))
    assert _offences("kk", catalog) == ["'жұмысқа ал*' in 'Take it'"]
