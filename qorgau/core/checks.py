"""System checks of `manage.py check --deploy`: what a production installation must configure."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Tags, Warning, register

from qorgau.env import ConfigurationError


@register(Tags.security, deploy=True)
def audit_anchor_configured(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Without a signing key and a checkpoint file, nothing outside the database anchors the audit
    log: an emptied or rewritten log would still verify (docs/operations.md, "The audit log")."""
    from qorgau.core.audit_checkpoint import signing_key, verify_keys

    found: list[CheckMessage] = []
    if not settings.QORGAU_AUDIT_SIGNING_KEY:
        found.append(
            Warning(
                "QORGAU_AUDIT_SIGNING_KEY is not set: `tick` writes no signed checkpoint of the "
                "audit log, so a log emptied or rewritten in the database would still verify.",
                hint="Set it (or QORGAU_AUDIT_SIGNING_KEY_FILE) to 32 random bytes in base64, "
                "kept outside the database and its backups.",
                id="qorgau.W001",
            )
        )
    if not settings.QORGAU_AUDIT_CHECKPOINT_PATH:
        found.append(
            Warning(
                "QORGAU_AUDIT_CHECKPOINT_PATH is not set: the audit log's checkpoints have nowhere "
                "to go.",
                hint="Name a file outside the database server, append-only for Qorgau.",
                id="qorgau.W002",
            )
        )
    try:
        signing_key()
        verify_keys()
    except ConfigurationError as exc:
        found.append(Error(str(exc), id="qorgau.E001"))
    return found
