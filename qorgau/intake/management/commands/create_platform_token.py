from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qorgau.intake import services


class Command(BaseCommand):
    help = (
        "Create a token for an online platform (the platform is created if new) and print it: "
        "it is shown only once. Revoke it in the admin."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("name", help="the platform's name")

    def handle(self, *args: Any, name: str, **options: Any) -> None:
        if not name.strip():
            raise CommandError("Give the platform's name.")
        row, token = services.platform_token_create(acting_user=None, platform_name=name)
        self.stdout.write(token)
        self.stderr.write(
            f"Token {row.prefix}… for platform {row.platform.name!r}. Keep it secret: "
            "it is not shown again."
        )
