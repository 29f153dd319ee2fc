"""Every write of the guidance app: drafts and publishing, by the central office. Each service checks
who acts (`require`), validates, writes and audits in one transaction."""

from __future__ import annotations

from django.db.models import Max
from django.utils.translation import gettext as _

from qorgau.core.errors import Conflict, InvalidInput, NotFound
from qorgau.core.models import User
from qorgau.core.permissions import require, service
from qorgau.core.services import audit_append
from qorgau.core.transitions import Transitions, transition
from qorgau.guidance.enums import GuidanceLanguage, GuidanceSlug, VersionStatus
from qorgau.guidance.markup import render_markdown
from qorgau.guidance.models import GuidancePage, GuidanceVersion
from qorgau.guidance.policies import EDIT_GUIDANCE

TITLE_MAX = 200
SUMMARY_MAX = 300
BODY_MAX = 50_000

# A version is published (a draft, or an older version brought back); publishing it replaces the
# version published before it in that language. Two tables, so that each move has its audit entry.
PUBLISH = Transitions(
    {
        VersionStatus.DRAFT: {VersionStatus.PUBLISHED},
        VersionStatus.SUPERSEDED: {VersionStatus.PUBLISHED},
    },
    action="guidance.publish",
    changed_at="published_at",
    labels=VersionStatus,
)
SUPERSEDE = Transitions(
    {VersionStatus.PUBLISHED: {VersionStatus.SUPERSEDED}},
    action="guidance.supersede",
    labels=VersionStatus,
)


def _text(value: object) -> str:
    return " ".join(str(value or "").split())


@service
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
    require(acting_user, EDIT_GUIDANCE)
    if slug not in GuidanceSlug.values or language not in GuidanceLanguage.values:
        raise NotFound(_("There is no such guidance page."))
    errors: dict[str, list[str]] = {}
    title, summary = _text(title), _text(summary)
    if not title:
        errors["title"] = [_("Give the title.")]
    elif len(title) > TITLE_MAX:
        errors["title"] = [_("This is too long.")]
    if len(summary) > SUMMARY_MAX:
        errors["summary"] = [_("This is too long.")]
    body_markdown = (body_markdown or "").replace("\r\n", "\n").strip()
    if not body_markdown:
        errors["body_markdown"] = [_("Write the text of the page.")]
    elif len(body_markdown) > BODY_MAX:
        errors["body_markdown"] = [_("This is too long.")]
    if errors:
        raise InvalidInput(errors)
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


@service
def guidance_publish(*, acting_user: User | None, version: GuidanceVersion) -> GuidanceVersion:
    """Publish a version: the one published before it in that language is replaced."""
    require(acting_user, EDIT_GUIDANCE, version)
    if version.status == VersionStatus.PUBLISHED:
        raise Conflict(_("This version is already published."))
    # One publisher of a page at a time: the page's row is the lock.
    GuidancePage.objects.select_for_update().get(pk=version.page_id)
    details = {"page": version.page.slug, "language": version.language}
    for current in GuidanceVersion.objects.filter(
        page_id=version.page_id, language=version.language, status=VersionStatus.PUBLISHED
    ).exclude(pk=version.pk):
        transition(
            current,
            to=VersionStatus.SUPERSEDED,
            table=SUPERSEDE,
            acting_user=acting_user,
            details={**details, "version": current.number, "by": version.number},
        )
    return transition(
        version,
        to=VersionStatus.PUBLISHED,
        table=PUBLISH,
        acting_user=acting_user,
        updates={"published_by": acting_user},
        details={**details, "version": version.number},
    )
