"""Views of partner referrals, and the "refer to a partner" actions of report and case pages."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qorgau.core.errors import NotFound, PermissionRefused, ServiceError, add_to_form
from qorgau.core.permissions import Policy, may, require, requires_visibility
from qorgau.core.services import audit_personal_view
from qorgau.core.types import AuthedRequest
from qorgau.prevention import policies, selectors, services
from qorgau.prevention.enums import ReferralStatus
from qorgau.prevention.forms import FeedbackForm, PartnerReferralForm
from qorgau.prevention.models import PartnerReferral
from qorgau.prevention.views._common import _page


@login_required
@requires_visibility(PartnerReferral)
@require_GET
def referral_list(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("status") or None
    if status not in ReferralStatus.values:
        status = None
    qs = selectors.partner_referral_list_for_user(user=request.user, status=status)
    return render(
        request,
        "prevention/referral_list.html",
        {"page": _page(request, qs), "status": status, "statuses": ReferralStatus.choices},
    )


@login_required
@requires_visibility(PartnerReferral)
@require_GET
def referral_figures(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "prevention/referral_figures.html",
        {
            "figures": selectors.partner_figures_for_user(user=request.user),
            "statuses": ReferralStatus.choices,
        },
    )


@login_required
@requires_visibility(PartnerReferral)
@require_http_methods(["GET", "POST"])
def referral_detail(request: AuthedRequest, public_id: str) -> HttpResponse:
    referral = selectors.partner_referral_get_for_user(user=request.user, public_id=public_id)
    answers = may(request.user, policies.RESPOND_TO_REFERRAL, referral)
    form = None
    status = 200
    if request.method == "POST":
        # the partner's answer: anyone else is refused before the form is read
        require(request.user, policies.RESPOND_TO_REFERRAL, referral)
    if answers:
        form = FeedbackForm(request.POST or None, current=referral.status)
        if request.method == "POST":
            status = 400
            if form.is_valid():
                try:
                    services.partner_referral_respond(
                        acting_user=request.user,
                        referral=referral,
                        status=form.cleaned_data["status"],
                        text=form.cleaned_data["text"],
                    )
                except (PermissionRefused, NotFound):
                    raise
                except ServiceError as exc:
                    add_to_form(form, exc)
                else:
                    messages.success(request, _("Your answer was sent."))
                    return redirect("prevention:referral_detail", public_id=referral.public_id)
    audit_personal_view(
        actor=request.user, obj=referral, fields=["note", "feedback"], region=referral.region
    )
    return render(
        request,
        "prevention/referral_detail.html",
        {
            "referral": referral,
            "feedback": selectors.partner_referral_feedback(referral=referral),
            "form": form,
            "answers": answers,
        },
        status=status,
    )


def _refer_to_partner(
    request: AuthedRequest, *, source: Any, back: str, kind: str, policy: Policy
) -> HttpResponse:
    require(request.user, policy, source)
    organisations = {str(o.pk): o for o in selectors.partner_organisation_list()}
    form = PartnerReferralForm(request.POST, organisations=organisations.values())
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect(back, public_id=source.public_id)
    organisation = organisations[form.cleaned_data["organisation"]]
    call = (
        services.partner_referral_from_report
        if kind == "report"
        else services.partner_referral_from_case
    )
    try:
        call(
            acting_user=request.user,
            organisation=organisation,
            note=form.cleaned_data["note"],
            **{kind: source},
        )
    except (PermissionRefused, NotFound):
        raise
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request,
            _(
                "Referred to %(partner)s. They see only your note, the category, the region and the date."
            )
            % {"partner": organisation.name},
        )
    return redirect(back, public_id=source.public_id)


@login_required
@require_POST
def report_to_partner(request: AuthedRequest, public_id: str) -> HttpResponse:
    """The analyst's "refer to a partner" on a report page."""
    from qorgau.intake.selectors import report_get_for_user

    report = report_get_for_user(user=request.user, public_id=public_id)
    return _refer_to_partner(
        request,
        source=report,
        back="intake:staff_detail",
        kind="report",
        policy=policies.REFER_REPORT_TO_PARTNER,
    )


@login_required
@require_POST
def case_to_partner(request: AuthedRequest, public_id: str) -> HttpResponse:
    """A prosecutor's or a chief's "refer to a partner" on a case page."""
    from qorgau.cases.selectors import case_get_for_user

    case = case_get_for_user(user=request.user, public_id=public_id)
    return _refer_to_partner(
        request,
        source=case,
        back="cases:detail",
        kind="case",
        policy=policies.REFER_CASE_TO_PARTNER,
    )
