"""The prevention API (staff token): coverage of the training cascade, referral figures.

Read-only. Who may read is decided by the selectors (prevention/policies.py); their refusals are
answered by the API's one exception handler (403, 404)."""

from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema, Status
from pydantic import Field

from qorgau.core.schemas import ErrorOut
from qorgau.core.types import AuthedRequest
from qorgau.prevention import selectors, services

router = Router(tags=["prevention"])


class CoverageRowOut(Schema):
    region: str | None = Field(description="ISO 3166-2:KZ code; null for the national total")
    target: int = Field(description="the region's share of the 300 master trainers")
    master_trainers: int
    teachers_trained: int = Field(description="teachers certified in the cascade (below masters)")
    schools: int
    schools_covered: int = Field(description="schools with at least one certified teacher")
    pupils: int
    pupils_covered: int = Field(description="pupils of the schools covered")
    levels: dict[str, int] = Field(description="people certified per level (0 = master trainers)")


class CoverageOut(Schema):
    target_total: int
    regions: list[CoverageRowOut]
    national: CoverageRowOut | None


class StatusCount(Schema):
    status: str
    count: int


class RegionCounts(Schema):
    region: str | None
    counts: list[StatusCount]


class ReferralFiguresOut(Schema):
    total: int
    by_region: list[RegionCounts]


class ReferralOut(Schema):
    id: str
    sent_at: datetime
    kind: str
    category: str | None
    region: str | None
    status: str


@router.get(
    "/prevention/coverage",
    response={200: CoverageOut, 403: ErrorOut, 404: ErrorOut},
    summary="Coverage of the teacher-training cascade, by region",
)
def coverage(request: AuthedRequest, region: str | None = None):
    """Master trainers against the target, teachers trained, schools with a trained teacher and
    their pupils: for the caller's region, or every region (and the national total) for the central
    office. `region` narrows to one region the caller may read."""
    result = selectors.programme_coverage_for_user(user=request.user, region_code=region)
    return Status(
        200,
        {
            "target_total": services.MASTER_TRAINERS_TARGET,
            "regions": [row.as_dict() for row in result.rows],
            "national": result.national.as_dict() if result.national else None,
        },
    )


@router.get(
    "/prevention/referrals",
    response={200: list[ReferralOut], 403: ErrorOut},
    summary="Referrals to partners you may see (no personal data)",
)
def referral_list(request: AuthedRequest, status: str | None = None):
    rows = selectors.partner_referral_list_for_user(user=request.user, status=status or None)[:500]
    return Status(
        200,
        [
            {
                "id": r.public_id,
                "sent_at": r.created_at,
                "kind": r.kind,
                "category": r.category or None,
                "region": r.region.code if r.region else None,
                "status": r.status,
            }
            for r in rows
        ],
    )


@router.get(
    "/prevention/referrals/figures",
    response={200: ReferralFiguresOut, 403: ErrorOut},
    summary="Counts of referrals to partners by region and status",
)
def referral_figures(request: AuthedRequest):
    figures = selectors.partner_referral_counts_for_user(user=request.user)
    return Status(
        200,
        {
            "total": sum(n for by_status in figures.values() for n in by_status.values()),
            "by_region": [
                {
                    "region": code,
                    "counts": [{"status": s, "count": n} for s, n in by_status.items()],
                }
                for code, by_status in sorted(figures.items(), key=lambda i: i[0] or "")
            ],
        },
    )
