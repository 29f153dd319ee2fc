"""Views of school safeguarding rounds."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qorgau.core.errors import NotFound, PermissionRefused, ServiceError, add_to_form
from qorgau.core.permissions import may, require, requires_visibility
from qorgau.core.types import AuthedRequest
from qorgau.core.work import window_named
from qorgau.prevention import policies, selectors, services
from qorgau.prevention.forms import RoundDoneForm, RoundFilterForm, RoundPlanForm, RoundReferralForm
from qorgau.prevention.models import SafeguardingRound
from qorgau.prevention.views._common import _page


@login_required
@requires_visibility(SafeguardingRound)
@require_GET
def round_list(request: AuthedRequest) -> HttpResponse:
    years = selectors.school_year_choices()
    form = RoundFilterForm(request.GET or None, years=years)
    year = status = None
    if form.is_valid():
        year, status = form.cleaned_data["year"] or None, form.cleaned_data["status"] or None
    due = window_named(request.GET.get("due"))
    qs = selectors.round_list_for_user(user=request.user, year=year, status=status, due=due)
    return render(
        request,
        "prevention/round_list.html",
        {
            "page": _page(request, qs),
            "due": due,
            "form": form,
            "figures": selectors.round_figures_for_user(user=request.user, year=year),
        },
    )


@login_required
@requires_visibility(SafeguardingRound)
@require_http_methods(["GET", "POST"])
def round_new(request: AuthedRequest) -> HttpResponse:
    require(request.user, policies.PLAN_ROUND)
    schools = list(selectors.school_choices_for_user(user=request.user))
    form = RoundPlanForm(
        request.POST or None, schools=schools, initial={"school": request.GET.get("school", "")}
    )
    if request.method == "POST" and form.is_valid():
        school = next(s for s in schools if s.public_id == form.cleaned_data["school"])
        try:
            round_ = services.round_plan(
                acting_user=request.user, school=school, planned_on=form.cleaned_data["planned_on"]
            )
        except (PermissionRefused, NotFound):
            raise
        except ServiceError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The round was planned."))
            return redirect("prevention:round_detail", public_id=round_.public_id)
    return render(
        request,
        "prevention/round_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


def _round_context(request: HttpRequest, round_: SafeguardingRound, **extra: Any) -> dict:
    done_form = refer_form = None
    if not round_.is_done and may(request.user, policies.RECORD_ROUND, round_):
        done_form = RoundDoneForm(initial={"done_on": timezone.localdate()})
    if round_.is_done and may(request.user, policies.REFER_FROM_ROUND, round_):
        refer_form = RoundReferralForm()
    context = {
        "round": round_,
        "referrals": selectors.round_referrals(round_=round_),
        "done_form": done_form,
        "refer_form": refer_form,
    }
    context.update(extra)
    return context


@login_required
@requires_visibility(SafeguardingRound)
@require_GET
def round_detail(request: AuthedRequest, public_id: str) -> HttpResponse:
    round_ = selectors.round_get_for_user(user=request.user, public_id=public_id)
    return render(request, "prevention/round_detail.html", _round_context(request, round_))


@login_required
@requires_visibility(SafeguardingRound)
@require_POST
def round_done(request: AuthedRequest, public_id: str) -> HttpResponse:
    """Record the round as done, with its figures."""
    round_ = selectors.round_get_for_user(user=request.user, public_id=public_id)
    require(request.user, policies.RECORD_ROUND, round_)
    form = RoundDoneForm(request.POST)
    if form.is_valid():
        try:
            services.round_record_done(acting_user=request.user, round_=round_, **form.cleaned_data)
        except (PermissionRefused, NotFound):
            raise
        except ServiceError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The round was recorded as done."))
            return redirect("prevention:round_detail", public_id=round_.public_id)
    return render(
        request,
        "prevention/round_detail.html",
        _round_context(request, round_, done_form=form),
        status=400,
    )


@login_required
@requires_visibility(SafeguardingRound)
@require_POST
def round_refer(request: AuthedRequest, public_id: str) -> HttpResponse:
    """A concern from the round becomes a Red Button report in the region's queue."""
    round_ = selectors.round_get_for_user(user=request.user, public_id=public_id)
    require(request.user, policies.REFER_FROM_ROUND, round_)
    form = RoundReferralForm(request.POST)
    if form.is_valid():
        try:
            services.round_refer(
                acting_user=request.user,
                round_=round_,
                category=form.cleaned_data["category"],
                narrative=form.cleaned_data["narrative"],
                child_age=form.cleaned_data["child_age"],
                language=(get_language() or "ru")[:2],
                nonce=form.cleaned_data["nonce"],
            )
        except (PermissionRefused, NotFound):
            raise
        except ServiceError as exc:
            add_to_form(form, exc)
        else:
            messages.success(
                request, _("The referral was sent to the Red Button queue of the region.")
            )
            return redirect("prevention:round_detail", public_id=round_.public_id)
    return render(
        request,
        "prevention/round_detail.html",
        _round_context(request, round_, refer_form=form),
        status=400,
    )
