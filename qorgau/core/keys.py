"""Master and lookup keys: parsing, validation and identification (imported by settings, so no
Django models). What is derived from them, per purpose, is in `qorgau.core.derived_keys`."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets
from dataclasses import dataclass

from qorgau.env import ConfigurationError

KEY_BYTES = 32
KEY_ID_BYTES = 8


def how_to_set(name: str) -> str:
    return (
        f"Set {name} (or {name}_FILE) to 32 random bytes in URL-safe base64, "
        'for example the output of: python -c "import base64,os;print(base64.urlsafe_b64encode('
        'os.urandom(32)).decode())"'
    )


HOW_TO_SET = how_to_set("QORGAU_MASTER_KEY")
LOOKUP_HOW_TO_SET = how_to_set("QORGAU_LOOKUP_KEY")
# The characters naming a lookup key in every value keyed with it ("3fa2:…", see derived_keys).
LOOKUP_KEY_ID_CHARS = 4


@dataclass(frozen=True)
class MasterKey:
    key: bytes

    @property
    def key_id(self) -> bytes:
        """A public fingerprint that names the key inside each ciphertext, revealing nothing of it."""
        return hmac.new(self.key, b"qorgau master key id", hashlib.sha256).digest()[:KEY_ID_BYTES]


def parse_master_key(value: str, *, name: str = "QORGAU_MASTER_KEY") -> MasterKey:
    """Decode a base64 (URL-safe or standard) 32-byte key, or explain what is wrong with it."""
    text = value.strip()
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != KEY_BYTES:
        try:
            raw = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
        except (binascii.Error, ValueError):
            raw = b""
    if len(raw) != KEY_BYTES:
        raise ConfigurationError(
            f"{name} is malformed: it must be 32 bytes in base64. {how_to_set(name.split('[')[0])}"
        )
    return MasterKey(raw)


def validate_master_key_setting(current: str | None, previous: list[str]) -> None:
    """Stop start-up in production mode when the master key is missing or malformed."""
    if not current:
        raise ConfigurationError(f"QORGAU_MASTER_KEY is not set. {HOW_TO_SET}")
    parse_master_key(current)
    for index, value in enumerate(previous):
        parse_master_key(value, name=f"QORGAU_PREVIOUS_MASTER_KEYS[{index}]")


def lookup_key_id(key: bytes) -> str:
    """The public name of a lookup key (4 hex digits), written before every value keyed with it so
    that `rekey_lookups` can tell the values under an older key; it reveals nothing of the key."""
    digest = hmac.new(key, b"qorgau lookup key id", hashlib.sha256).hexdigest()
    return digest[:LOOKUP_KEY_ID_CHARS]


def parse_lookup_keys(current: str, previous: list[str]) -> list[bytes]:
    """The lookup key and the previous ones still accepted (raw bytes, current first), or explain
    what is wrong: malformed, or two keys with one name (generate another)."""
    keys = [parse_master_key(current, name="QORGAU_LOOKUP_KEY").key]
    for index, value in enumerate(previous):
        keys.append(parse_master_key(value, name=f"QORGAU_PREVIOUS_LOOKUP_KEYS[{index}]").key)
    seen: dict[str, bytes] = {}
    for key in keys:
        other = seen.setdefault(lookup_key_id(key), key)
        if other != key:
            raise ConfigurationError(
                "Two different keys in QORGAU_LOOKUP_KEY and QORGAU_PREVIOUS_LOOKUP_KEYS have the "
                f"same name ({lookup_key_id(key)}): generate another new key."
            )
    return keys


def validate_lookup_key_setting(current: str | None, previous: list[str]) -> None:
    """Stop start-up in production mode when the lookup key is missing or malformed."""
    if not current:
        raise ConfigurationError(f"QORGAU_LOOKUP_KEY is not set. {LOOKUP_HOW_TO_SET}")
    parse_lookup_keys(current, previous)


def generate_master_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")
