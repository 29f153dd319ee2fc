from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

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

    def process_response(self, request: HttpRequest, response: HttpResponse) -> HttpResponse:
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
