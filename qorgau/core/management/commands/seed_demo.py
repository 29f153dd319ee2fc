from __future__ import annotations

import importlib
import random
import secrets
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from qorgau.core.demo import (
    DEMO_USERS,
    demo_authenticators_ensure,
    demo_duty_start,
    demo_logins_path,
    seed_core,
)
from qorgau.core.models import User

SECOND_STEP_HINT = (
    "then the sign-in code: `make demo-code LOGIN=analyst` "
    "(or `manage.py demo_otp analyst` with DEBUG=true)"
)


class Command(BaseCommand):
    help = (
        "Make clearly synthetic demo data in every app, and one user per role with a random "
        "password, printed and written to var/demo-logins.txt. Run again, it keeps what exists."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic data")
        parser.add_argument(
            "--reset-passwords", action="store_true", help="give every demo user a new password"
        )

    def handle(self, *args: Any, seed: int, reset_passwords: bool, **options: Any) -> None:
        path = demo_logins_path()
        existing = set(
            User.objects.filter(username__in=[u.username for u in DEMO_USERS]).values_list(
                "username", flat=True
            )
        )
        complete = len(existing) == len(DEMO_USERS) and path.exists()
        if complete and not reset_passwords:
            demo_authenticators_ensure(
                list(User.objects.filter(username__in=[u.username for u in DEMO_USERS]))
            )
            self.stdout.write(f"Demo data is already there; the logins are in {path}:")
            self.stdout.write(path.read_text(encoding="utf-8"))
            self.stdout.write(f"# {SECOND_STEP_HINT}")
            return
        passwords = {u.username: secrets.token_urlsafe(12) for u in DEMO_USERS}
        with transaction.atomic():
            seed_core(rng=random.Random(seed), passwords=passwords)  # noqa: S311 (synthetic data)
        extra = self.seed_apps(seed)
        demo_duty_start()
        lines = [
            "# Qorgau demo logins (synthetic people; development only)",
            "# sign in at http://127.0.0.1:8000/staff/login/",
            f"# {SECOND_STEP_HINT}",
        ]
        for demo in DEMO_USERS:
            lines.append(f"{demo.username:<12} {passwords[demo.username]:<20} {demo.describe()}")
        lines.extend(extra)
        text = "\n".join(lines) + "\n"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600)
        path.write_text(text, encoding="utf-8")
        self.stdout.write(f"Demo data created; the logins are in {path}:")
        self.stdout.write(text)

    def seed_apps(self, seed: int) -> list[str]:
        """Each app's `demo.seed(rng)` (idempotent), in dependency order; returns lines for the file."""
        lines: list[str] = []
        for config in apps.get_app_configs():
            if not config.name.startswith("qorgau.") or config.label == "core":
                continue
            try:
                module = importlib.import_module(f"{config.name}.demo")
            except ModuleNotFoundError:
                continue
            rng = random.Random(f"{seed}:{config.label}")  # noqa: S311 (synthetic data)
            lines.extend(module.seed(rng=rng))
        return lines
