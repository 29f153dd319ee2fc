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


# The backends that reach nobody's phone: fine for development and tests, not for production.
LOCAL_SMS_BACKENDS = {
    "qorgau.core.sms.backends.console.SmsBackend",
    "qorgau.core.sms.backends.file.SmsBackend",
    "qorgau.core.sms.backends.locmem.SmsBackend",
}
MOBIZON_SMS_BACKEND = "qorgau.core.sms.backends.mobizon.SmsBackend"


@register(Tags.security, deploy=True)
def sms_gateway_configured(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """Urgent alerts go out by SMS too: a production installation whose gateway is missing or
    local would leave the on-duty analyst's phone silent (docs/operations.md, "SMS gateway")."""
    from django.utils.module_loading import import_string

    backend = settings.QORGAU_SMS_BACKEND
    try:
        import_string(backend)
    except ImportError:
        return [
            Error(
                f"QORGAU_SMS_BACKEND={backend!r} cannot be imported: no SMS can be sent.",
                hint=f"Set it to {MOBIZON_SMS_BACKEND} (or leave it unset).",
                id="qorgau.E020",
            )
        ]
    if backend in LOCAL_SMS_BACKENDS:
        return [
            Warning(
                f"QORGAU_SMS_BACKEND is {backend}: text messages (urgent alerts) reach no phone.",
                hint=f"Leave it unset (or set {MOBIZON_SMS_BACKEND}) and configure the gateway.",
                id="qorgau.W020",
            )
        ]
    found: list[CheckMessage] = []
    if backend == MOBIZON_SMS_BACKEND:
        missing = [
            name for name in ("QORGAU_SMS_URL", "QORGAU_SMS_API_KEY") if not getattr(settings, name)
        ]
        if missing:
            found.append(
                Error(
                    f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set: no "
                    "SMS can be sent, so urgent alerts reach no phone.",
                    hint="Set QORGAU_SMS_URL to the Mobizon account's API server "
                    "(https://api.mobizon.kz) and QORGAU_SMS_API_KEY (or QORGAU_SMS_API_KEY_FILE) "
                    "to its API key.",
                    id="qorgau.E021",
                )
            )
        elif not settings.QORGAU_SMS_URL.startswith("https://"):
            found.append(
                Warning(
                    "QORGAU_SMS_URL is not an https:// address: the API key and the messages "
                    "would cross the network in clear.",
                    id="qorgau.W021",
                )
            )
    return found
