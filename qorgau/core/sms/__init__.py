"""Text messages (SMS) to staff through a pluggable gateway, the way django.core.mail sends e-mail.

`send_sms(to, text)` hands one message to the backend that QORGAU_SMS_BACKEND names: the console
in development, one file per message in var/sms/ under `make run`, a list in memory in the tests,
Mobizon's HTTP API in production (qorgau/core/sms/backends/). Every failure to hand a message over
(HTTP 5xx, a timeout, a refused connection, an error code of the provider) is one exception,
`SmsError`, whose reason names neither the number, nor the text, nor the credentials: the task that
sends an alert lets it propagate and is retried with backoff.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.utils.module_loading import import_string

if TYPE_CHECKING:
    from qorgau.core.sms.backends.base import BaseSmsBackend

logger = logging.getLogger(__name__)

# What a backend is handed: a number in international (E.164) form, as qorgau.core.phones stores it.
E164 = re.compile(r"\+[1-9][0-9]{6,14}")


class SmsError(Exception):
    """A message was not handed over. `reason` is short and names nothing personal ("HTTP 503",
    "timeout", "provider code 1: ..."); `retryable` is False where trying again cannot help (a
    malformed number, a missing setting, the provider refusing the message itself)."""

    def __init__(self, reason: str, *, retryable: bool = True) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable


class SmsMessage:
    """One text message. Its repr masks the number and leaves the text out, so that a traceback or
    a log line that shows it carries neither."""

    __slots__ = ("text", "to")

    def __init__(self, to: str, text: str) -> None:
        self.to = to
        self.text = text

    def __repr__(self) -> str:
        return f"<SmsMessage to {mask(self.to)}, {len(self.text)} characters>"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, SmsMessage):
            return NotImplemented
        return (self.to, self.text) == (other.to, other.text)

    def __hash__(self) -> int:
        return hash((self.to, self.text))


# The messages the locmem backend "sent" (qorgau.core.sms.backends.locmem), for tests; the test
# suite empties it before every test (tests/conftest.py).
outbox: list[SmsMessage] = []


def mask(number: str) -> str:
    """A number as logs may show it: its last two digits only."""
    digits = "".join(ch for ch in number if ch.isdigit())
    return f"***{digits[-2:]}" if len(digits) > 2 else "***"


def get_backend(path: str | None = None, **kwargs: Any) -> BaseSmsBackend:
    """An instance of the backend at `path` (default: QORGAU_SMS_BACKEND), given `kwargs`."""
    backend_class = import_string(path or settings.QORGAU_SMS_BACKEND)
    backend: BaseSmsBackend = backend_class(**kwargs)
    return backend


def send_sms(to: str, text: str, *, fail_silently: bool = False) -> str:
    """Hand one message to the configured gateway; the provider's message id (or the local
    backend's own id). `to` is a number in E.164 form (`+77011234567`). Raises SmsError unless
    `fail_silently`, which logs the reason (and two digits of the number) and returns ""."""
    try:
        if not E164.fullmatch(to):
            raise SmsError("the recipient is not a number in E.164 form", retryable=False)
        if not text.strip():
            raise SmsError("the text is empty", retryable=False)
        message_id = get_backend().send(SmsMessage(to, text))
    except SmsError as exc:
        if not fail_silently:
            raise
        logger.warning("SMS to %s not sent: %s", mask(to), exc.reason)
        return ""
    logger.info("SMS to %s handed over, id %s", mask(to), message_id)
    return message_id
