"""Pages of the duty rota (/staff/duty/): the rota of a desk for the coming two weeks with its forms
(a shift, a weekly pattern, a swap, taking a shift off), and the coverage view. Thin: each parses
the form, calls one service or selector and renders; a refusal the planner can fix comes back in
the page (4xx) with what it says, nothing written."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from qorgau.core import policies, selectors, services
from qorgau.core.collation import sorted_by_name
from qorgau.core.errors import NotFound, PermissionRefused, ServiceError, add_to_form
from qorgau.core.forms import DutyPatternForm, DutyShiftForm, DutySwapForm
from qorgau.core.models import Region, User
from qorgau.core.permissions import may, require
from qorgau.core.services.duty import at, local_span
from qorgau.core.types import AuthedRequest


def _rota_page(
    request: AuthedRequest,
    region: Region | None,
    *,
    shift_form: DutyShiftForm | None = None,
    pattern_form: DutyPatternForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    plans = may(user, policies.duty_plan_policy(region), region)
    people = selectors.duty_people(region=region) if plans else None
    today = timezone.localdate()
    context: dict[str, Any] = {
        "desk": region,
        "desk_name": region.name if region else _("National duty desk"),
        "days": selectors.duty_rota(user=user, region=region),
        "patterns": selectors.duty_pattern_list(user=user, region=region),
        "plans": plans,
        "may_see_coverage": may(user, policies.VIEW_DUTY_COVERAGE),
        "people": sorted_by_name(people, User.get_full_name) if people is not None else [],
        "regions": selectors.region_list() if region is None or not user.region_id else None,
        "shift_form": shift_form or DutyShiftForm(people=people, initial={"day": today}),
        "pattern_form": pattern_form
        or DutyPatternForm(people=people, initial={"valid_from": today}),
    }
    return render(request, "staff/duty_rota.html", context, status=status)


@login_required
@require_GET
def duty_rota(request: AuthedRequest) -> HttpResponse:
    region = selectors.duty_desk_for_user(user=request.user, region_code=request.GET.get("region"))
    return _rota_page(request, region)


def _refused(
    request: AuthedRequest, region: Region | None, error: ServiceError, **forms: Any
) -> HttpResponse:
    """A refusal the planner can fix: the rota again, with what it says, answering 4xx."""
    messages.error(request, error.message)
    return _rota_page(request, region, status=error.status, **forms)


@login_required
@require_POST
def duty_shift_create(request: AuthedRequest) -> HttpResponse:
    """A shift on the rota of the chief's region."""
    require(request.user, policies.PLAN_REGIONAL_DUTY, request.user.region)
    return _shift_create(request, request.user.region)


@login_required
@require_POST
def duty_national_shift_create(request: AuthedRequest) -> HttpResponse:
    """A shift on the national duty desk's rota (the central office)."""
    require(request.user, policies.PLAN_NATIONAL_DUTY)
    return _shift_create(request, None)


def _shift_create(request: AuthedRequest, region: Region | None) -> HttpResponse:
    form = DutyShiftForm(request.POST, people=selectors.duty_people(region=region))
    if not form.is_valid():
        return _rota_page(request, region, shift_form=form, status=400)
    data = form.cleaned_data
    starts_at = at(data["day"], data["starts"])
    ends_at = at(data["day"] + timedelta(days=1 if data["next_day"] else 0), data["ends"])
    try:
        services.duty_shift_create(
            acting_user=request.user,
            person=data["person"],
            region=region,
            starts_at=starts_at,
            ends_at=ends_at,
        )
    except (PermissionRefused, NotFound):
        raise
    except ServiceError as error:
        add_to_form(form, error)
        return _refused(request, region, error, shift_form=form)
    messages.success(
        request,
        _("The shift %(span)s is on the rota.") % {"span": local_span(starts_at, ends_at)},
    )
    return redirect("core:duty_rota")


