"""The error pages (400, 403, 404, 413, 500): the staff layout for a signed-in member of staff,
the child's layout for the public."""

from __future__ import annotations

import contextlib
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


# Error pages: rendered like Django's own, but marked as such, so that the language switcher does
# not carry the query string (which may hold what someone searched for) into the page. A signed-in
# member of staff gets the staff layout (their menu, no quick exit or helplines); the public the
# child's. Nothing of the request but its path is shown.
def _error_page(request: HttpRequest, template: str, status: int) -> HttpResponse:
    return render(request, template, error_context(request), status=status)


def error_context(request: HttpRequest) -> dict[str, Any]:
    """What an error page's template needs: whether to use the staff layout, and which."""
    staff = staff_signed_in(request)
    return {
        "error_page": True,
        "staff_layout": staff,
        "layout": "staff/base.html" if staff else "public/base.html",
    }


def staff_signed_in(request: HttpRequest) -> bool:
    """Whether a member of staff is signed in on this request. Before the authentication middleware
    has run (a body refused as too large, 413), the user is read from the session cookie."""
    user = getattr(request, "user", None)
    if user is None:
        from importlib import import_module

        from django.contrib.auth import get_user

        if not hasattr(request, "session"):
            engine = import_module(settings.SESSION_ENGINE)
            key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
            request.session = engine.SessionStore(key)
        try:
            user = get_user(request)
        except Exception:  # a broken session is no member of staff
            return False
        request.user = user  # for the layout's menu (the context processor reads it)
    if not (getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)):
        return False
    from qorgau.core.services import second_factor_required

    return not second_factor_required(user) or _second_factor_passed(request, user)


def _second_factor_passed(request: HttpRequest, user: Any) -> bool:
    """django-otp's verdict (OTPMiddleware), or, before it has run, the session's device."""
    verified = getattr(user, "is_verified", None)
    if verified is not None:
        return bool(verified())
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.models import Device

    persistent_id = request.session.get(DEVICE_ID_SESSION_KEY)
    device = Device.from_persistent_id(persistent_id) if persistent_id else None
    return device is not None and device.user_id == user.pk


def server_error(request: HttpRequest) -> HttpResponse:
    """500: the staff layout for a member of staff when it renders, else the static page (which
    needs no database, no template tag and no translation)."""
    from django.template import loader

    # Django has logged the error already; the layout may be what failed: then the plain page.
    with contextlib.suppress(Exception):
        if staff_signed_in(request):
            body = loader.render_to_string("500_staff.html", error_context(request), request)
            return HttpResponse(body, status=500)
    return HttpResponse(loader.get_template("500.html").render(), status=500)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error_page(request, "400.html", 400)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error_page(request, "403.html", 403)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return _error_page(request, "404.html", 404)
