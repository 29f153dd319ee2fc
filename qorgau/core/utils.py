from __future__ import annotations

from django.http import HttpRequest


def client_ip(request: HttpRequest | None) -> str | None:
    """The address the request came from (the proxy in front sets REMOTE_ADDR via gunicorn)."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None
