"""Receipt codes: 16 digits shown once; the database keeps only what cannot reveal them.

The first eight digits, keyed with SECRET_KEY (HMAC), find the report; an argon2id hash of all sixteen
proves the code. Someone holding only the database can neither look a code up nor test guesses cheaply.
"""

from __future__ import annotations

import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from django.conf import settings
from django.utils.crypto import salted_hmac

DIGITS = 16
LOCATOR_DIGITS = 8
# OWASP's minimum for argon2id: 19 MiB, two passes. A form submission pays it once.
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)


def generate() -> str:
    return f"{secrets.randbelow(10**DIGITS):0{DIGITS}d}"


def format_code(code: str) -> str:
    """`1234 5678 9012 3456`: four groups of four, easy to write down."""
    return " ".join(code[i : i + 4] for i in range(0, DIGITS, 4))


def normalise(text: str) -> str | None:
    """The 16 digits of what a person typed (spaces and dashes allowed), or None."""
    digits = re.sub(r"[\s\-–.]", "", text or "")
    if len(digits) != DIGITS or not digits.isascii() or not digits.isdigit():
        return None
    return digits


def locators(code: str) -> list[str]:
    """The keyed lookup values of a code, under the current and any fallback SECRET_KEY."""
    keys = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
    return [
        salted_hmac("qorgau.intake.receipt", code[:LOCATOR_DIGITS], secret=key).hexdigest()
        for key in keys
    ]


def hash_code(code: str) -> str:
    return _hasher.hash(code)


def verify(code: str, stored_hash: str) -> bool:
    try:
        return _hasher.verify(stored_hash, code)
    except (VerificationError, InvalidHashError):
        return False
