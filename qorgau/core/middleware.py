from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from qorgau.core.types import SecondFactorRequest

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


class RejectNulCharactersMiddleware:
    """Refuse a NUL character in the path, the query, a form field or a JSON body (`\\u0000`).

    PostgreSQL cannot store NUL in text: without this, such a request reached the database and
    answered 500 (found by property tests and fuzzing on PostgreSQL). Django's form fields refuse
    NUL already; the API and query strings did not. Files (multipart) may of course contain it.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        field = self._nul_field(request)
        if field is None:
            return self.get_response(request)
        from django.http import HttpResponseBadRequest, JsonResponse
        from django.utils.translation import gettext as _

        message = _("The text contains a NUL character (\\0), which cannot be stored. Remove it.")
        if request.path.startswith("/api/"):
            return JsonResponse({"detail": [{"field": field, "message": message}]}, status=422)
        return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")

    @staticmethod
    def _nul_field(request: HttpRequest) -> str | None:
        if "\x00" in request.path:
            return "path"
        for key, values in request.GET.lists():
            if "\x00" in key or any("\x00" in v for v in values):
                return key.replace("\x00", "")[:60] or "query"
        content_type = request.content_type or ""
        if request.method in ("POST", "PUT", "PATCH"):
            if content_type == "application/json":
                # no .lower(): a copy of the whole body (`\\U` is not a JSON escape anyway)
                if b"\\u0000" in request.body or b"\x00" in request.body:
                    return "body"
            elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
                for key, values in request.POST.lists():
                    if "\x00" in key or any("\x00" in v for v in values):
                        return key.replace("\x00", "")[:60] or "body"
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
