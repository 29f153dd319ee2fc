"""Django's authentication signals are the one hook every login path shares (staff page, admin, API
tests): each is written to the audit log through the core services."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from qorgau.core import selectors, services
from qorgau.core.models import Region
from qorgau.core.utils import client_ip


@receiver(user_logged_in, dispatch_uid="qorgau_audit_login")
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    services.audit_login(user=user, ip=client_ip(request))


@receiver(user_logged_out, dispatch_uid="qorgau_audit_logout")
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    services.audit_logout(user=user, ip=client_ip(request))


@receiver(user_login_failed, dispatch_uid="qorgau_audit_login_failed")
def _login_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    services.audit_login_failed(
        username=str(credentials.get("username", "")), ip=client_ip(request)
    )


@receiver(post_save, sender=Region, dispatch_uid="qorgau_region_cache_save")
@receiver(post_delete, sender=Region, dispatch_uid="qorgau_region_cache_delete")
def _region_changed(sender: Any, **kwargs: Any) -> None:
    selectors.region_cache_clear()
