"""Keys derived per purpose: one HKDF-SHA256 key for each thing Qorgau keys, from a root that is not
SECRET_KEY.

| purpose | HKDF `info` | root | stored as |
| --- | --- | --- | --- |
| identifier lookup | `qorgau/v1/identifier-lookup` | QORGAU_LOOKUP_KEY | `linking.Identifier.lookup` |
| receipt locator | `qorgau/v1/receipt-locator` | QORGAU_LOOKUP_KEY | `intake.Report.receipt_locator` |
| recovery code | `qorgau/v1/recovery-code` | QORGAU_LOOKUP_KEY | django-otp's `StaticToken.token` |
| IIN lookup | `qorgau/v1/iin-lookup` | QORGAU_LOOKUP_KEY | `offenders.Person.iin_lookup` |
| rate limit | `qorgau/v1/rate-limit` | QORGAU_LOOKUP_KEY | `core.TokenBucket.key` |
| sign-in name | `qorgau/v1/sign-in-name` | QORGAU_LOOKUP_KEY | `username_hash` of a refused sign-in's audit entry |
| backup | `qorgau backup v1` | the master key (or QORGAU_BACKUP_KEY itself) | `core.backup` |

A keyed value is `<key id>:<HMAC-SHA256 hex>`, cut to its column (64 characters; 16 for recovery
codes): the key id (4 hex digits, `keys.lookup_key_id`) names the lookup key it was made with, so
`rekey_lookups` finds what an older key made, and values of before this scheme (plain hex, keyed
with SECRET_KEY through Django's `salted_hmac`) are told apart by having no colon.

Lookups accept the value under the current key, every key of QORGAU_PREVIOUS_LOOKUP_KEYS and, on an
installation upgraded from before the lookup key, the old SECRET_KEY values pinned in
QORGAU_LEGACY_SECRET_KEYS (`keyed_digests`); new values are always written under the current key
(`keyed_digest`). Why a separate, long-lived key rather than one derived from the master key:
docs/security.md, "Keys derived per purpose".
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from functools import lru_cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.crypto import salted_hmac

from qorgau.core.keys import LOOKUP_HOW_TO_SET, lookup_key_id, parse_lookup_keys

SEPARATOR = ":"


@dataclass(frozen=True)
class Purpose:
    name: str
    info: bytes  # the HKDF label: changing it changes the key (and orphans what it keyed)
    length: int = 64  # characters of the stored value: its column's width
    # How the same value was keyed before the lookup key (Django's salted_hmac with SECRET_KEY):
    # its key_salt and how many hex digits were kept; None: nothing of it is kept (rate limits).
    legacy_salt: str | None = None
    legacy_length: int | None = None


IDENTIFIER_LOOKUP = Purpose(
    "identifier lookup", b"qorgau/v1/identifier-lookup", legacy_salt="qorgau.linking.identifier"
)
RECEIPT_LOCATOR = Purpose(
    "receipt locator", b"qorgau/v1/receipt-locator", legacy_salt="qorgau.intake.receipt"
)
RECOVERY_CODE = Purpose(
    "recovery code",
    b"qorgau/v1/recovery-code",
    length=16,
    legacy_salt="qorgau.core.recovery_code",
    legacy_length=16,
)
IIN_LOOKUP = Purpose("IIN lookup", b"qorgau/v1/iin-lookup", legacy_salt="qorgau.offenders.iin")
RATE_LIMIT = Purpose("rate limit", b"qorgau/v1/rate-limit")
# The name typed at a refused sign-in that names no account (it may be a password typed in the wrong
# field): the audit log keeps only this, enough to see one name tried again and again.
SIGN_IN_NAME = Purpose("sign-in name", b"qorgau/v1/sign-in-name")
# Derived from the master key, not the lookup key (core.backup): an archive is only readable with
# the master key anyway. The label is the one archives were always written with.
BACKUP = Purpose("backup", b"qorgau backup v1")

PURPOSES = (
    IDENTIFIER_LOOKUP,
    RECEIPT_LOCATOR,
    RECOVERY_CODE,
    IIN_LOOKUP,
    RATE_LIMIT,
    SIGN_IN_NAME,
    BACKUP,
)

# Where keyed values are kept for good (model label -> column, purpose); rate-limit buckets are not
# listed: they refill by themselves, so a bucket under an old key is simply dropped. Nor are the
# sign-in names of the audit log: an entry cannot be rewritten, and after a change of lookup key a
# name tried before simply hashes differently from the same name tried since.
STORED: dict[str, tuple[str, Purpose]] = {
    "linking.identifier": ("lookup", IDENTIFIER_LOOKUP),
    "intake.report": ("receipt_locator", RECEIPT_LOCATOR),
    "offenders.person": ("iin_lookup", IIN_LOOKUP),
    "otp_static.statictoken": ("token", RECOVERY_CODE),
}


@dataclass(frozen=True)
class Ring:
    current: bytes
    previous: tuple[bytes, ...]
    legacy: tuple[str, ...]  # SECRET_KEY values of before the lookup key

    @property
    def current_id(self) -> str:
        return _key_id(self.current)

    @property
    def ids(self) -> set[str]:
        return {_key_id(key) for key in (self.current, *self.previous)}


@lru_cache(maxsize=16)
def _key_id(root: bytes) -> str:
    return lookup_key_id(root)


@lru_cache(maxsize=8)
def _ring(current: str | None, previous: tuple[str, ...], legacy: tuple[str, ...]) -> Ring:
    if not current:
        raise ImproperlyConfigured(f"QORGAU_LOOKUP_KEY is not set. {LOOKUP_HOW_TO_SET}")
    keys = parse_lookup_keys(current, list(previous))
    return Ring(keys[0], tuple(keys[1:]), legacy)


def ring() -> Ring:
    """The lookup key, the previous ones and the legacy secrets, from settings."""
    return _ring(
        settings.QORGAU_LOOKUP_KEY,
        tuple(settings.QORGAU_PREVIOUS_LOOKUP_KEYS),
        tuple(settings.QORGAU_LEGACY_SECRET_KEYS),
    )


@lru_cache(maxsize=64)
def _derive(root: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(root)


def derive(purpose: Purpose, *, root: bytes | None = None) -> bytes:
    """The 32-byte key of `purpose`: HKDF-SHA256 of `root` (default: the current lookup key)."""
    return _derive(ring().current if root is None else root, purpose.info)


@lru_cache(maxsize=64)
def _mac(root: bytes, info: bytes) -> hmac.HMAC:
    return hmac.new(_derive(root, info), digestmod=hashlib.sha256)


def _keyed(root: bytes, purpose: Purpose, value: str) -> str:
    mac = _mac(root, purpose.info).copy()
    mac.update(value.encode())
    return f"{_key_id(root)}{SEPARATOR}{mac.hexdigest()}"[: purpose.length]


def legacy_digest(purpose: Purpose, value: str, secret: str) -> str:
    """`value` keyed as it was before the lookup key: salted_hmac (SHA-1) with a SECRET_KEY."""
    if purpose.legacy_salt is None:
        raise ValueError(f"nothing keyed for {purpose.name} is kept from before the lookup key")
    digest = salted_hmac(purpose.legacy_salt, value, secret=secret).hexdigest()
    return digest[: purpose.legacy_length] if purpose.legacy_length else digest


def keyed_digest(purpose: Purpose, value: str) -> str:
    """What is stored for `value`: its keyed hash under the current lookup key."""
    return _keyed(ring().current, purpose, value)


def keyed_digests(purpose: Purpose, value: str) -> list[str]:
    """Every stored form `value` may have: under the current key first, then the previous keys,
    then (for what was kept before the lookup key) every legacy SECRET_KEY."""
    return [keyed_digest(purpose, value), *old_digests(purpose, value)]


def old_digests(purpose: Purpose, value: str) -> list[str]:
    """`keyed_digests` without the current one: the forms a value written earlier may still have
    (none, and nothing computed, when no old key is configured)."""
    keys = ring()
    found = [_keyed(key, purpose, value) for key in keys.previous]
    if purpose.legacy_salt is not None:
        found += [legacy_digest(purpose, value, secret) for secret in keys.legacy]
    return found


def is_current(stored: str) -> bool:
    """Whether a stored value was keyed with the current lookup key."""
    return stored.startswith(ring().current_id + SEPARATOR)


def is_legacy(stored: str) -> bool:
    """Whether a stored value was keyed with SECRET_KEY, before the lookup key (no key id)."""
    return bool(stored) and SEPARATOR not in stored


def key_id_of(stored: str) -> str:
    """The id of the lookup key a stored value was made with, or "legacy"."""
    return "legacy" if is_legacy(stored) else stored.split(SEPARATOR, 1)[0]
