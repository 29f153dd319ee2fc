from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from qorgau.core.phones import normalise_mobile
from qorgau.core.sms import SmsError, mask, send_sms

TEXT = "Qorgau: a test message from the SMS gateway. No action is needed."


class Command(BaseCommand):
    help = (
        "Send one test text message through the configured SMS gateway (QORGAU_SMS_BACKEND), to "
        "see that urgent alerts will reach a phone. Exits non-zero with the gateway's reason when "
        "the message was not accepted."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--to", required=True, help="a mobile number, e.g. '+7 701 123 45 67' or 87011234567"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            to = normalise_mobile(options["to"])
        except ValidationError as exc:
            raise CommandError(" ".join(str(m) for m in exc.messages)) from None
        try:
            message_id = send_sms(to, TEXT)
        except SmsError as exc:
            raise CommandError(f"Not sent ({settings.QORGAU_SMS_BACKEND}): {exc.reason}") from None
        self.stdout.write(
            f"Accepted for {mask(to)} by {settings.QORGAU_SMS_BACKEND}: message id {message_id}"
        )
