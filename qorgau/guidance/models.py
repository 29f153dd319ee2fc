"""Guidance pages for children, parents and teachers: each page has versions per language.

The tables keep the names they had in the prevention app (`prevention_guidance*`): the models moved
to this app without their rows being copied (guidance migration 0001, prevention migration 0003).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qorgau.core.models import TimeStamped, User
from qorgau.core.permissions import ScopedQuerySet
from qorgau.guidance import policies
from qorgau.guidance.enums import GuidanceLanguage, GuidanceSlug, VersionStatus


class GuidancePage(TimeStamped):
    slug = models.CharField(_("page"), max_length=16, unique=True, choices=GuidanceSlug.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        db_table = "prevention_guidancepage"
        ordering = ["position", "slug"]
        verbose_name = _("guidance page")
        verbose_name_plural = _("guidance pages")

    def __str__(self) -> str:
        return self.slug


class GuidanceVersion(TimeStamped):
    """One version of a guidance page in one language: drafts, one published, older ones replaced.

    `body_html` is the Markdown rendered and sanitised with nh3 when the version is saved."""

    page = models.ForeignKey(GuidancePage, on_delete=models.CASCADE, related_name="versions")
    language = models.CharField(_("language"), max_length=2, choices=GuidanceLanguage.choices)
    number = models.PositiveIntegerField(_("version"))
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(_("one line about the page"), max_length=300, blank=True)
    body_markdown = models.TextField(_("text (Markdown)"))
    body_html = models.TextField(editable=False)
    status = models.CharField(
        _("status"), max_length=10, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    published_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = ScopedQuerySet.as_manager()
    visibility = policies.VERSION_VISIBILITY

    class Meta:
        db_table = "prevention_guidanceversion"
        ordering = ["page__position", "language", "-number"]
        verbose_name = _("guidance version")
        verbose_name_plural = _("guidance versions")
        # Named when the table was the prevention app's: the names stay, as the table's do.
        constraints = [
            models.UniqueConstraint(
                fields=["page", "language", "number"], name="prevention_guidance_number_once"
            ),
            models.UniqueConstraint(
                fields=["page", "language"],
                condition=Q(status=VersionStatus.PUBLISHED),
                name="prevention_guidance_one_published",
            ),
            models.CheckConstraint(
                condition=Q(status__in=VersionStatus.values),
                name="prevention_guidance_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.page.slug}.{self.language} v{self.number}"
