"""Views of the guidance pages: editing and publishing for staff, reading for the public."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from qorgau.core.errors import NotFound, PermissionRefused, ServiceError, add_to_form
from qorgau.core.permissions import requires_visibility
from qorgau.core.types import AuthedRequest
from qorgau.guidance import selectors, services
from qorgau.guidance.enums import GuidanceLanguage, GuidanceSlug
from qorgau.guidance.forms import GuidanceForm
from qorgau.guidance.models import GuidanceVersion

# --- Staff ----------------------------------------------------------------------------------------


def _check_page(slug: str, language: str) -> None:
    if slug not in GuidanceSlug.values or language not in GuidanceLanguage.values:
        raise Http404


@login_required
@requires_visibility(GuidanceVersion)
@require_GET
def overview(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "guidance/overview.html",
        {
            "pages": selectors.guidance_overview_for_user(user=request.user),
            "languages": GuidanceLanguage.choices,
        },
    )


@login_required
@requires_visibility(GuidanceVersion)
@require_http_methods(["GET", "POST"])
def edit(request: AuthedRequest, slug: str, language: str) -> HttpResponse:
    _check_page(slug, language)
    versions = selectors.guidance_versions_for_user(user=request.user, slug=slug, language=language)
    latest = versions.first()
    initial = (
        {"title": latest.title, "summary": latest.summary, "body_markdown": latest.body_markdown}
        if latest
        else {}
    )
    form = GuidanceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.guidance_save_draft(
                acting_user=request.user, slug=slug, language=language, **form.cleaned_data
            )
        except (PermissionRefused, NotFound):
            raise  # a 403 or a 404, not a form error
        except ServiceError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The draft was saved. Check it, then publish it."))
            return redirect("guidance:version", slug=slug, language=language, number=version.number)
    return render(
        request,
        "guidance/edit.html",
        {
            "form": form,
            "slug": slug,
            "page_label": GuidanceSlug(slug).label,
            "language": language,
            "language_label": GuidanceLanguage(language).label,
            "versions": versions[:30],
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@requires_visibility(GuidanceVersion)
@require_http_methods(["GET", "POST"])
def version(request: AuthedRequest, slug: str, language: str, number: int) -> HttpResponse:
    _check_page(slug, language)
    shown = selectors.guidance_version_get_for_user(
        user=request.user, slug=slug, language=language, number=number
    )
    if request.method == "POST":
        try:
            services.guidance_publish(acting_user=request.user, version=shown)
        except (PermissionRefused, NotFound):
            raise
        except ServiceError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("This version is now published."))
        return redirect("guidance:version", slug=slug, language=language, number=number)
    return render(
        request,
        "guidance/version.html",
        {
            "version": shown,
            "page_label": GuidanceSlug(slug).label,
            "language_label": GuidanceLanguage(language).label,
        },
    )


# --- Public ---------------------------------------------------------------------------------------


@require_GET
def page(request: HttpRequest, slug: str) -> HttpResponse:
    """A guidance page for the public, in the request's language (Russian when it has none)."""
    if slug not in GuidanceSlug.values:
        raise Http404
    shown = selectors.guidance_published(slug=slug)
    others = [v for v in selectors.guidance_list_published() if v.page.slug != slug]
    return render(request, "guidance/page.html", {"version": shown, "others": others})
