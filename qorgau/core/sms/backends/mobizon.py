"""Production: Mobizon (mobizon.kz), a Kazakh SMS provider, through its HTTP API.

The protocol, as Mobizon documents it (help.mobizon.com/help/api-docs, module Message, method
SendSmsMessage) and its own client sends it (github.com/mobizon/mobizon-php, src/MobizonApi.php):

    POST {QORGAU_SMS_URL}/service/message/sendsmsmessage?output=json&api=v1&apiKey=KEY
    Content-Type: application/x-www-form-urlencoded
    recipient=77011234567&text=...&from=SENDER          (recipient: digits only, no plus)

    {"code": 0, "data": {"campaignId": ..., "messageId": ..., "status": ...}, "message": ""}

Code 0 is success (Mobizon's client also takes 100, "accepted, done in the background"); any other
code is an error, with `message` saying why (and, for code 1, `data` naming the fields refused).
QORGAU_SMS_URL is the account's API server, which depends on where it was registered
(https://api.mobizon.kz for Kazakhstan). The key travels in the query string, as the protocol
wants: it is never logged here and never put in an error.
"""

from __future__ import annotations

import http.client
import json
import re
import urllib.request
from typing import Any
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode, urlsplit

from django.conf import settings

from qorgau.core.sms import SmsError, SmsMessage
from qorgau.core.sms.backends.base import BaseSmsBackend

PATH = "/service/message/sendsmsmessage"
API_VERSION = "v1"
SUCCESS_CODES = {0, 100}
# Provider codes where sending the same message again cannot succeed: the data was refused (1),
# a parameter breaks a restriction (12).
PERMANENT_CODES = {1, 12}
MAX_ANSWER_BYTES = 64 * 1024
# A provider's message may quote what it refused (the number, say): it goes into an error cut short,
# the key and the number taken out and every other run of three digits or more masked.
_DIGITS = re.compile(r"\d{3,}")


class _RefuseRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is an error: following one would send the message (and the key) elsewhere."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_RefuseRedirects)


def _safe(text: object, *secrets: str) -> str:
    value = str(text or "")
    for secret in secrets:
        if secret:
            value = value.replace(secret, "…")
    value = _DIGITS.sub("…", value)
    value = " ".join(value.split())
    return value[:100]


class SmsBackend(BaseSmsBackend):
    def __init__(
        self,
        *,
        url: str | None = None,
        api_key: str | None = None,
        sender: str | None = None,
        timeout: float | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.url = (url if url is not None else settings.QORGAU_SMS_URL or "").rstrip("/")
        self.api_key = api_key if api_key is not None else settings.QORGAU_SMS_API_KEY or ""
        self.sender = sender if sender is not None else settings.QORGAU_SMS_SENDER or ""
        self.timeout = timeout if timeout is not None else settings.QORGAU_SMS_TIMEOUT

    def send(self, message: SmsMessage) -> str:
        if not self.url or not self.api_key:
            raise SmsError(
                "the gateway is not configured (QORGAU_SMS_URL, QORGAU_SMS_API_KEY)",
                retryable=False,
            )
        if urlsplit(self.url).scheme not in {"http", "https"}:
            raise SmsError("QORGAU_SMS_URL is not an http(s) address", retryable=False)
        recipient = message.to.lstrip("+")
        fields = {"recipient": recipient, "text": message.text}
        if self.sender:
            fields["from"] = self.sender
        query = urlencode({"output": "json", "api": API_VERSION, "apiKey": self.api_key})
        request = urllib.request.Request(  # noqa: S310  (the scheme is checked above)
            f"{self.url}{PATH}?{query}",
            data=urlencode(fields).encode("utf-8"),
            method="POST",
            headers={
                "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
                "Accept": "application/json",
                "User-Agent": "Qorgau",
            },
        )
        status, body = self._post(request)
        return self._answer(status, body, recipient)

    def _post(self, request: urllib.request.Request) -> tuple[int, bytes]:
        """The status and body of the answer; every failure to get one is an SmsError, raised
        `from None`: urllib's own exceptions hold the address, and with it the key."""
        try:
            try:
                with _opener.open(request, timeout=self.timeout) as response:
                    return response.status, response.read(MAX_ANSWER_BYTES)
            except HTTPError as exc:
                with exc:
                    return exc.code, exc.read(MAX_ANSWER_BYTES)
        except TimeoutError:
            raise SmsError("timeout") from None
        except URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise SmsError("timeout") from None
            reason = type(exc.reason).__name__ if isinstance(exc.reason, OSError) else "URLError"
            raise SmsError(f"connection failed ({reason})") from None
        except (OSError, http.client.HTTPException) as exc:
            raise SmsError(f"connection failed ({type(exc).__name__})") from None

    def _answer(self, status: int, body: bytes, recipient: str) -> str:
        if status >= 500:
            raise SmsError(f"HTTP {status}")
        try:
            answer = json.loads(body.decode("utf-8"))
            code = int(answer["code"])
        except (ValueError, KeyError, TypeError, UnicodeDecodeError):
            if not 200 <= status < 300:
                raise SmsError(f"HTTP {status}", retryable=status in {408, 429}) from None
            raise SmsError("the provider's answer is not Mobizon's JSON") from None
        if code not in SUCCESS_CODES or not 200 <= status < 300:
            fields = ""
            if code == 1 and isinstance(answer.get("data"), dict):
                fields = " (" + ", ".join(_safe(name) for name in sorted(answer["data"])) + ")"
            text = _safe(answer.get("message"), self.api_key, recipient)
            raise SmsError(
                f"provider code {code}{fields}: {text}" if text else f"provider code {code}",
                retryable=code not in PERMANENT_CODES,
            )
        data = answer.get("data") if isinstance(answer.get("data"), dict) else {}
        message_id = data.get("messageId") or data.get("campaignId") or ""
        return str(message_id)
