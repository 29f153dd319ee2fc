"""Reading settings from the environment, with clear errors (no Django imports here)."""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import overload

TRUE_VALUES = {"true", "1", "yes", "on"}
FALSE_VALUES = {"false", "0", "no", "off"}


class ConfigurationError(RuntimeError):
    """A setting in the environment is missing or malformed; the message says what to set."""


@overload
def env_str(name: str, default: str) -> str: ...
@overload
def env_str(name: str, default: None = None) -> str | None: ...
def env_str(name: str, default: str | None = None) -> str | None:
    """The value of NAME, or of the file named by NAME_FILE (for secrets kept out of the environment)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        try:
            return Path(file_name).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ConfigurationError(
                f"{name}_FILE={file_name} cannot be read: {exc.strerror}"
            ) from exc
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value


def env_bool(name: str, default: bool) -> bool:
    """A boolean setting: only true/false, 1/0, yes/no, on/off; anything else stops start-up."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in TRUE_VALUES:
        return True
    if lowered in FALSE_VALUES:
        return False
    raise ConfigurationError(f"{name}={value!r} is not a boolean: set it to true or false.")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ConfigurationError(f"{name}={value!r} is not a whole number.") from exc


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def env_networks(name: str) -> list[str]:
    """Addresses or networks (CIDR), IPv4 or IPv6, comma-separated; empty when unset. A malformed
    entry stops start-up naming it. The values come back normalised (`10.0.0.0/8`, `::1`)."""
    networks = []
    for item in env_list(name, []):
        try:
            network = ipaddress.ip_network(item, strict=True)
        except ValueError as exc:
            raise ConfigurationError(
                f"{name}: {item!r} is not an address or a network such as 10.0.0.0/8 ({exc})."
            ) from exc
        networks.append(
            str(network.network_address) if network.num_addresses == 1 else str(network)
        )
    return networks


def env_float(name: str, default: float) -> float:
    """A positive number (seconds and the like: `10`, `2.5`); anything else stops start-up."""
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = float(value)
    except ValueError as exc:
        raise ConfigurationError(f"{name}={value!r} is not a number.") from exc
    if not 0 < number < float("inf"):
        raise ConfigurationError(f"{name}={value!r} must be a number greater than 0.")
    return number
