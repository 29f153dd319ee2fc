"""Receipt codes: 16 digits shown once; the database keeps only what cannot reveal them.

The first eight digits, keyed (HMAC-SHA256) with the receipt-locator key derived from
QORGAU_LOOKUP_KEY, find the report; an argon2id hash of all sixteen proves the code. Someone holding
only the database can neither look a code up nor test guesses cheaply. SECRET_KEY plays no part:
rotating it leaves every code working.
"""

from __future__ import annotations

import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from qorgau.core.derived_keys import RECEIPT_LOCATOR, is_current, keyed_digests

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
    """The keyed lookup values of a code: the one new reports store (current lookup key) first,
    then those reports stored under a previous lookup key or, before the lookup key existed, under
    a SECRET_KEY now pinned in QORGAU_LEGACY_SECRET_KEYS (their codes cannot be re-keyed: only the
    reporter has them)."""
    return keyed_digests(RECEIPT_LOCATOR, code[:LOCATOR_DIGITS])


def locator_refresh(*, report_id: int, stored: str, code: str) -> bool:
    """After `code` opened its report: a locator still under an old key is rewritten under the
    current one (the only moment it can be, the code being known), so that the old key can be
    dropped once no such locator is left. True if rewritten."""
    if is_current(stored):
        return False
    from qorgau.intake.models import Report

    current = locators(code)[0]
    return bool(
        Report.objects.filter(pk=report_id, receipt_locator=stored).update(receipt_locator=current)
    )


def hash_code(code: str) -> str:
    return _hasher.hash(code)


def verify(code: str, stored_hash: str) -> bool:
    try:
        return _hasher.verify(stored_hash, code)
    except (VerificationError, InvalidHashError):
        return False
