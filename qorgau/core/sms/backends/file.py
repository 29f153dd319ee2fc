"""`make run`: one file per message in QORGAU_SMS_FILE_PATH (default var/sms/), like Django's
file-based e-mail backend does in EMAIL_FILE_PATH."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from qorgau.core.sms import SmsError, SmsMessage
from qorgau.core.sms.backends.console import SmsBackend as ConsoleBackend


class SmsBackend(ConsoleBackend):
    def __init__(self, *, file_path: str | Path | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.file_path = Path(file_path or settings.QORGAU_SMS_FILE_PATH).expanduser()
        if self.file_path.exists() and not self.file_path.is_dir():
            raise ImproperlyConfigured(
                f"QORGAU_SMS_FILE_PATH: {self.file_path} exists and is not a directory."
            )

    def send(self, message: SmsMessage) -> str:
        message_id = f"local-{uuid.uuid4().hex[:12]}"
        stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S")
        try:
            self.file_path.mkdir(parents=True, exist_ok=True)
            with (self.file_path / f"{stamp}-{message_id}.txt").open("x", encoding="utf-8") as f:
                f.write(self.render(message, message_id))
        except OSError as exc:
            raise SmsError(f"cannot write to QORGAU_SMS_FILE_PATH ({exc.strerror})") from None
        return message_id
