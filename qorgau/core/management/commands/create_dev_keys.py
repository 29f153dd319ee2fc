from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from qorgau.core.keys import generate_master_key


def write_secret(path: Path, value: str) -> bool:
    """Write a secret file readable by its owner only, unless it exists; True if written."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.touch(mode=0o600)
    path.write_text(value + "\n", encoding="utf-8")
    return True


class Command(BaseCommand):
    help = (
        "For development: write a master key, a lookup key and a secret key into var/ if they are "
        "not there (make run uses them through QORGAU_MASTER_KEY_FILE, QORGAU_LOOKUP_KEY_FILE and "
        "SECRET_KEY_FILE). Never overwrites."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        var = Path(settings.VAR_DIR)
        for name, value in [
            ("master.key", generate_master_key()),
            ("lookup.key", generate_master_key()),
            ("secret.key", secrets.token_urlsafe(50)),
        ]:
            written = write_secret(var / name, value)
            self.stdout.write(f"{'created' if written else 'kept'} {var / name}")
