"""Views of school safeguarding rounds."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qorgau.core.enums import Role
from qorgau.core.permissions import requires_visibility
from qorgau.prevention import selectors, services
from qorgau.prevention.forms import RoundDoneForm, RoundFilterForm, RoundPlanForm, RoundReferralForm
from qorgau.prevention.models import SafeguardingRound
from qorgau.prevention.views._common import COORDINATOR, _page, _require


@login_required
@requires_visibility(SafeguardingRound)
@require_GET
def round_list(request: HttpRequest) -> HttpResponse:
    years = selectors.school_year_choices()
    form = RoundFilterForm(request.GET or None, years=years)
    year = status = None
    if form.is_valid():
        year, status = form.cleaned_data["year"] or None, form.cleaned_data["status"] or None
    qs = selectors.round_list_for_user(user=request.user, year=year, status=status)
    return render(
        request,
        "prevention/round_list.html",
        {
            "page": _page(request, qs),
            "form": form,
            "figures": selectors.round_figures_for_user(user=request.user, year=year),
            "can_edit": request.user.role == Role.EDUCATION_COORDINATOR,
        },
    )


@login_required
@requires_visibility(SafeguardingRound)
@require_http_methods(["GET", "POST"])
def round_new(request: HttpRequest) -> HttpResponse:
    _require(request, COORDINATOR)
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
        except services.PreventionRefused as exc:
            form.add_service_errors(exc.errors or {"__all__": [exc.message]})
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
    can_edit = request.user.role == Role.EDUCATION_COORDINATOR
    context = {
        "round": round_,
        "referrals": selectors.round_referrals(round_=round_),
        "can_edit": can_edit,
        "done_form": RoundDoneForm(initial={"done_on": timezone.localdate()})
        if can_edit and not round_.is_done
        else None,
        "refer_form": RoundReferralForm() if can_edit and round_.is_done else None,
    }
    context.update(extra)
    return context


@login_required
@requires_visibility(SafeguardingRound)
@require_GET
def round_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    round_ = selectors.round_get_for_user(user=request.user, public_id=public_id)
    return render(request, "prevention/round_detail.html", _round_context(request, round_))


@login_required
@requires_visibility(SafeguardingRound)
@require_POST
def round_action(request: HttpRequest, public_id: str, action: str) -> HttpResponse:
    _require(request, COORDINATOR)
    round_ = selectors.round_get_for_user(user=request.user, public_id=public_id)
    if action == "done":
        form = RoundDoneForm(request.POST)
        if form.is_valid():
            try:
                services.round_record_done(
                    acting_user=request.user, round_=round_, **form.cleaned_data
                )
            except services.PreventionRefused as exc:
                form.add_service_errors(exc.errors or {"__all__": [exc.message]})
            else:
                messages.success(request, _("The round was recorded as done."))
                return redirect("prevention:round_detail", public_id=round_.public_id)
        return render(
            request,
            "prevention/round_detail.html",
            _round_context(request, round_, done_form=form),
            status=400,
        )
    if action == "refer":
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
            except services.PreventionRefused as exc:
                form.add_service_errors(exc.errors or {"__all__": [exc.message]})
            else:
                messages.success(
                    request,
                    _("The referral was sent to the Red Button queue of the region."),
                )
                return redirect("prevention:round_detail", public_id=round_.public_id)
        return render(
            request,
            "prevention/round_detail.html",
            _round_context(request, round_, refer_form=form),
            status=400,
        )
    raise Http404
