"""The address a request came from, as the per-address limits and the audit log see it."""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings
from django.http import HttpRequest

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=8)
def _networks(trusted: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(value, strict=False) for value in trusted)


def _address(text: str) -> Address | None:
    """An address as a proxy writes it (`[v6]` brackets allowed), normalised; None if it is none."""
    text = text.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == network.version and address in network for network in networks)


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: REMOTE_ADDR, unless that is one of TRUSTED_PROXIES.

    Behind trusted proxies, X-Forwarded-For is read from the right (each proxy appends the address
    it saw), trusted proxies are skipped, and the first address that is not one of them is the
    client: whatever a client wrote into the header itself stands to the left of it and is never
    chosen. An entry that is not an address stops the walk at the last proxy passed (nothing left
    of it can be vouched for). From any other peer the header is ignored: it could say anything.
    """
    if request is None:
        return None
    remote = request.META.get("REMOTE_ADDR") or ""
    peer = _address(remote)
    if peer is None:
        return remote or None
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    if not networks or not _trusted(peer, networks):
        return str(peer)
    client = peer
    for entry in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        hop = _address(entry)
        if hop is None:
            break
        client = hop
        if not _trusted(hop, networks):
            break
    return str(client)


def from_trusted_proxy(request: HttpRequest) -> bool:
    """Whether the peer is one of TRUSTED_PROXIES (False when none is configured)."""
    networks = _networks(tuple(settings.TRUSTED_PROXIES))
    peer = _address(request.META.get("REMOTE_ADDR") or "")
    return bool(networks) and peer is not None and _trusted(peer, networks)
