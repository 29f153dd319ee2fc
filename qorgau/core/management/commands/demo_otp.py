from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import TOTP

from qorgau.core.demo import DEMO_USERS
from qorgau.core.models import StaffTOTPDevice


class Command(BaseCommand):
    help = (
        "Development only (DEBUG=true): print the current sign-in code of a demo user, as their "
        "authenticator app would show it. Refused in production and for anyone but the demo users."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username", help="a demo login from var/demo-logins.txt")

    def handle(self, *args: Any, username: str, **options: Any) -> None:
        if not settings.DEBUG:
            raise CommandError(
                "demo_otp works only with DEBUG=true: in production every person has their own "
                "authenticator app, and nobody can read their codes."
            )
        if username not in {demo.username for demo in DEMO_USERS}:
            raise CommandError(f"{username!r} is not a demo user (see var/demo-logins.txt).")
        device = StaffTOTPDevice.objects.filter(
            user__username=username, confirmed=True, name="demo authenticator"
        ).first()
        if device is None:
            raise CommandError(
                f"{username!r} has no demo authenticator (it was reset, or set up with a real app): "
                "run `manage.py seed_demo` again, or sign in with the app you set up."
            )
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        totp.time = time.time()
        seconds_left = device.step - int(totp.time - device.t0) % device.step
        self.stdout.write(f"{totp.token():0{device.digits}d}")
        self.stderr.write(f"sign-in code of {username}, valid for {seconds_left} more seconds")
