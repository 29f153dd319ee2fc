"""Model fields whose values are encrypted at rest (see qorgau.core.crypto)."""

from __future__ import annotations

import json
from typing import Any

from django.core.exceptions import FieldError
from django.db import models

from qorgau.core import crypto


class Ciphertext(bytes):
    """Bytes that are already a stored ciphertext: written as they are (used by key rotation)."""


class EncryptedField(models.BinaryField):
    """Base of the encrypted fields: the column holds only ciphertext; lookups other than isnull fail."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)

    @property
    def aad(self) -> bytes:
        return f"{self.model._meta.label_lower}.{self.name}".encode()

    def encode_plain(self, value: Any) -> bytes:
        raise NotImplementedError

    def decode_plain(self, data: bytes) -> Any:
        raise NotImplementedError

    def get_prep_value(self, value: Any) -> Any:
        if value is None or isinstance(value, Ciphertext):
            return value
        return crypto.encrypt(self.encode_plain(value), aad=self.aad)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None:
            return None
        return self.decode_plain(crypto.decrypt(bytes(value), aad=self.aad))

    def to_python(self, value: Any) -> Any:
        return value

    def value_to_string(self, obj: models.Model) -> str:
        raise FieldError("encrypted fields are never serialised as plaintext")

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)


class EncryptedTextField(EncryptedField):
    description = "Text encrypted at rest (AES-256-GCM)"

    def encode_plain(self, value: Any) -> bytes:
        return str(value).encode("utf-8")

    def decode_plain(self, data: bytes) -> str:
        return data.decode("utf-8")


class EncryptedJSONField(EncryptedField):
    description = "JSON encrypted at rest (AES-256-GCM)"

    def encode_plain(self, value: Any) -> bytes:
        return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()

    def decode_plain(self, data: bytes) -> Any:
        return json.loads(data)


class EncryptedBinaryField(EncryptedField):
    description = "Bytes encrypted at rest (AES-256-GCM)"

    def encode_plain(self, value: Any) -> bytes:
        return bytes(value)

    def decode_plain(self, data: bytes) -> bytes:
        return data


def encrypted_fields(model: type[models.Model]) -> list[EncryptedField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedField)]
