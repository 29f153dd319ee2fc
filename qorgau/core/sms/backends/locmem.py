"""Tests: every message is appended to `qorgau.core.sms.outbox` (objects with `.to` and `.text`)."""

from __future__ import annotations

from qorgau.core import sms
from qorgau.core.sms import SmsMessage
from qorgau.core.sms.backends.base import BaseSmsBackend


class SmsBackend(BaseSmsBackend):
    def send(self, message: SmsMessage) -> str:
        sms.outbox.append(message)
        return f"locmem-{len(sms.outbox)}"
