"""Rate limits (a token bucket in the database) and the sign-in throttling."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from qorgau.core.derived_keys import RATE_LIMIT, keyed_digest
from qorgau.core.models import (
    TokenBucket,
)


def rate_limit_key(scope: str, value: str) -> str:
    """A keyed hash naming what is limited: the database never holds the address itself. (A change
    of lookup key starts every bucket afresh: nothing else is lost.)"""
    return keyed_digest(RATE_LIMIT, f"{scope}:{value}")


@transaction.atomic
def rate_limit_take(*, scope: str, value: str, capacity: int, per_seconds: float) -> bool:
    """Take one token from the bucket of (scope, value); False when it is empty.

    The bucket holds at most `capacity` tokens and refills completely in `per_seconds`.
    """
    key = rate_limit_key(scope, value)
    now = timezone.now()
    bucket = TokenBucket.objects.select_for_update().filter(key=key).first()
    if bucket is None:
        try:
            with transaction.atomic():
                TokenBucket.objects.create(key=key, tokens=capacity - 1, updated_at=now)
            return True
        except IntegrityError:
            bucket = TokenBucket.objects.select_for_update().get(key=key)
    elapsed = max((now - bucket.updated_at).total_seconds(), 0.0)
    tokens = min(float(capacity), bucket.tokens + elapsed * capacity / per_seconds)
    allowed = tokens >= 1.0
    if allowed:
        tokens -= 1.0
    TokenBucket.objects.filter(pk=bucket.pk).update(tokens=tokens, updated_at=now)
    return allowed


def rate_limit_wait(*, scope: str, value: str, capacity: int, per_seconds: float) -> float:
    """Seconds until the bucket of (scope, value) holds one token again (0 if it does); reads only."""
    bucket = TokenBucket.objects.filter(key=rate_limit_key(scope, value)).first()
    if bucket is None:
        return 0.0
    elapsed = max((timezone.now() - bucket.updated_at).total_seconds(), 0.0)
    tokens = min(float(capacity), bucket.tokens + elapsed * capacity / per_seconds)
    if tokens >= 1.0:
        return 0.0
    return (1.0 - tokens) * per_seconds / capacity


# Sign-in throttling. Failures (a wrong password, a wrong code) are counted per account *from one
# address* and per address, never per account alone at the password step: an account-wide count would
# let anyone who knows a username keep its owner out by failing from a few addresses. Each bucket
# slows down rather than locks: when it is empty one more attempt comes back every
# QORGAU_LOGIN_LOCKOUT_SECONDS / capacity seconds. The code step, which only someone holding the
# password reaches, also counts per account: the authenticator code is the real barrier and may not
# be guessed from many addresses at once.
LOGIN_ACCOUNT_ADDRESS_SCOPE = "login.account_address"
LOGIN_ADDRESS_SCOPE = "login.address"
LOGIN_CODE_SCOPE = "login.account_code"
PASSWORD_STAGE = "password"
CODE_STAGE = "code"


def _login_buckets(username: str, ip: str | None, stage: str) -> list[tuple[str, str, int]]:
    account = username.strip().casefold()
    buckets = [
        (
            LOGIN_ACCOUNT_ADDRESS_SCOPE,
            f"{account}\n{ip or ''}",
            settings.QORGAU_LOGIN_FAILURES_PER_ACCOUNT,
        )
    ]
    if ip:
        buckets.append((LOGIN_ADDRESS_SCOPE, ip, settings.QORGAU_LOGIN_FAILURES_PER_ADDRESS))
    if stage == CODE_STAGE:
        buckets.append((LOGIN_CODE_SCOPE, account, settings.QORGAU_LOGIN_CODE_FAILURES_PER_ACCOUNT))
    return buckets


def login_lockout_wait(*, username: str, ip: str | None, stage: str = PASSWORD_STAGE) -> int:
    """Whole seconds before this account may be tried again from this address at this stage
    (`password` or `code`); 0: now."""
    wait = 0.0
    for scope, value, capacity in _login_buckets(username, ip, stage):
        wait = max(
            wait,
            rate_limit_wait(
                scope=scope,
                value=value,
                capacity=capacity,
                per_seconds=settings.QORGAU_LOGIN_LOCKOUT_SECONDS,
            ),
        )
    return int(wait) + (1 if wait % 1 else 0)


@transaction.atomic
def login_failure_record(*, username: str, ip: str | None, stage: str = PASSWORD_STAGE) -> None:
    """Count one failed attempt (a wrong password, or at the `code` stage a wrong code)."""
    for scope, value, capacity in _login_buckets(username, ip, stage):
        rate_limit_take(
            scope=scope,
            value=value,
            capacity=capacity,
            per_seconds=settings.QORGAU_LOGIN_LOCKOUT_SECONDS,
        )


# Every bucket refills completely well within this (an hour at most, by default): one untouched
# for longer is full, the same as no bucket. Dropping it leaves no trace of the address it counted.
BUCKET_IDLE_SECONDS = 24 * 3600


def rate_limit_buckets_prune() -> int:
    """Delete the buckets untouched for a day or longer than a lockout (`tick`): they are full, and
    each is a keyed hash of an address, or an account, with the time it was last seen."""
    idle = max(BUCKET_IDLE_SECONDS, settings.QORGAU_LOGIN_LOCKOUT_SECONDS)
    cutoff = timezone.now() - timedelta(seconds=idle)
    deleted, _ = TokenBucket.objects.filter(updated_at__lt=cutoff).delete()
    return deleted
