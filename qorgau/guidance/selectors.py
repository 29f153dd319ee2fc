"""Every read of the guidance app: published pages for the public, versions for editors."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import get_language

from qorgau.core.models import User
from qorgau.core.permissions import visible_to
from qorgau.guidance.enums import GUIDANCE_ORDER, GuidanceLanguage, GuidanceSlug, VersionStatus
from qorgau.guidance.models import GuidanceVersion

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

# Which pages the advice after a report points to, by what was reported.
GUIDANCE_FOR_CATEGORY = {
    "sextortion": ["blackmail", "pictures", "rights"],
    "grooming": ["pictures", "parents", "rights"],
    "suspicious_contact": ["pictures", "parents"],
    "abuse": ["rights", "parents"],
    "abuse_images": ["pictures", "parents", "rights"],
    "other": ["rights", "parents"],
}


def _language() -> str:
    language = (get_language() or "ru")[:2]
    return language if language in GuidanceLanguage.values else "ru"


def guidance_published(*, slug: str, language: str | None = None) -> GuidanceVersion:
    """The published version of a page in the language (Russian when it has none), or 404."""
    language = language or _language()
    versions = {
        v.language: v
        for v in GuidanceVersion.objects.select_related("page").filter(
            page__slug=slug, status=VersionStatus.PUBLISHED, language__in={language, "ru"}
        )
    }
    version = versions.get(language) or versions.get("ru")
    if version is None:
        raise Http404
    return version


def guidance_list_published(
    *, slugs: list[str] | None = None, language: str | None = None
) -> list[GuidanceVersion]:
    """The published pages (title and one line each), in their order, in the language."""
    language = language or _language()
    wanted = slugs if slugs is not None else GUIDANCE_ORDER
    found: dict[str, dict[str, GuidanceVersion]] = defaultdict(dict)
    for version in GuidanceVersion.objects.select_related("page").filter(
        page__slug__in=wanted, status=VersionStatus.PUBLISHED, language__in={language, "ru"}
    ):
        found[version.page.slug][version.language] = version
    result = []
    for slug in wanted:
        chosen = found[slug].get(language) or found[slug].get("ru")
        if chosen is not None:
            result.append(chosen)
    return result


def guidance_for_category(*, category: str) -> list[GuidanceVersion]:
    """The published pages that go with what was reported (a report's category), in the language."""
    return guidance_list_published(slugs=GUIDANCE_FOR_CATEGORY.get(category, ["rights", "parents"]))


@dataclass
class GuidanceCell:
    slug: str
    language: str
    published: GuidanceVersion | None
    latest: GuidanceVersion | None

    @property
    def has_newer_draft(self) -> bool:
        return (
            self.latest is not None
            and self.latest.status == VersionStatus.DRAFT
            and (self.published is None or self.latest.number > self.published.number)
        )


def guidance_overview_for_user(*, user: User) -> list[tuple[str, StrOrPromise, list[GuidanceCell]]]:
    """For editors: each page, and per language its published version and newest draft."""
    versions = visible_to(GuidanceVersion.objects.select_related("page"), user).order_by("-number")
    published: dict[tuple[str, str], GuidanceVersion] = {}
    latest: dict[tuple[str, str], GuidanceVersion] = {}
    for version in versions.defer("body_markdown", "body_html"):
        key = (version.page.slug, version.language)
        latest.setdefault(key, version)
        if version.status == VersionStatus.PUBLISHED:
            published[key] = version
    return [
        (
            slug,
            GuidanceSlug(slug).label,
            [
                GuidanceCell(slug, lang, published.get((slug, lang)), latest.get((slug, lang)))
                for lang in GuidanceLanguage.values
            ],
        )
        for slug in GUIDANCE_ORDER
    ]


def guidance_versions_for_user(
    *, user: User, slug: str, language: str
) -> QuerySet[GuidanceVersion]:
    return (
        visible_to(GuidanceVersion.objects.select_related("page", "created_by"), user)
        .filter(page__slug=slug, language=language)
        .order_by("-number")
    )


def guidance_version_get_for_user(
    *, user: User, slug: str, language: str, number: int
) -> GuidanceVersion:
    version = (
        guidance_versions_for_user(user=user, slug=slug, language=language)
        .filter(number=number)
        .first()
    )
    if version is None:
        raise Http404
    return version
