"""Envelope encryption of personal fields: AES-256-GCM with a random data key per value.

A stored value is::

    b"Q1" | master key id (8) | nonce (12) | wrapped data key (32 + 16 tag) | nonce (12) | ciphertext+tag

The data key encrypts the value; the master key (from QORGAU_MASTER_KEY) wraps the data key. Rotating the
master key re-wraps the 48-byte data key and leaves the ciphertext as it is. The associated data binds a
value to its column ("app_label.model.field"), so a ciphertext copied into another column fails to open.
"""

from __future__ import annotations

import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from qorgau.core.keys import HOW_TO_SET, KEY_ID_BYTES, MasterKey, parse_master_key

MAGIC = b"Q1"
NONCE = 12
WRAPPED = 32 + 16
HEADER = len(MAGIC) + KEY_ID_BYTES + NONCE + WRAPPED + NONCE


class DecryptionError(Exception):
    """A stored value cannot be opened: unknown master key, or the bytes were altered."""


@lru_cache(maxsize=8)
def _keyring(
    current: str | None, previous: tuple[str, ...]
) -> tuple[MasterKey, dict[bytes, MasterKey]]:
    if not current:
        raise ImproperlyConfigured(f"QORGAU_MASTER_KEY is not set. {HOW_TO_SET}")
    active = parse_master_key(current)
    ring = {active.key_id: active}
    for index, value in enumerate(previous):
        key = parse_master_key(value, name=f"QORGAU_PREVIOUS_MASTER_KEYS[{index}]")
        ring.setdefault(key.key_id, key)
    return active, ring


def keyring() -> tuple[MasterKey, dict[bytes, MasterKey]]:
    """The active master key and every key that may still open stored values, from settings."""
    return _keyring(settings.QORGAU_MASTER_KEY, tuple(settings.QORGAU_PREVIOUS_MASTER_KEYS))


def _wrap_aad(key_id: bytes) -> bytes:
    return b"qorgau-data-key|" + key_id


def encrypt(plaintext: bytes, *, aad: bytes) -> bytes:
    active, _ = keyring()
    data_key = AESGCM.generate_key(bit_length=256)
    wrap_nonce = os.urandom(NONCE)
    wrapped = AESGCM(active.key).encrypt(wrap_nonce, data_key, _wrap_aad(active.key_id))
    nonce = os.urandom(NONCE)
    ciphertext = AESGCM(data_key).encrypt(nonce, plaintext, aad)
    return MAGIC + active.key_id + wrap_nonce + wrapped + nonce + ciphertext


def _split(blob: bytes) -> tuple[bytes, bytes, bytes, bytes, bytes]:
    if len(blob) < HEADER + 16 or not blob.startswith(MAGIC):
        raise DecryptionError("not a Qorgau ciphertext")
    pos = len(MAGIC)
    key_id = blob[pos : pos + KEY_ID_BYTES]
    pos += KEY_ID_BYTES
    wrap_nonce = blob[pos : pos + NONCE]
    pos += NONCE
    wrapped = blob[pos : pos + WRAPPED]
    pos += WRAPPED
    nonce = blob[pos : pos + NONCE]
    pos += NONCE
    return key_id, wrap_nonce, wrapped, nonce, blob[pos:]


def _unwrap(key_id: bytes, wrap_nonce: bytes, wrapped: bytes) -> bytes:
    _, ring = keyring()
    master = ring.get(key_id)
    if master is None:
        raise DecryptionError(
            "the value was encrypted under a master key that is not configured "
            "(add it to QORGAU_PREVIOUS_MASTER_KEYS)"
        )
    try:
        return AESGCM(master.key).decrypt(wrap_nonce, wrapped, _wrap_aad(key_id))
    except InvalidTag as exc:
        raise DecryptionError("the data key does not open: the stored bytes were altered") from exc


def decrypt(blob: bytes, *, aad: bytes) -> bytes:
    key_id, wrap_nonce, wrapped, nonce, ciphertext = _split(bytes(blob))
    data_key = _unwrap(key_id, wrap_nonce, wrapped)
    try:
        return AESGCM(data_key).decrypt(nonce, ciphertext, aad)
    except InvalidTag as exc:
        raise DecryptionError("the value does not open: it was altered or moved") from exc


def key_id_of(blob: bytes) -> bytes:
    return _split(bytes(blob))[0]


def rewrap(blob: bytes) -> bytes:
    """The same value with its data key wrapped under the active master key; ciphertext untouched."""
    key_id, wrap_nonce, wrapped, nonce, ciphertext = _split(bytes(blob))
    active, _ = keyring()
    if key_id == active.key_id:
        return bytes(blob)
    data_key = _unwrap(key_id, wrap_nonce, wrapped)
    new_nonce = os.urandom(NONCE)
    new_wrapped = AESGCM(active.key).encrypt(new_nonce, data_key, _wrap_aad(active.key_id))
    return MAGIC + active.key_id + new_nonce + new_wrapped + nonce + ciphertext


class BatchEncryptor:
    """One data key for a batch of values (bulk loads): each value still gets its own nonce and
    carries the wrapped data key, so it opens, reads and rotates like any other stored value.
    Saves the wrap per value; AES-GCM with random nonces stays safe far beyond any batch size."""

    def __init__(self) -> None:
        active, _ = keyring()
        data_key = AESGCM.generate_key(bit_length=256)
        wrap_nonce = os.urandom(NONCE)
        wrapped = AESGCM(active.key).encrypt(wrap_nonce, data_key, _wrap_aad(active.key_id))
        self._prefix = MAGIC + active.key_id + wrap_nonce + wrapped
        self._aead = AESGCM(data_key)

    def encrypt(self, plaintext: bytes, *, aad: bytes) -> bytes:
        nonce = os.urandom(NONCE)
        return self._prefix + nonce + self._aead.encrypt(nonce, plaintext, aad)
