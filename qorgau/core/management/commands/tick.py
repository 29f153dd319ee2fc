from __future__ import annotations

import importlib
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand

from qorgau.core.audit_checkpoint import anchor_head


class Command(BaseCommand):
    help = (
        "The periodic work of every app (deadlines, missed check-ins, retention, spikes): idempotent, "
        "safe to run every minute and on several workers at once. Each app's `periodic.run()` is called, "
        "then a signed checkpoint of the audit log's head is appended outside the database."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="hand the tick to a background worker (the tasks queue) instead of running it here",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if options["enqueue"]:
            from qorgau.core.tasks import tick

            result = tick.enqueue()
            self.stdout.write(f"tick enqueued as task {result.id}")
            return
        for config in apps.get_app_configs():
            if not config.name.startswith("qorgau."):
                continue
            try:
                module = importlib.import_module(f"{config.name}.periodic")
            except ModuleNotFoundError:
                continue
            for line in module.run():
                self.stdout.write(f"{config.label}: {line}")
        # Last, so that the checkpoint covers what every app appended above.
        self.stdout.write(f"core: {anchor_head()}")
