"""What every SMS backend is: something that hands one message over and says its id."""

from __future__ import annotations

from typing import Any

from qorgau.core.sms import SmsMessage


class BaseSmsBackend:
    """Subclasses implement `send`. Keyword arguments a backend does not know are ignored, as
    django.core.mail's backends do, so that a caller may pass settings meant for another one."""

    def __init__(self, **kwargs: Any) -> None:
        pass

    def send(self, message: SmsMessage) -> str:
        """Hand `message` over; its id. Raises qorgau.core.sms.SmsError when it was not."""
        raise NotImplementedError("subclasses of BaseSmsBackend must override send()")
