from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from qorgau.analytics import policies
from qorgau.core.models import Region, TimeStamped, User
from qorgau.core.permissions import ScopedQuerySet


class ChildPopulation(TimeStamped):
    """Children (0–17) living in a region (or the whole country, region empty) on 1 January."""

    region = models.ForeignKey(
        Region, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    children = models.PositiveIntegerField(_("children aged 0–17"))
    source = models.CharField(_("source"), max_length=300)

    class Meta:
        ordering = ["year", "region__name_en"]
        verbose_name = _("child population")
        verbose_name_plural = _("child population")
        constraints = [
            models.UniqueConstraint(fields=["region", "year"], name="analytics_population_once"),
            models.UniqueConstraint(
                fields=["year"],
                condition=models.Q(region__isnull=True),
                name="analytics_population_national_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region or 'KZ'} {self.year}: {self.children}"


class DailyCount(models.Model):
    """Pre-aggregated counts per day, region and key, filled incrementally by `tick`.

    metric "reports"; keys "all", "category:<c>", "priority:<p>", "source:<s>", "breach:<p>",
    "ttfa:<p>:<bucket>" (minutes to first action, log buckets)."""

    day = models.DateField()
    region_code = models.CharField(max_length=8, blank=True)  # "" = no region (central queue)
    metric = models.CharField(max_length=20)
    key = models.CharField(max_length=40)
    value = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["metric", "day", "region_code", "key"], name="analytics_daily_once"
            )
        ]
        indexes = [
            models.Index(fields=["metric", "key", "day"], name="analytics_daily_key"),
            models.Index(
                fields=["metric", "region_code", "day", "key"], name="analytics_daily_region"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.region_code} {self.metric}:{self.key}={self.value}"


class FillState(models.Model):
    """How far a metric's daily counts are final (Zulip's FillState): later days are refilled."""

    metric = models.CharField(max_length=20, unique=True)
    final_until = models.DateField()
    # The moment the last fill read up to: rows created from then on are not in the counts yet, and
    # the dashboard counts them live (selectors.report_counts), so a figure equals its list.
    filled_to = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.metric} ≤ {self.final_until}"


class SpikeAlert(models.Model):
    """A week in which a region's reports rose significantly above its own recent baseline."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    week_start = models.DateField()
    count = models.PositiveIntegerField()
    baseline = models.FloatField(help_text="mean weekly reports over the previous 8 weeks")
    p_value = models.FloatField()
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()
    visibility = policies.FIGURES_VISIBILITY

    class Meta:
        ordering = ["-week_start", "region__name_en"]
        constraints = [
            models.UniqueConstraint(fields=["region", "week_start"], name="analytics_spike_once")
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.week_start}: {self.count} vs {self.baseline:.1f}"


class RegionalNote(TimeStamped):
    """A regional chief's monthly note on their region's figures: what is behind them, what they need."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="+")
    month = models.DateField(help_text="the first day of the month")
    text = models.TextField(_("note"))
    author = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")

    objects = ScopedQuerySet.as_manager()
    visibility = policies.FIGURES_VISIBILITY

    class Meta:
        ordering = ["-month", "region__name_en"]
        constraints = [
            models.UniqueConstraint(fields=["region", "month"], name="analytics_note_once")
        ]

    def __str__(self) -> str:
        return f"{self.region_id} {self.month:%Y-%m}"
