"""Signed checkpoints of the audit chain's head, kept outside the database.

Whoever controls the database can empty or rewrite the audit log and its chain head consistently;
the hash chain alone cannot tell. So `tick` appends, each time the head moved, one line to a file
outside the database (`QORGAU_AUDIT_CHECKPOINT_PATH`, opened O_APPEND, fsynced): the head's sequence
number and hash, signed with Ed25519 (`QORGAU_AUDIT_SIGNING_KEY`, 32 bytes in base64, from the
environment or a file). `verify_audit` checks every line's signature (with the signing key's public
half, or `QORGAU_AUDIT_VERIFY_KEY` on an auditor's machine) and that the log still holds each
checkpointed entry with the same hash: a log emptied, cut short or rewritten fails.

In development (DEBUG) the key and the file default to var/ and the key is made on first use.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings

from qorgau.core.keys import generate_master_key, parse_master_key
from qorgau.env import ConfigurationError

logger = logging.getLogger(__name__)

SIGNING_KEY_SETTING = "QORGAU_AUDIT_SIGNING_KEY"
VERIFY_KEY_SETTING = "QORGAU_AUDIT_VERIFY_KEY"
DEV_KEY_FILE = "audit-signing.key"
# How much of the file's end `tick` reads to find the last line (a line is about 250 bytes).
TAIL_BYTES = 4096


class CheckpointError(Exception):
    """The checkpoints cannot be read or do not prove the log (the message says which)."""


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: str
    key_id: str
    signature: str
    line: int = 0

    def message(self) -> bytes:
        return f"qorgau audit checkpoint v1\n{self.seq}\n{self.hash}\n{self.at}\n{self.key_id}".encode()

    def to_json(self) -> str:
        fields = ("seq", "hash", "at", "key_id", "signature")
        return json.dumps({name: getattr(self, name) for name in fields}, separators=(",", ":"))

    def __str__(self) -> str:
        return f"#{self.seq} of {self.at}"


def _public_raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(key: Ed25519PublicKey) -> str:
    """The public name of a signing key, written in every checkpoint it signed."""
    return hashlib.sha256(_public_raw(key)).hexdigest()[:16]


def public_key_text(key: Ed25519PublicKey) -> str:
    return base64.b64encode(_public_raw(key)).decode("ascii")


def _dev_signing_key() -> str:
    path = Path(settings.VAR_DIR) / DEV_KEY_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as target:
            target.write(generate_master_key() + "\n")
    return path.read_text().strip()


def signing_key() -> Ed25519PrivateKey | None:
    """The key `tick` signs with: the setting, or in development a key made in var/."""
    value = getattr(settings, SIGNING_KEY_SETTING, None)
    if not value and settings.DEBUG:
        value = _dev_signing_key()
    if not value:
        return None
    raw = parse_master_key(value, name=SIGNING_KEY_SETTING).key
    return Ed25519PrivateKey.from_private_bytes(raw)


def verify_keys() -> dict[str, Ed25519PublicKey]:
    """The public keys checkpoints may be signed with, by key id: the signing key's, and each of
    QORGAU_AUDIT_VERIFY_KEY (comma-separated: an auditor's machine, or keys used before)."""
    keys = []
    private = signing_key()
    if private is not None:
        keys.append(private.public_key())
    for index, text in enumerate((getattr(settings, VERIFY_KEY_SETTING, None) or "").split(",")):
        if text.strip():
            raw = parse_master_key(text, name=f"{VERIFY_KEY_SETTING}[{index}]").key
            keys.append(Ed25519PublicKey.from_public_bytes(raw))
    return {key_id(k): k for k in keys}


def checkpoint_path() -> Path | None:
    value = getattr(settings, "QORGAU_AUDIT_CHECKPOINT_PATH", None)
    return Path(value) if value else None


def _parse(text: str, number: int) -> Checkpoint:
    try:
        data = json.loads(text)
        return Checkpoint(
            seq=int(data["seq"]),
            hash=str(data["hash"]),
            at=str(data["at"]),
            key_id=str(data["key_id"]),
            signature=str(data["signature"]),
            line=number,
        )
    except (ValueError, KeyError, TypeError) as exc:
        raise CheckpointError(
            f"checkpoint line {number} is malformed (the file was altered)"
        ) from exc


def read_checkpoints(path: Path) -> Iterator[Checkpoint]:
    with open(path, encoding="utf-8") as source:
        for number, text in enumerate(source, start=1):
            if text.strip():
                yield _parse(text, number)


def last_checkpoint(path: Path) -> Checkpoint | None:
    """The file's last line, read from its end (the file grows by a line a minute)."""
    if not path.exists():
        return None
    with open(path, "rb") as source:
        source.seek(0, os.SEEK_END)
        size = source.tell()
        source.seek(max(0, size - TAIL_BYTES))
        lines = [line for line in source.read().splitlines() if line.strip()]
    return _parse(lines[-1].decode("utf-8", "replace"), 0) if lines else None


def check_signature(checkpoint: Checkpoint, keys: dict[str, Ed25519PublicKey]) -> None:
    where = f"checkpoint {checkpoint}" + (f" (line {checkpoint.line})" if checkpoint.line else "")
    key = keys.get(checkpoint.key_id)
    if key is None:
        raise CheckpointError(
            f"{where} is signed by key {checkpoint.key_id}, which is not configured here "
            f"({SIGNING_KEY_SETTING} or {VERIFY_KEY_SETTING})"
        )
    try:
        key.verify(base64.b64decode(checkpoint.signature), checkpoint.message())
    except (InvalidSignature, ValueError) as exc:
        raise CheckpointError(
            f"{where} has a bad signature (the checkpoint file was altered)"
        ) from exc


def append_checkpoint(
    path: Path, *, seq: int, head_hash: str, key: Ed25519PrivateKey
) -> Checkpoint:
    """Sign and append one line, O_APPEND and fsynced (the directory too when the file is new)."""
    unsigned = Checkpoint(
        seq=seq,
        hash=head_hash,
        at=datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        key_id=key_id(key.public_key()),
        signature="",
    )
    signature = base64.b64encode(key.sign(unsigned.message())).decode("ascii")
    checkpoint = replace(unsigned, signature=signature)
    new = not path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(descriptor, (checkpoint.to_json() + "\n").encode())  # one write: one whole line
        os.fsync(descriptor)
    finally:
        os.close(descriptor)
    if new:
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
    return checkpoint


def anchor_head() -> str:
    """For `tick`: append a checkpoint of the chain head if it moved since the last one; refuse to
    anchor a log that no longer matches the last checkpoint. Returns what was done, in one line."""
    from qorgau.core.models import AuditChainHead, AuditEntry

    path = checkpoint_path()
    try:
        key = signing_key()
    except ConfigurationError as exc:
        return f"audit log not anchored: {exc}"
    if path is None or key is None:
        return (
            "audit log not anchored: set QORGAU_AUDIT_SIGNING_KEY and QORGAU_AUDIT_CHECKPOINT_PATH"
        )
    head = AuditChainHead.objects.filter(pk=1).first()
    if head is None or head.seq == 0:
        return "audit log empty: nothing to anchor"
    try:
        last = last_checkpoint(path)
        if last is not None:
            check_signature(last, verify_keys())
    except CheckpointError as exc:
        logger.error("audit checkpoint refused: %s", exc)
        return f"audit log not anchored: {exc}"
    if last is not None:
        entry = AuditEntry.objects.filter(seq=last.seq).values_list("hash", flat=True).first()
        if last.seq > head.seq or entry != last.hash:
            logger.error("the audit log does not match its last checkpoint %s", last)
            return (
                f"audit log does not match the last checkpoint ({last}): not anchored; "
                "run manage.py verify_audit"
            )
        if last.seq == head.seq:
            return f"audit head #{head.seq} already anchored"
    written = append_checkpoint(path, seq=head.seq, head_hash=head.hash, key=key)
    return f"audit head anchored: checkpoint {written} in {path}"


@dataclass
class CheckpointWatch:
    """Checks, during the walk of the chain, each entry against the checkpoints of its seq."""

    expected: dict[int, Checkpoint]
    problem: str = ""
    last_seen: int = 0

    def watch(self, entries: Iterable[Any]) -> Iterator[Any]:
        for entry in entries:
            checkpoint = self.expected.get(entry.seq)
            if checkpoint is not None and checkpoint.hash != entry.hash and not self.problem:
                self.problem = (
                    f"entry #{entry.seq} differs from the signed checkpoint {checkpoint}: "
                    "the log was rewritten"
                )
            self.last_seen = entry.seq
            yield entry

    def final_problem(self) -> str:
        if self.problem or not self.expected:
            return self.problem
        highest = self.expected[max(self.expected)]
        if self.last_seen < highest.seq:
            return (
                f"the log ends at #{self.last_seen} but the signed checkpoint {highest} records "
                f"#{highest.seq}: entries were removed"
            )
        return ""


def load_checkpoints(path: Path) -> dict[int, Checkpoint]:
    """Every checkpoint of the file, signatures checked, by seq; two lines naming one seq with
    different hashes are a problem too."""
    keys = verify_keys()
    if not keys:
        raise CheckpointError(
            f"checkpoints found in {path} but no key to verify them: set {VERIFY_KEY_SETTING}"
        )
    found: dict[int, Checkpoint] = {}
    for checkpoint in read_checkpoints(path):
        check_signature(checkpoint, keys)
        other = found.setdefault(checkpoint.seq, checkpoint)
        if other.hash != checkpoint.hash:
            raise CheckpointError(f"checkpoints {other} and {checkpoint} disagree on its hash")
    return found
