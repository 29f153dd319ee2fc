"""Platform tokens: creating, authenticating and revoking them."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connection
from django.utils import timezone

from qorgau.core.models import User
from qorgau.core.permissions import require, service
from qorgau.core.services import audit_append
from qorgau.intake import policies
from qorgau.intake.models import Platform, PlatformToken

PLATFORM_TOKEN_PREFIX = "qp_"


@service
def platform_token_create(
    *, acting_user: User | None, platform_name: str
) -> tuple[PlatformToken, str]:
    """Create a platform (if new) and a token for it; the token is returned once, stored hashed."""
    require(acting_user, policies.MANAGE_PLATFORM_TOKENS)
    platform, _created = Platform.objects.get_or_create(name=platform_name.strip())
    prefix = secrets.token_hex(6)
    token = f"{PLATFORM_TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    row = PlatformToken.objects.create(
        platform=platform, prefix=prefix, digest=hashlib.sha256(token.encode()).hexdigest()
    )
    audit_append(
        actor=acting_user,
        action="platform_token.create",
        obj=row,
        details={"platform_id": platform.pk, "prefix": prefix},
    )
    return row, token


_PLATFORM_TOKEN_SQL = """
SELECT t.id, t.last_used_at, p.id, p.name
FROM intake_platformtoken t JOIN intake_platform p ON p.id = t.platform_id
WHERE t.digest = %s AND t.revoked_at IS NULL AND p.is_active
"""


def platform_authenticate(*, token: str) -> Platform | None:
    if not token.startswith(PLATFORM_TOKEN_PREFIX) or len(token) > 200:
        return None
    digest = hashlib.sha256(token.encode()).hexdigest()
    # Every report through the API asks this, so it is one fixed statement on the unique digest
    # index (the ORM would rebuild the same query for each request).
    with connection.cursor() as cursor:
        cursor.execute(_PLATFORM_TOKEN_SQL, [digest])
        row = cursor.fetchone()
    if row is None:
        return None
    token_id, last_used_at, platform_id, platform_name = row
    if isinstance(last_used_at, str):  # SQLite hands a raw cursor the stored text
        last_used_at = datetime.fromisoformat(last_used_at)
    if last_used_at is not None and timezone.is_naive(last_used_at):
        last_used_at = timezone.make_aware(last_used_at, UTC)
    now = timezone.now()
    if last_used_at is None or now - last_used_at > timedelta(minutes=5):
        PlatformToken.objects.filter(pk=token_id).update(last_used_at=now)
    platform = Platform(pk=platform_id, name=platform_name, is_active=True)
    platform._state.adding = False  # a row of the database, read in part: never saved from here
    return platform


@service
def platform_token_revoke(*, acting_user: User | None, token: PlatformToken) -> None:
    """Revoke a token (at once: the next request with it is refused). A token revoked already
    keeps its first revocation; the attempt is audited all the same."""
    require(acting_user, policies.MANAGE_PLATFORM_TOKENS)
    revoked = PlatformToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    details: dict[str, Any] = (
        {"prefix": token.prefix} if revoked else {"prefix": token.prefix, "already": True}
    )
    audit_append(actor=acting_user, action="platform_token.revoke", obj=token, details=details)
