from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import add_never_cache_headers

from qorgau.core.types import SecondFactorRequest
from qorgau.core.utils import from_trusted_proxy

# A JSON escape of NUL or of half of a surrogate pair: the only ways a JSON body can carry text that
# no database stores (a raw NUL byte is caught before). Emoji escaped as a pair match too, and are
# then parsed and pass.
_RISKY_ESCAPE = re.compile(rb"\\u(?:0000|[dD][89a-fA-F][0-9a-fA-F]{2})")

FALLBACK_LANGUAGE = "ru"


def supported_language(code: str | None) -> str | None:
    """`kk`, `ru` or `en` for a code such as `kk-KZ` or `EN`; None for anything else."""
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code.strip().lower()[:2])
    except LookupError:
        return None


def language_for_request(request: HttpRequest) -> str:
    """?lang= first, then the language cookie, the staff member's preference, the browser, Russian.

    A code that is asked for but not supported falls back to Russian, the language of the programme.
    """
    requested = request.GET.get("lang")
    if requested is not None:
        return supported_language(requested) or FALLBACK_LANGUAGE
    cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
    if cookie:
        return supported_language(cookie) or FALLBACK_LANGUAGE
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated and supported_language(user.language):
        return user.language
    return supported_language(translation.get_language_from_request(request)) or FALLBACK_LANGUAGE


class QorgauLocaleMiddleware(LocaleMiddleware):
    """Django's LocaleMiddleware with ?lang= links and the staff member's preferred language."""

    def process_request(self, request: HttpRequest) -> None:
        language = language_for_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        response = super().process_response(request, response)
        requested = supported_language(request.GET.get("lang"))
        if requested and request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME) != requested:
            response.set_cookie(
                settings.LANGUAGE_COOKIE_NAME,
                requested,
                max_age=settings.LANGUAGE_COOKIE_AGE,
                path=settings.LANGUAGE_COOKIE_PATH,
                secure=settings.LANGUAGE_COOKIE_SECURE,
                httponly=True,
                samesite=settings.LANGUAGE_COOKIE_SAMESITE,
            )
        return response


def unstorable(text: str) -> str | None:
    """Why this text cannot be stored, or None: "nul" (PostgreSQL refuses NUL in text) or
    "surrogate" (half of a UTF-16 pair, which JSON can escape on its own: no UTF-8 encodes it)."""
    if "\x00" in text:
        return "nul"
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return "surrogate"
    return None


def _printable(key: str) -> str:
    return key.encode("utf-8", "replace").decode("utf-8").replace("\x00", "")[:60]


def unstorable_in(value: Any, path: tuple[str, ...] = ()) -> tuple[str, str] | None:
    """The first text in a parsed JSON value (keys included) that cannot be stored: its path, as the
    API names fields (`suspect.identifiers.0.value`), and why (`unstorable`)."""
    if isinstance(value, str):
        problem = unstorable(value)
        return (".".join(path) or "body", problem) if problem else None
    if isinstance(value, dict):
        for key, item in value.items():
            here = (*path, _printable(str(key)) or "body")
            problem = unstorable(str(key))
            if problem:
                return ".".join(here), problem
            found = unstorable_in(item, here)
            if found:
                return found
    if isinstance(value, list):
        for n, item in enumerate(value):
            found = unstorable_in(item, (*path, str(n)))
            if found:
                return found
    return None


