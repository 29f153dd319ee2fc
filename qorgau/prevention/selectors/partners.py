"""Reads of partner referrals: lists, one referral and its answers, figures and counts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils.translation import get_language

from qorgau.core.models import User
from qorgau.core.permissions import require, visible_to
from qorgau.prevention import policies
from qorgau.prevention.enums import GuidanceLanguage, ReferralStatus
from qorgau.prevention.models import PartnerOrganisation, PartnerReferral

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


def partner_organisation_list() -> QuerySet[PartnerOrganisation]:
    """Reference data: the partners that receive referrals now."""
    return PartnerOrganisation.objects.filter(is_active=True).order_by("name")


def _visible_referrals(user: User) -> QuerySet[PartnerReferral]:
    return visible_to(
        PartnerReferral.objects.select_related("organisation", "region"), user
    ).order_by("-created_at", "-pk")


def partner_referral_list_for_user(
    *, user: User, status: str | None = None
) -> QuerySet[PartnerReferral]:
    """The referrals the user may see (a role that sees none is refused: 403)."""
    require(user, policies.READ_PARTNER_REFERRALS)
    qs = _visible_referrals(user)
    return qs.filter(status=status) if status else qs


def partner_referral_get_for_user(*, user: User, public_id: str) -> PartnerReferral:
    referral = (
        visible_to(
            PartnerReferral.objects.select_related(
                "organisation", "region", "report", "case", "created_by"
            ),
            user,
        )
        .filter(public_id=public_id)
        .first()
    )
    if referral is None:
        raise Http404
    return referral


def partner_referral_feedback(*, referral: PartnerReferral) -> QuerySet:
    return referral.feedback.select_related("author").order_by("created_at", "pk")


def partner_referrals_for_report(*, user: User, report: Any) -> QuerySet[PartnerReferral]:
    """For the report's page: the referrals of it the user may see (none for other roles)."""
    return _visible_referrals(user).filter(report=report)


def partner_referrals_for_case(*, user: User, case: Any) -> QuerySet[PartnerReferral]:
    return _visible_referrals(user).filter(case=case)


@dataclass
class PartnerFigures:
    total: int
    by_status: list[tuple[StrOrPromise, int]]  # status label, count
    by_region: list[tuple[str, list[int], int]]  # region name, counts in status order, total


def partner_figures_for_user(*, user: User) -> PartnerFigures:
    """Counts of the referrals the user may see, by status and by region: no personal data."""
    require(user, policies.READ_PARTNER_REFERRALS)
    qs = visible_to(PartnerReferral.objects.all(), user)
    rows = list(
        qs.values("region__name_en", "region__name_ru", "region__name_kk", "status").annotate(
            n=Count("pk")
        )
    )
    language = (get_language() or "ru")[:2]
    language = language if language in GuidanceLanguage.values else "ru"
    by_status: dict[str, int] = dict.fromkeys(ReferralStatus.values, 0)
    regions: dict[str, dict[str, int]] = {}
    for row in rows:
        name = row[f"region__name_{language}"] or row["region__name_ru"] or "—"
        by_status[row["status"]] += row["n"]
        regions.setdefault(name, dict.fromkeys(ReferralStatus.values, 0))[row["status"]] += row["n"]
    return PartnerFigures(
        total=sum(by_status.values()),
        by_status=[(ReferralStatus(s).label, n) for s, n in by_status.items()],
        by_region=[
            (name, list(counts.values()), sum(counts.values()))
            for name, counts in sorted(regions.items())
        ],
    )


def partner_referral_counts_for_user(*, user: User) -> dict[str | None, dict[str, int]]:
    """Region code -> status -> count, of the referrals the user may see (for the API)."""
    require(user, policies.READ_PARTNER_REFERRALS)
    result: dict[str | None, dict[str, int]] = {}
    rows = (
        visible_to(PartnerReferral.objects.all(), user)
        .values("region__code", "status")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        counts = result.setdefault(row["region__code"], dict.fromkeys(ReferralStatus.values, 0))
        counts[row["status"]] += row["n"]
    return result
