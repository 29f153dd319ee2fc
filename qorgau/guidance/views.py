"""Views of the guidance pages: editing and publishing for staff, reading for the public."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from qorgau.core.permissions import requires_visibility
from qorgau.prevention import selectors, services
from qorgau.prevention.enums import GuidanceLanguage, GuidanceSlug
from qorgau.prevention.forms import GuidanceForm
from qorgau.prevention.models import GuidanceVersion

# --- Guidance: staff ------------------------------------------------------------------------------


def _check_page(slug: str, language: str) -> None:
    if slug not in GuidanceSlug.values or language not in GuidanceLanguage.values:
        raise Http404


@login_required
@requires_visibility(GuidanceVersion)
@require_GET
def guidance_overview(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "prevention/guidance_overview.html",
        {
            "pages": selectors.guidance_overview_for_user(user=request.user),
            "languages": GuidanceLanguage.choices,
        },
    )


@login_required
@requires_visibility(GuidanceVersion)
@require_http_methods(["GET", "POST"])
def guidance_edit(request: HttpRequest, slug: str, language: str) -> HttpResponse:
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
        except services.PreventionRefused as exc:
            form.add_service_errors(exc.errors or {"__all__": [exc.message]})
        else:
            messages.success(request, _("The draft was saved. Check it, then publish it."))
            return redirect(
                "prevention:guidance_version", slug=slug, language=language, number=version.number
            )
    return render(
        request,
        "prevention/guidance_edit.html",
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
def guidance_version(request: HttpRequest, slug: str, language: str, number: int) -> HttpResponse:
    _check_page(slug, language)
    version = selectors.guidance_version_get_for_user(
        user=request.user, slug=slug, language=language, number=number
    )
    if request.method == "POST":
        try:
            services.guidance_publish(acting_user=request.user, version=version)
        except services.PreventionRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("This version is now published."))
        return redirect("prevention:guidance_version", slug=slug, language=language, number=number)
    return render(
        request,
        "prevention/guidance_version.html",
        {
            "version": version,
            "page_label": GuidanceSlug(slug).label,
            "language_label": GuidanceLanguage(language).label,
        },
    )


# --- Guidance: public -----------------------------------------------------------------------------


@require_GET
def guidance_page(request: HttpRequest, slug: str) -> HttpResponse:
    """A guidance page for the public, in the request's language (Russian when it has none)."""
    if slug not in GuidanceSlug.values:
        raise Http404
    version = selectors.guidance_published(slug=slug)
    others = [v for v in selectors.guidance_list_published() if v.page.slug != slug]
    return render(request, "prevention/guidance_page.html", {"version": version, "others": others})
