"""Master key rotation: re-wrap every stored data key under the active master key."""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import models
from django.db.models import ExpressionWrapper, F

from qorgau.core import crypto
from qorgau.core.fields import Ciphertext, EncryptedField, encrypted_fields


@dataclass
class RotationResult:
    label: str
    rewrapped: int = 0
    current: int = 0
    skipped: int = 0


def _raw(field: EncryptedField) -> ExpressionWrapper:
    """The column's stored bytes, without decryption (a plain BinaryField has no from_db_value)."""
    return ExpressionWrapper(F(field.attname), output_field=models.BinaryField())


def rotate_field(
    model: type[models.Model], field: EncryptedField, *, batch_size: int, dry_run: bool
) -> RotationResult:
    """Re-wrap one column in primary-key batches; each row is updated only if it is unchanged."""
    active, _ = crypto.keyring()
    result = RotationResult(label=f"{model._meta.label}.{field.name}")
    manager = model._base_manager
    last_pk = None
    while True:
        batch = manager.filter(**{f"{field.attname}__isnull": False}).order_by("pk")
        if last_pk is not None:
            batch = batch.filter(pk__gt=last_pk)
        rows = list(batch.annotate(_raw=_raw(field)).values_list("pk", "_raw")[:batch_size])
        if not rows:
            return result
        for pk, raw in rows:
            last_pk = pk
            blob = bytes(raw)
            if crypto.key_id_of(blob) == active.key_id:
                result.current += 1
                continue
            if dry_run:
                result.rewrapped += 1
                continue
            new = crypto.rewrap(blob)
            updated = (
                manager.filter(pk=pk)
                .annotate(_raw=_raw(field))
                .filter(_raw=blob)
                .update(**{field.attname: Ciphertext(new)})
            )
            if updated:
                result.rewrapped += 1
            else:
                result.skipped += 1


def rotate_all(*, batch_size: int = 500, dry_run: bool = False) -> list[RotationResult]:
    results = []
    for model in apps.get_models():
        for field in encrypted_fields(model):
            results.append(rotate_field(model, field, batch_size=batch_size, dry_run=dry_run))
    return results
