"""The hash chain of the audit log: canonical content, hashing and verification."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64


def _timestamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_content(entry: Any) -> bytes:
    """The bytes an entry's hash covers: every column but the hash itself, in a fixed form."""
    content = {
        "seq": entry.seq,
        "created_at": _timestamp(entry.created_at),
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "region_id": entry.region_id,
        "ip": entry.ip,
        "details": entry.details,
        "prev_hash": entry.prev_hash,
    }
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def entry_hash(entry: Any) -> str:
    return hashlib.sha256(canonical_content(entry)).hexdigest()


def canonical_template(entry: Any) -> tuple[str, str]:
    """The canonical content split around the two values only the chain head knows.

    `head + prev_hash + middle + str(seq) + "}"` is exactly `canonical_content(entry)` once the
    entry has its `prev_hash` and `seq`: the database can then compute the hash in the statement
    that appends the entry (see `core.services.audit_append`). `entry` is left as it was.
    """
    marker = secrets.token_hex(16)  # random: cannot also occur in the entry's other values
    saved = entry.prev_hash, entry.seq
    entry.prev_hash, entry.seq = marker, 0
    try:
        text = canonical_content(entry).decode()
    finally:
        entry.prev_hash, entry.seq = saved
    head, tail = text.split(marker)
    if not tail.endswith(',"seq":0}'):  # "seq" sorts last among the keys
        raise ValueError("the canonical content no longer ends with the sequence number")
    return head, tail[: -len("0}")]


@dataclass(frozen=True)
class ChainProblem:
    seq: int | None
    pk: int | None
    reason: str

    def __str__(self) -> str:
        where = f"entry #{self.seq} (id {self.pk})" if self.seq is not None else "the chain head"
        return f"{where}: {self.reason}"


def verify_chain(
    entries: Iterable[Any], *, head_seq: int | None, head_hash: str | None
) -> tuple[int, ChainProblem | None]:
    """Walk the entries in seq order; return how many were checked and the first problem found."""
    expected_seq = 1
    prev_hash = GENESIS_HASH
    checked = 0
    for entry in entries:
        if entry.seq != expected_seq:
            missing = "missing or deleted" if entry.seq > expected_seq else "out of order"
            return checked, ChainProblem(
                entry.seq, entry.pk, f"expected #{expected_seq} next: entries {missing}"
            )
        if entry.prev_hash != prev_hash:
            return checked, ChainProblem(
                entry.seq, entry.pk, "does not link to the entry before it (inserted or reordered)"
            )
        if entry_hash(entry) != entry.hash:
            return checked, ChainProblem(entry.seq, entry.pk, "content altered (hash mismatch)")
        prev_hash = entry.hash
        expected_seq += 1
        checked += 1
    if head_seq is not None and (head_seq != checked or head_hash != prev_hash):
        return checked, ChainProblem(
            None,
            None,
            f"records #{head_seq} as the last entry but the log ends at #{checked}: "
            "entries at the end were deleted or the head was altered",
        )
    return checked, None
