"""GET /api/v1/stats/summary: the dashboard's figures as JSON (staff token)."""

from __future__ import annotations

from datetime import datetime

from ninja import Query, Router, Schema, Status

from qorgau.analytics import selectors
from qorgau.core.schemas import ErrorOut
from qorgau.core.types import AuthedRequest

router = Router(tags=["national picture"])


class SummaryOut(Schema):
    year: int
    as_of: datetime  # the moment the figures are of
    region: str | None
    child_victims: int
    child_victims_previous_year: int
    child_victims_change_percent: int | None
    child_victims_per_100k: float | None
    convictions: int
    offenders_in_custody: int
    offenders_examined_percent: float | None
    reports: int
    reports_by_priority: dict[str, int]
    reports_by_category: dict[str, int]
    cases_by_stage: dict[str, int]
    deadline_breaches: dict[str, int]
    median_minutes_to_first_action: dict[str, int | None]
    children_population: int | None


@router.get(
    "/stats/summary",
    response={200: SummaryOut, 403: ErrorOut},
    summary="The national (or a region's) figures for a year",
)
def stats_summary(
    request: AuthedRequest,
    year: int | None = Query(None, ge=2000, le=2100),
    region: str | None = None,
):
    scope = selectors.scope_for(user=request.user, year=year, region_code=region)
    return Status(200, selectors.summary(scope=scope))
