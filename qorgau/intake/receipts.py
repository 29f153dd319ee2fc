"""Receipt codes: 16 digits shown once; the database keeps only what cannot reveal them.

The first eight digits, keyed (HMAC-SHA256) with the receipt-locator key derived from
QORGAU_LOOKUP_KEY, find the report; an argon2id hash of all sixteen proves the code. Someone holding
only the database can neither look a code up nor test guesses cheaply. SECRET_KEY plays no part:
rotating it leaves every code working.

Trying a code costs the same whatever it names (issue 18, finding 3): `matching` runs one argon2
verification per candidate and one against a dummy hash when the first half names no report, and a
new code's first half names no other report (`new_code`), so there is at most one candidate.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Sequence

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from qorgau.core.derived_keys import RECEIPT_LOCATOR, is_current, keyed_digests

DIGITS = 16
LOCATOR_DIGITS = 8
# OWASP's minimum for argon2id: 19 MiB, two passes. A form submission pays it once.
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
# The hash of no code, made once per process with the same parameters (argon2 reads them from the
# hash): a code that names no report is verified against it, so it costs what a wrong code costs.
_NO_REPORT_HASH = _hasher.hash(secrets.token_hex(16))
# New codes whose first half is already taken are drawn again; after this many draws (never, with
# 10^8 first halves) the last one is kept: `matching` still tells two reports of one first half apart.
_DRAWS = 10


def generate() -> str:
    return f"{secrets.randbelow(10**DIGITS):0{DIGITS}d}"


def new_code() -> str:
    """A fresh code whose first half names no report under any lookup key accepted, so that a first
    half names at most one report and trying a code verifies exactly one hash."""
    from qorgau.intake.models import Report

    for _attempt in range(_DRAWS):
        code = generate()
        if not Report.objects.filter(receipt_locator__in=locators(code)).exists():
            break
    return code


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


def matching(code: str, stored_hashes: Sequence[str]) -> int | None:
    """Which of `stored_hashes` (those of the reports the code's first half names) `code` proves, or
    None. Always at least one argon2 verification: against the dummy hash when there is no
    candidate. Every candidate is verified, the first match kept: a first half shared by reports
    made before codes were drawn unique (or drawn at the same instant) still opens each of them."""
    if not stored_hashes:
        verify(code, _NO_REPORT_HASH)
        return None
    found = None
    for index, stored in enumerate(stored_hashes):
        if verify(code, stored) and found is None:
            found = index
    return found


def verify(code: str, stored_hash: str) -> bool:
    try:
        return _hasher.verify(stored_hash, code)
    except (VerificationError, InvalidHashError):
        return False
