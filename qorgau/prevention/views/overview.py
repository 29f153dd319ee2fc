"""The programme at a glance: coverage against the target, and the cascade."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from qorgau.core.permissions import requires_visibility
from qorgau.core.types import AuthedRequest
from qorgau.prevention import selectors, services
from qorgau.prevention.models import School, Teacher


@login_required
@requires_visibility(School)
@require_GET
def coverage(request: AuthedRequest) -> HttpResponse:
    """The coordinator's and the chief's region against its target; the national map for the
    central office."""
    user = request.user
    result = selectors.coverage_for_user(user=user)
    return render(
        request,
        "prevention/coverage.html",
        {
            "coverage": result,
            "rows": result.rows,
            "national": result.national,
            "own": result.rows[0] if result.national is None and result.rows else None,
            "rounds": selectors.round_figures_for_user(user=user),
            "target_total": services.MASTER_TRAINERS_TARGET,
        },
    )


@login_required
@requires_visibility(Teacher)
@require_GET
def cascade(request: AuthedRequest) -> HttpResponse:
    region = None
    if request.GET.get("region"):
        region = selectors.region_get_for_user(user=request.user, code=request.GET["region"])
    regions = list(selectors.regions_for_user(user=request.user))
    if region is None and len(regions) == 1:
        region = regions[0]
    nodes = selectors.cascade_for_user(user=request.user, region=region) if region else []
    return render(
        request,
        "prevention/cascade.html",
        {"nodes": nodes, "region": region, "regions": regions},
    )
