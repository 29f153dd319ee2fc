from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from qorgau.core import selectors, services
from qorgau.core.enums import Role
from qorgau.core.models import User


class Command(BaseCommand):
    help = (
        "Create a member of staff as the system, active at once (for the operator on the server: "
        "the first security officer or second administrator of a new installation). Every other "
        "account is made in /admin/ and waits for a second person's approval. The password is "
        "set afterwards with `manage.py changepassword USERNAME`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=Role.values)
        parser.add_argument("--region", default="", help="region code (KZ-75) for regional roles")
        parser.add_argument("--full-name", default="")
        parser.add_argument("--gender", default="", choices=["", "f", "m"])
        parser.add_argument("--email", default="")
        parser.add_argument(
            "--mobile",
            default="",
            help="for urgent alerts by SMS: a mobile number, +7 701 123 45 67",
        )

    def handle(
        self,
        *args: Any,
        username: str,
        role: str,
        region: str,
        full_name: str,
        gender: str,
        email: str = "",
        mobile: str = "",
        **options: Any,
    ) -> None:
        if User.objects.filter(username=username).exists():
            raise CommandError(f"There is already a user called {username!r}.")
        found = selectors.region_get_by_code(code=region) if region else None
        if region and found is None:
            raise CommandError(f"No region has the code {region!r}.")
        try:
            user = services.user_create(
                acting_user=None,
                username=username,
                role=role,
                password=None,
                region=found,
                gender=gender,
                full_name=full_name,
                email=email,
                mobile=mobile,
            )
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        self.stdout.write(
            f"Created {user.username} ({user.role}). Set the password: "
            f"manage.py changepassword {user.username}"
        )