@login_required
@require_POST
def duty_pattern_create(request: AuthedRequest) -> HttpResponse:
    """A weekly shift on the rota of the chief's region."""
    require(request.user, policies.PLAN_REGIONAL_DUTY, request.user.region)
    return _pattern_create(request, request.user.region)


@login_required
@require_POST
def duty_national_pattern_create(request: AuthedRequest) -> HttpResponse:
    """A weekly shift on the national duty desk's rota (the central office)."""
    require(request.user, policies.PLAN_NATIONAL_DUTY)
    return _pattern_create(request, None)


def _pattern_create(request: AuthedRequest, region: Region | None) -> HttpResponse:
    form = DutyPatternForm(request.POST, people=selectors.duty_people(region=region))
    if not form.is_valid():
        return _rota_page(request, region, pattern_form=form, status=400)
    data = form.cleaned_data
    try:
        services.duty_pattern_create(
            acting_user=request.user,
            person=data["person"],
            region=region,
            data=services.PatternInput(
                weekday=data["weekday"],
                starts=data["starts"],
                ends=data["ends"],
                valid_from=data["valid_from"],
                valid_until=data["valid_until"],
            ),
        )
    except (PermissionRefused, NotFound):
        raise
    except ServiceError as error:
        add_to_form(form, error)
        return _refused(request, region, error, pattern_form=form)
    messages.success(request, _("The weekly shift is on the rota."))
    return redirect("core:duty_rota")


@login_required
@require_POST
def duty_shift_delete(request: AuthedRequest, public_id: str) -> HttpResponse:
    require(request.user, policies.VIEW_DUTY_ROTA)  # a role without a rota: 403
    shift = selectors.duty_shift_get_for_user(user=request.user, public_id=public_id)
    try:
        services.duty_shift_delete(acting_user=request.user, shift=shift)
    except (PermissionRefused, NotFound):
        raise
    except ServiceError as error:
        return _refused(request, shift.region, error)
    messages.success(
        request,
        _("The shift %(span)s is off the rota.")
        % {"span": local_span(shift.starts_at, shift.ends_at)},
    )
    return redirect("core:duty_rota")


@login_required
@require_POST
def duty_shift_swap(request: AuthedRequest, public_id: str) -> HttpResponse:
    require(request.user, policies.VIEW_DUTY_ROTA)  # a role without a rota: 403
    shift = selectors.duty_shift_get_for_user(user=request.user, public_id=public_id)
    require(request.user, policies.duty_plan_policy(shift.region), shift)
    form = DutySwapForm(request.POST, people=selectors.duty_people(region=shift.region))
    person = form.cleaned_data["person"] if form.is_valid() else None
    try:
        services.duty_shift_swap(acting_user=request.user, shift=shift, person=person)
    except (PermissionRefused, NotFound):
        raise
    except ServiceError as error:
        return _refused(request, shift.region, error)
    messages.success(
        request,
        _("The shift %(span)s is now %(name)s's.")
        % {"span": local_span(shift.starts_at, shift.ends_at), "name": shift.user.get_full_name()},
    )
    return redirect("core:duty_rota")


@login_required
@require_POST
def duty_pattern_end(request: AuthedRequest, public_id: str) -> HttpResponse:
    require(request.user, policies.VIEW_DUTY_ROTA)  # a role without a rota: 403
    pattern = selectors.duty_pattern_get_for_user(user=request.user, public_id=public_id)
    try:
        services.duty_pattern_end(acting_user=request.user, pattern=pattern)
    except (PermissionRefused, NotFound):
        raise
    except ServiceError as error:
        return _refused(request, pattern.region, error)
    messages.success(request, _("The weekly shift ends: its coming shifts are off the rota."))
    return redirect("core:duty_rota")


@login_required
@require_GET
def duty_coverage(request: AuthedRequest) -> HttpResponse:
    desks = selectors.duty_coverage_for_user(user=request.user)
    return render(
        request,
        "staff/duty_coverage.html",
        {"desks": desks, "hours": range(24), "rota_url": reverse("core:duty_rota")},
    )
