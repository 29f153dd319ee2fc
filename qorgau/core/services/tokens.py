"""Personal API tokens: created (shown once), authenticated, revoked."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.core import policies
from qorgau.core.models import (
    ApiToken,
    User,
)
from qorgau.core.permissions import refuse, require, service
from qorgau.core.services.audit import audit_append

TOKEN_PREFIX = "qg_"
# A token's last use is written at most this often, so that reads do not all become writes.
TOKEN_TOUCH_INTERVAL = timedelta(minutes=5)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@service
def api_token_create(
    *, acting_user: User | None, user: User, name: str = "", days: int | None = None
) -> tuple[ApiToken, str]:
    """Create a personal bearer token; returns the row and the token, which is shown only once."""
    require(acting_user, policies.MANAGE_API_TOKENS)
    if acting_user is not None and acting_user.pk != user.pk:
        # A token acts as its user: an administrator holding one of a central-office account would
        # read every report without anyone's approval (four eyes, docs/security.md finding 1). Only
        # the operator on the server (`create_api_token`, the system) makes another person's token.
        refuse(
            acting_user,
            policies.MANAGE_API_TOKENS,
            user,
            reason="party",
            message=_("An administrator makes API tokens only for their own account."),
        )
    if not user.is_active:
        raise ValueError("an inactive user cannot have API tokens")
    days = settings.QORGAU_API_TOKEN_DAYS if days is None else days
    if days < 1:
        raise ValueError("a token lives at least one day")
    prefix = secrets.token_hex(6)
    token = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    now = timezone.now()
    row = ApiToken(
        created_at=now,
        user=user,
        name=name,
        prefix=prefix,
        digest=_digest(token),
        expires_at=now + timedelta(days=days),
    )
    row.full_clean()
    row.save(force_insert=True)
    audit_append(
        actor=acting_user,
        action="api_token.create",
        obj=row,
        region=user.region,
        details={"user_id": user.pk, "prefix": prefix, "days": days},
    )
    return row, token


def api_token_authenticate(*, token: str) -> User | None:
    """The active user a bearer token belongs to, or None when it is unknown, expired or revoked."""
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = (
        ApiToken.objects.select_related("user", "user__region")
        .filter(digest=_digest(token))
        .first()
    )
    now = timezone.now()
    if row is None or not row.is_usable(now):
        return None
    if row.last_used_at is None or now - row.last_used_at > TOKEN_TOUCH_INTERVAL:
        ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
    return row.user


@service
def api_token_revoke(*, acting_user: User | None, token: ApiToken) -> ApiToken:
    """Revoke a personal token at once (a token already revoked stays as it was; the attempt is
    recorded all the same)."""
    require(acting_user, policies.MANAGE_API_TOKENS)
    updated = ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    token.refresh_from_db()
    details: dict[str, Any] = {"prefix": token.prefix}
    if not updated:
        details["already_revoked"] = True
    audit_append(
        actor=acting_user,
        action="api_token.revoke",
        obj=token,
        region=token.user.region,
        details=details,
    )
    return token