class RejectUnstorableTextMiddleware:
    """Refuse text that cannot be stored, in the path, the query, a form field or a JSON body:
    a NUL character (`\\u0000`) or a lone surrogate (`\\ud800` without its pair).

    PostgreSQL cannot store NUL in text, and no UTF-8 encodes a lone surrogate (encryption and both
    databases fail on it): without this, such a request reached the database and answered 500
    (found by property tests and fuzzing, and by issue 18's second security pass). The API answers
    422 naming the field, in its error shape; pages answer 400. Form bodies and query strings are
    decoded by Django with errors="replace", so a surrogate can only come in JSON; they are checked
    all the same. Files (multipart) may of course contain anything.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        found = self._unstorable_field(request)
        if found is None:
            return self.get_response(request)
        from django.http import HttpResponseBadRequest, JsonResponse
        from django.utils.translation import gettext as _

        field, problem = found
        if problem == "nul":
            message = _(
                "The text contains a NUL character (\\0), which cannot be stored. Remove it."
            )
        else:
            message = _(
                "The text contains a character that is not valid Unicode (half of a surrogate "
                "pair), which cannot be stored. Remove it."
            )
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": [{"field": field, "message": message}]}, status=422)
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")

    @staticmethod
    def _unstorable_field(request: HttpRequest) -> tuple[str, str] | None:
        problem = unstorable(request.path)
        if problem:
            return "path", problem
        for key, values in request.GET.lists():
            for text in (key, *values):
                if problem := unstorable(text):
                    return _printable(key) or "query", problem
        content_type = request.content_type or ""
        if request.method not in ("POST", "PUT", "PATCH"):
            return None
        if content_type == "application/json":
            body = request.body
            if b"\x00" in body:
                return "body", "nul"
            # only an escape of NUL or of a surrogate (\u0000, \ud800) can make such text: parse only
            # bodies with one (not every body whose client escapes Cyrillic as \u04..)
            if not _RISKY_ESCAPE.search(body):
                return None
            try:
                return unstorable_in(json.loads(body))
            except (ValueError, RecursionError):
                return None  # not JSON (or nested beyond reason): the API answers 400 for it
        if content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            for key, values in request.POST.lists():
                for text in (key, *values):
                    if problem := unstorable(text):
                        return _printable(key) or "body", problem
        return None


class SecondFactorMiddleware:
    """Until a session passes the second factor, its user is anonymous everywhere.

    Denying by default (and not by decorating staff views) means no page, admin view or future URL can
    forget the check. The user waiting for the second step is kept as `request.otp_pending_user` for the
    views of that step; the logout view still sees them, so the logout is audited.
    Placed after django-otp's OTPMiddleware, which tells whether the session is verified.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: SecondFactorRequest, view_func: Callable, view_args: tuple, view_kwargs: dict
    ) -> None:
        from qorgau.core.services import second_factor_required

        request.otp_pending_user = None
        user = request.user
        # is_verified: set on the user by django-otp's OTPMiddleware, which runs before this one.
        if not second_factor_required(user) or user.is_verified():  # type: ignore[attr-defined]
            return
        request.otp_pending_user = user
        match = request.resolver_match
        if match is None or match.view_name != "core:logout":
            request.user = AnonymousUser()


# Pages that can show personal data: everything of a signed-in member of staff, and the staff, admin
# and API addresses whoever asks (a sign-in page, a 401 or a 404 there is not worth keeping either).
PRIVATE_PREFIXES = ("/staff/", "/admin/", "/api/")


class NoStoreMiddleware:
    """Browsers and proxies keep nothing Qorgau shows staff (OWASP ASVS 8.2.1): `Cache-Control:
    no-store` on every answer to a signed-in user and on every staff, admin and API address, so a
    report read on a shared computer is not in its cache, nor behind its back button after sign-out.
    An answer that sets its own Cache-Control (the public button script) keeps it."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        response = self.get_response(request)
        if response.has_header("Cache-Control"):
            return response
        user = getattr(request, "user", None)
        if request.path.startswith(PRIVATE_PREFIXES) or (
            user is not None and user.is_authenticated
        ):
            add_never_cache_headers(response)
        return response


# What a proxy tells the application about the request; only a trusted proxy may say it.
FORWARDED_HEADERS = ("HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST", "HTTP_X_FORWARDED_PORT")


class UntrustedForwardedHeadersMiddleware:
    """With TRUSTED_PROXIES set, `X-Forwarded-Proto` (and -Host, -Port) from any other peer is
    dropped before SecurityMiddleware reads it: a client reaching gunicorn directly cannot claim to
    be on HTTPS (skipping the redirect, passing CSRF's secure-origin checks). Without TRUSTED_PROXIES
    the headers are left as before, so an installation behind nginx that has not set the list yet
    keeps working rather than looping on the HTTPS redirect. (X-Forwarded-For is read only by
    `client_ip`, which makes the same check.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if settings.TRUSTED_PROXIES and not from_trusted_proxy(request):
            for name in FORWARDED_HEADERS:
                request.META.pop(name, None)
        return self.get_response(request)
