from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qorgau.core import services
from qorgau.core.models import User


class Command(BaseCommand):
    help = (
        "Create a personal API bearer token for a member of staff and print it (shown only once)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--days", type=int, default=None, help="lifetime in days")
        parser.add_argument("--name", default="", help="what the token is for")

    def handle(
        self, *args: Any, username: str, days: int | None, name: str, **options: Any
    ) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user called {username!r}.")
        try:
            row, token = services.api_token_create(
                acting_user=None, user=user, name=name, days=days
            )
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(token)
        self.stderr.write(
            f"Token {row.prefix}… for {user.username} ({user.role}), "
            f"expires {row.expires_at:%Y-%m-%d}. Keep it secret: it is not shown again."
        )
