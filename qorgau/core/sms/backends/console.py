"""Development: every message is written to a stream (standard output unless told otherwise)."""

from __future__ import annotations

import sys
import threading
import uuid
from typing import Any, TextIO

from qorgau.core.sms import SmsMessage
from qorgau.core.sms.backends.base import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    def __init__(self, *, stream: TextIO | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.stream = stream or sys.stdout
        self._lock = threading.RLock()

    @staticmethod
    def render(message: SmsMessage, message_id: str) -> str:
        return f"SMS {message_id}\nTo: {message.to}\n\n{message.text}\n{'-' * 79}\n"

    def send(self, message: SmsMessage) -> str:
        message_id = f"local-{uuid.uuid4().hex[:12]}"
        with self._lock:
            self.stream.write(self.render(message, message_id))
            self.stream.flush()
        return message_id
