"""Guidance pages: drafts and publishing, by the central office."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.core.enums import Role
from qorgau.core.models import User
from qorgau.core.services import audit_append
from qorgau.prevention.enums import GuidanceLanguage, GuidanceSlug, VersionStatus
from qorgau.prevention.markup import render_markdown
from qorgau.prevention.models import GuidancePage, GuidanceVersion
from qorgau.prevention.services._common import PreventionRefused, _text


def _check_editor(acting_user: User | None) -> None:
    if acting_user is not None and acting_user.role != Role.CENTRAL_OFFICE:
        raise PreventionRefused(_("Only the central office edits the guidance pages."))


@transaction.atomic
def guidance_save_draft(
    *,
    acting_user: User | None,
    slug: str,
    language: str,
    title: str,
    body_markdown: str,
    summary: str = "",
) -> GuidanceVersion:
    """Save a new draft version of a guidance page in one language (rendered and sanitised)."""
    _check_editor(acting_user)
    if slug not in GuidanceSlug.values or language not in GuidanceLanguage.values:
        raise PreventionRefused(_("There is no such guidance page."))
    errors: dict[str, list[str]] = {}
    title, summary = _text(title), _text(summary)
    if not title:
        errors["title"] = [_("Give the title.")]
    elif len(title) > 200:
        errors["title"] = [_("This is too long.")]
    if len(summary) > 300:
        errors["summary"] = [_("This is too long.")]
    body_markdown = (body_markdown or "").replace("\r\n", "\n").strip()
    if not body_markdown:
        errors["body_markdown"] = [_("Write the text of the page.")]
    elif len(body_markdown) > 50_000:
        errors["body_markdown"] = [_("This is too long.")]
    if errors:
        raise PreventionRefused(errors=errors)
    page, _created = GuidancePage.objects.get_or_create(
        slug=slug, defaults={"position": GuidanceSlug.values.index(slug)}
    )
    page = GuidancePage.objects.select_for_update().get(pk=page.pk)
    last = page.versions.filter(language=language).aggregate(n=Max("number"))["n"] or 0
    version = GuidanceVersion.objects.create(
        page=page,
        language=language,
        number=last + 1,
        title=title,
        summary=summary,
        body_markdown=body_markdown + "\n",
        body_html=render_markdown(body_markdown),
        created_by=acting_user,
    )
    audit_append(
        actor=acting_user,
        action="guidance.draft",
        obj=version,
        details={"page": slug, "language": language, "version": version.number},
    )
    return version


@transaction.atomic
def guidance_publish(*, acting_user: User | None, version: GuidanceVersion) -> GuidanceVersion:
    """Publish a version: the one published before it in that language is replaced."""
    _check_editor(acting_user)
    if version.status == VersionStatus.PUBLISHED:
        return version
    GuidancePage.objects.select_for_update().get(pk=version.page_id)
    now = timezone.now()
    GuidanceVersion.objects.filter(
        page_id=version.page_id, language=version.language, status=VersionStatus.PUBLISHED
    ).update(status=VersionStatus.SUPERSEDED, updated_at=now)
    if not GuidanceVersion.objects.filter(pk=version.pk, status=version.status).update(
        status=VersionStatus.PUBLISHED, published_at=now, published_by=acting_user, updated_at=now
    ):
        raise PreventionRefused(_("Someone else changed this version meanwhile. Reload the page."))
    version.refresh_from_db()
    audit_append(
        actor=acting_user,
        action="guidance.publish",
        obj=version,
        details={
            "page": version.page.slug,
            "language": version.language,
            "version": version.number,
        },
    )
    return version
