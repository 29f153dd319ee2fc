from __future__ import annotations

from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand


def catalog_files() -> list[Path]:
    files: list[Path] = []
    for locale_dir in settings.LOCALE_PATHS:
        files.extend(sorted(Path(locale_dir).glob("*/LC_MESSAGES/*.po")))
    return files


class Command(BaseCommand):
    help = "Compile the .po catalogs to .mo in pure Python (polib): no system gettext is needed."

    def handle(self, *args: Any, **options: Any) -> None:
        for po_path in catalog_files():
            catalog = polib.pofile(str(po_path))
            catalog.save_as_mofile(str(po_path.with_suffix(".mo")))
            self.stdout.write(
                f"{po_path.parent.parent.name}: {len(catalog.translated_entries())} translated, "
                f"{len(catalog.untranslated_entries())} untranslated"
            )
