"""The hash chain of the audit log: canonical content, hashing and verification."""

from __future__ import annotations

import hashlib
import ipaddress
import json
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64
# 2: the hash covers the address's network and a commitment to it, not the address (below).
CHAIN_VERSION = 2
# The network an address is cut to once it is older than QORGAU_ADDRESS_RETENTION_DAYS.
IPV4_PREFIX, IPV6_PREFIX = 24, 48


def address_network(ip: str) -> str:
    """The address cut to its network: 203.0.113.77 -> 203.0.113.0, 2001:db8:1:2::3 -> 2001:db8:1::."""
    address = ipaddress.ip_address(ip)
    prefix = IPV4_PREFIX if address.version == 4 else IPV6_PREFIX
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False).network_address)


def address_commitment(ip: str, salt: str) -> str:
    """What the chain keeps of a full address: sha256 of a random salt and the address. Once the
    salt is erased (the address cut) it reveals nothing, not even to a search of every IPv4."""
    normal = str(ipaddress.ip_address(ip))
    return hashlib.sha256(f"{salt}|{normal}".encode()).hexdigest()


def new_address_fields(ip: str | None) -> dict[str, str]:
    """The commitment and salt a new entry keeps beside its address."""
    if not ip:
        return {"ip_commitment": "", "ip_salt": ""}
    salt = secrets.token_hex(16)
    return {"ip_commitment": address_commitment(ip, salt), "ip_salt": salt}


def _timestamp(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_content(entry: Any) -> bytes:
    """The bytes an entry's hash covers: every column but the hash itself, in a fixed form.

    Chain version 1 covers the address; version 2 covers its network (kept forever) and the
    commitment to the full address, so that `tick` may cut the address after the retention period
    (erasing the salt) without changing the hash. `address_problem` checks the address itself."""
    content: dict[str, Any] = {
        "seq": entry.seq,
        "created_at": _timestamp(entry.created_at),
        "actor_id": entry.actor_id,
        "actor_label": entry.actor_label,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "region_id": entry.region_id,
        "details": entry.details,
        "prev_hash": entry.prev_hash,
    }
    version = getattr(entry, "chain_version", 1) or 1
    if version == 1:  # written before addresses were cut: the address itself
        content["ip"] = entry.ip
    else:
        content["chain_version"] = version
        content["ip_network"] = address_network(entry.ip) if entry.ip else None
        content["ip_commitment"] = entry.ip_commitment
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


def address_problem(entry: Any) -> str:
    """For chain version 2, what the hash does not cover itself: the full address must match its
    commitment while its salt is kept; once cut (salt erased) it must be its network exactly."""
    if (getattr(entry, "chain_version", 1) or 1) == 1:
        return ""
    if not entry.ip:
        return "" if not (entry.ip_commitment or entry.ip_salt) else "address removed"
    if entry.ip_salt:
        if address_commitment(entry.ip, entry.ip_salt) != entry.ip_commitment:
            return "address altered (it does not match its commitment)"
    elif address_network(entry.ip) != str(ipaddress.ip_address(entry.ip)):
        return "address altered after it was cut to its network"
    return ""


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
        address = address_problem(entry)
        if address:
            return checked, ChainProblem(entry.seq, entry.pk, address)
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
