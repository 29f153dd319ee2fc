"""Changes of staff access that wait for a second person's approval (four eyes); a model of core,
kept beside models.py (which imports it) for the size of the module."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qorgau.core import policies
from qorgau.core.enums import AccessChangeStatus, Role
from qorgau.core.models import Region, TimeStamped, User, new_public_id
from qorgau.core.permissions import ScopedQuerySet


class AccessChangeQuerySet(ScopedQuerySet):
    def pending(self) -> AccessChangeQuerySet:
        return self.filter(status=AccessChangeStatus.PENDING)


class AccessChange(TimeStamped):
    """A change of a member of staff's access (role, region, being switched on, facilities, partner
    organisations) that an administrator asked for and that takes effect only when a second person
    approves it: the security officer or another administrator, never the one who asked, never the
    person it is for.

    Both the values the account had when it was asked (`old_*`) and the ones asked for (`new_*`) are
    kept: approval applies them only while the account still has the old ones. Role, region,
    facility and partner organisation ids and the flags are not personal data, so the audit log
    holds them too.
    """

    public_id = models.CharField(max_length=16, unique=True, default=new_public_id, editable=False)
    user = models.ForeignKey(
        User, verbose_name=_("member of staff"), on_delete=models.PROTECT, related_name="+"
    )
    requested_by = models.ForeignKey(
        User, verbose_name=_("asked by"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    old_role = models.CharField(_("role before"), max_length=24, choices=Role.choices)
    new_role = models.CharField(_("role asked for"), max_length=24, choices=Role.choices)
    old_region = models.ForeignKey(
        Region,
        verbose_name=_("region before"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    new_region = models.ForeignKey(
        Region,
        verbose_name=_("region asked for"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    old_is_active = models.BooleanField(_("active before"))
    new_is_active = models.BooleanField(_("active asked for"))
    # Facility ids (the offenders app's, for clinicians); None when the change leaves them alone.
    old_facilities = models.JSONField(_("facilities before"), null=True, blank=True)
    new_facilities = models.JSONField(_("facilities asked for"), null=True, blank=True)
    # Partner organisation ids (the prevention app's, for partner users); None: left alone.
    old_partner_organisations = models.JSONField(
        _("partner organisations before"), null=True, blank=True
    )
    new_partner_organisations = models.JSONField(
        _("partner organisations asked for"), null=True, blank=True
    )
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=AccessChangeStatus.choices,
        default=AccessChangeStatus.PENDING,
    )
    decided_by = models.ForeignKey(
        User,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)

    objects = AccessChangeQuerySet.as_manager()

    visibility = policies.ACCESS_CHANGE_VISIBILITY

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("access change")
        verbose_name_plural = _("access changes")
        constraints = [
            # one change of a person's access waits at a time: the approver sees what they approve
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(status=AccessChangeStatus.PENDING),
                name="core_accesschange_one_pending",
            ),
            # a decision is never the asker's, nor the account holder's (withdrawing is the asker's)
            models.CheckConstraint(
                condition=Q(decided_by__isnull=True)
                | Q(status=AccessChangeStatus.CANCELLED, decided_by=models.F("requested_by"))
                | (
                    ~Q(decided_by=models.F("requested_by"))
                    & ~Q(decided_by=models.F("user"))
                    & Q(status__in=[AccessChangeStatus.APPROVED, AccessChangeStatus.REJECTED])
                ),
                name="core_accesschange_four_eyes",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.user_id}"

    def values(self, which: str) -> dict[str, Any]:
        """The access before (`which="old"`) or asked for ("new"), as the audit log keeps it."""
        values: dict[str, Any] = {
            "role": getattr(self, f"{which}_role"),
            "region_id": getattr(self, f"{which}_region_id"),
            "is_active": getattr(self, f"{which}_is_active"),
        }
        facilities = getattr(self, f"{which}_facilities")
        if facilities is not None:
            values["facility_ids"] = facilities
        partners = getattr(self, f"{which}_partner_organisations")
        if partners is not None:
            values["partner_organisation_ids"] = partners
        return values
