"""The duty rota: shifts (who is on duty from when to when) and the weekly patterns they are written
out from; a model of core, kept beside models.py (which imports it) for the size of the module.

A shift of a region is an analyst's; a shift without a region is the national duty desk's (a member
of the central office). Weekly patterns are written out as shifts `QORGAU_DUTY_PLAN_DAYS` ahead (by
the service that makes the pattern, then by `tick`), so "who is on duty now" and the coverage view
are plain queries on shifts. Deleting a shift cancels it (`cancelled_at`): a cancelled occurrence of
a pattern is not written out again.
"""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from qorgau.core import policies
from qorgau.core.enums import Weekday
from qorgau.core.models import Region, TimeStamped, User, new_public_id
from qorgau.core.permissions import ScopedQuerySet


class DutyPatternQuerySet(ScopedQuerySet):
    pass


class DutyPattern(TimeStamped):
    """Every `weekday`, `starts`–`ends` in the programme's time zone (TIME_ZONE), from `valid_from`
    to `valid_until` (inclusive; None: until ended). `ends` at or before `starts`: a night shift,
    ending the next day (equal times are refused as empty)."""

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    user = models.ForeignKey(
        User, verbose_name=_("on duty"), on_delete=models.PROTECT, related_name="duty_patterns"
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty: the national duty desk."),
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    starts = models.TimeField(_("from"))
    ends = models.TimeField(_("to"))
    valid_from = models.DateField(_("valid from"))
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    # Shifts are written out up to this date (inclusive): `tick` looks only at patterns behind.
    planned_until = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects = DutyPatternQuerySet.as_manager()

    visibility = policies.DUTY_VISIBILITY

    class Meta:
        ordering = ["weekday", "starts"]
        verbose_name = _("weekly duty pattern")
        verbose_name_plural = _("weekly duty patterns")
        constraints = [
            models.CheckConstraint(
                condition=~Q(starts=F("ends")), name="core_dutypattern_not_empty"
            ),
            models.CheckConstraint(
                condition=Q(valid_until__isnull=True) | Q(valid_until__gte=F("valid_from")),
                name="core_dutypattern_valid_dates",
            ),
        ]
        indexes = [models.Index(fields=["planned_until"], name="core_dutypattern_planned")]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.starts:%H:%M}–{self.ends:%H:%M}"

    @property
    def is_night(self) -> bool:
        return self.ends <= self.starts


class DutyShiftQuerySet(ScopedQuerySet):
    def active(self) -> DutyShiftQuerySet:
        return self.filter(cancelled_at__isnull=True)


class DutyShift(TimeStamped):
    """One person on duty from `starts_at` to `ends_at`, for a region (an analyst) or for the
    national duty desk (`region` None, a member of the central office)."""

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    user = models.ForeignKey(
        User, verbose_name=_("on duty"), on_delete=models.PROTECT, related_name="duty_shifts"
    )
    region = models.ForeignKey(
        Region,
        verbose_name=_("region"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    starts_at = models.DateTimeField(_("from"))
    ends_at = models.DateTimeField(_("to"))
    pattern = models.ForeignKey(
        DutyPattern, on_delete=models.PROTECT, null=True, blank=True, related_name="shifts"
    )
    # The date (in TIME_ZONE) of the pattern's occurrence: written out once.
    occurs_on = models.DateField(null=True, blank=True)
    swapped_from = models.ForeignKey(
        User,
        verbose_name=_("swapped from"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancelled_at = models.DateTimeField(null=True, blank=True)

    objects = DutyShiftQuerySet.as_manager()

    visibility = policies.DUTY_VISIBILITY

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("duty shift")
        verbose_name_plural = _("duty shifts")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="core_dutyshift_not_empty"
            ),
            models.UniqueConstraint(
                fields=["pattern", "occurs_on"],
                condition=Q(pattern__isnull=False),
                name="core_dutyshift_once_per_occurrence",
            ),
        ]
        indexes = [
            # who is on duty now (per user), the coverage of a window (per region)
            models.Index(fields=["user", "ends_at", "starts_at"], name="core_dutyshift_user"),
            models.Index(fields=["ends_at", "starts_at"], name="core_dutyshift_window"),
        ]

    def __str__(self) -> str:
        return f"{self.starts_at:%Y-%m-%d %H:%M}–{self.ends_at:%H:%M}"
