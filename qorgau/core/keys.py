"""Master keys: parsing, validation and identification (imported by settings, so no Django models)."""

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

HOW_TO_SET = (
    "Set QORGAU_MASTER_KEY (or QORGAU_MASTER_KEY_FILE) to 32 random bytes in URL-safe base64, "
    'for example the output of: python -c "import base64,os;print(base64.urlsafe_b64encode('
    'os.urandom(32)).decode())"'
)


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
            f"{name} is malformed: it must be 32 bytes in base64. {HOW_TO_SET}"
        )
    return MasterKey(raw)


def validate_master_key_setting(current: str | None, previous: list[str]) -> None:
    """Stop start-up in production mode when the master key is missing or malformed."""
    if not current:
        raise ConfigurationError(f"QORGAU_MASTER_KEY is not set. {HOW_TO_SET}")
    parse_master_key(current)
    for index, value in enumerate(previous):
        parse_master_key(value, name=f"QORGAU_PREVIOUS_MASTER_KEYS[{index}]")


def generate_master_key() -> str:
    return base64.urlsafe_b64encode(secrets.token_bytes(KEY_BYTES)).decode("ascii")
