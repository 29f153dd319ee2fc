from __future__ import annotations

import importlib
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "The periodic work of every app (deadlines, missed check-ins, retention, spikes): idempotent, "
        "safe to run every minute and on several workers at once. Each app's `periodic.run()` is called."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        for config in apps.get_app_configs():
            if not config.name.startswith("qorgau."):
                continue
            try:
                module = importlib.import_module(f"{config.name}.periodic")
            except ModuleNotFoundError:
                continue
            for line in module.run():
                self.stdout.write(f"{config.label}: {line}")
