"""Pages of the criminal cases: one view per action, each calling one service.

Who may do what is the policies' (cases/policies.py): an action view takes its case through
`selectors.case_for_action`, which refuses (403, audited) a user the action's policy does not allow
before any form is read; the service checks again. A refusal the person can act on (a field, a
stage the case cannot go to, a case changed meanwhile) is shown on the case's page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qorgau.cases import policies, selectors, services
from qorgau.cases.enums import CareItem, Stage
from qorgau.cases.forms import CareForm, PolicyForm, ReassignForm, StageForm
from qorgau.cases.models import Case, Prosecutor
from qorgau.core.errors import NotFound, PermissionRefused, ServiceError, add_to_form
from qorgau.core.permissions import Policy, may, requires_visibility
from qorgau.core.services import audit_personal_view
from qorgau.core.types import AuthedRequest
from qorgau.core.work import window_named
from qorgau.intake import selectors as intake_selectors
from qorgau.intake.forms import CaseForm
from qorgau.intake.models import Report
from qorgau.intake.views.staff import report_page

PAGE_SIZE = 50


@login_required
@requires_visibility(Case)
@require_GET
def case_list(request: AuthedRequest) -> HttpResponse:
    view = request.GET.get("view", "open")
    stage = request.GET.get("stage") if request.GET.get("stage") in Stage.values else None

    def number(name: str) -> int | None:
        value = request.GET.get(name, "")
        return int(value) if value.isdigit() else None

    handover = window_named(request.GET.get("handover"))
    qs = selectors.case_list_for_user(
        user=request.user,
        stage=stage or ("open" if view == "open" else None),
        queue=view == "queue",
        year=number("year"),
        verdict_year=number("verdict_year"),
        region_code=request.GET.get("region") or None,
        handover=handover,
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/list.html", {"page": page, "view": view, "handover": handover})


def _detail(request: AuthedRequest, case: Case, **extra: Any) -> dict:
    done = {c.item: c for c in case.care_checks.all()}
    context = {
        "case": case,
        "events": case.events.select_related("actor").all(),
        "stage_form": StageForm(initial={"stage": case.stage}),
        "reassign_form": ReassignForm(
            prosecutors=selectors.reassign_targets(user=request.user, case=case)
        ),
        "care": [(value, label, done.get(value)) for value, label in CareItem.choices],
        "stages": Stage,
    }
    context.update(extra)
    return context


@login_required
@requires_visibility(Case)
@require_GET
def case_detail(request: AuthedRequest, public_id: str) -> HttpResponse:
    case = selectors.case_get_for_user(user=request.user, public_id=public_id)
    audit_personal_view(
        actor=request.user, obj=case, fields=["victims", "suspects"], region=case.region
    )
    return render(request, "cases/detail.html", _detail(request, case))


# --- Actions on a case ----------------------------------------------------------------------------


def action(policy: Policy) -> Callable:
    """An action view: signed in, POST only, its case fetched and the policy asked first."""

    def decorate(view: Callable) -> Callable:
        @login_required
        @requires_visibility(Case)
        @require_POST
        def wrapped(request: AuthedRequest, public_id: str) -> HttpResponse:
            case = selectors.case_for_action(user=request.user, public_id=public_id, policy=policy)
            return view(request, case)

        wrapped.__name__ = wrapped.__qualname__ = view.__name__
        wrapped.__doc__ = view.__doc__
        return wrapped

    return decorate


def _back(request: AuthedRequest, case: Case, call: Callable[[], Any], done: str) -> HttpResponse:
    """Do the action and go back to the case's page, saying whether it was done."""
    try:
        call()
    except (PermissionRefused, NotFound):
        raise
    except ServiceError as error:
        messages.error(request, error.message)
    else:
        if done:
            messages.success(request, done)
    if request.POST.get("back") == "handover":  # posted from the handover board
        return redirect("cases:handover")
    return redirect("cases:detail", public_id=case.public_id)


@action(policies.MOVE_STAGE)
def case_stage(request: AuthedRequest, case: Case) -> HttpResponse:
    """Move the case's stage (a date, and a reason to go back)."""
    form = StageForm(request.POST)
    if not form.is_valid():
        return render(
            request, "cases/detail.html", _detail(request, case, stage_form=form), status=400
        )
    return _back(
        request,
        case,
        lambda: services.case_move_stage(
            case=case,
            stage=form.cleaned_data["stage"],
            on=form.cleaned_data["on"],
            reason=form.cleaned_data["reason"],
            acting_user=request.user,
        ),
        _("The stage was changed."),
    )


@action(policies.TICK_CARE)
def case_care(request: AuthedRequest, case: Case) -> HttpResponse:
    """Tick one item of the victim care checklist."""
    form = CareForm(request.POST)
    if not form.is_valid():  # the page again: the items are buttons, nothing to correct
        return redirect("cases:detail", public_id=case.public_id)
    return _back(
        request,
        case,
        lambda: services.care_tick(
            case=case, item=form.cleaned_data["item"], acting_user=request.user
        ),
        "",
    )


@action(policies.REASSIGN_CASE)
def case_reassign(request: AuthedRequest, case: Case) -> HttpResponse:
    """Move the case to another prosecutor of the region, with a reason."""
    prosecutors = selectors.reassign_targets(user=request.user, case=case)
    form = ReassignForm(request.POST, prosecutors=prosecutors)
    if not form.is_valid():
        return render(
            request, "cases/detail.html", _detail(request, case, reassign_form=form), status=400
        )
    return _back(
        request,
        case,
        lambda: services.case_reassign(
            case=case,
            prosecutor=prosecutors.get(pk=form.cleaned_data["prosecutor"]),
            acting_user=request.user,
            reason=form.cleaned_data["reason"],
        ),
        _("The case was reassigned."),
    )


@action(policies.CONFIRM_HANDOVER)
def case_handover(request: AuthedRequest, case: Case) -> HttpResponse:
    """Confirm the proposed handover: the least-loaded eligible prosecutor takes the case."""
    return _back(
        request,
        case,
        lambda: services.handover_confirm(case=case, acting_user=request.user),
        _("The case was handed over."),
    )


@login_required
@requires_visibility(Report)
@require_POST
def case_from_report(request: AuthedRequest, public_id: str) -> HttpResponse:
    """The analyst turns a report into a criminal case: registered, assigned, linked both ways."""
    report = intake_selectors.report_get_for_user(user=request.user, public_id=public_id)
    form = CaseForm(request.POST)
    if not form.is_valid():
        # back on the report's page, the errors by the field that has them
        return report_page(request, report, status=400, case_form=form)
    try:
        case = services.case_create_from_report(
            acting_user=request.user,
            report=report,
            registry_number=form.cleaned_data["registry_number"],
            articles=form.cleaned_data["articles"],
        )
    except (PermissionRefused, NotFound):
        raise
    except ServiceError as error:
        messages.error(request, error.message)
        return redirect("intake:staff_detail", public_id=public_id)
    holder = case.prosecutor.user.get_full_name() if case.prosecutor else _("the chief's queue")
    messages.success(
        request,
        _("Case %(number)s registered: %(holder)s.")
        % {"number": case.registry_number, "holder": holder},
    )
    return redirect("intake:staff_detail", public_id=public_id)


# --- The chiefs' pages ----------------------------------------------------------------------------


@login_required
@require_GET
def handover(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "cases/handover.html",
        {
            "board": selectors.handover_board(user=request.user),
            "cases": selectors.handover_cases_for_user(user=request.user)[:200],
            "policy": services.policy_in_force(),
            "now": timezone.now(),
        },
    )


@login_required
@require_GET
def staffing(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "cases/staffing.html",
        {"rows": selectors.staffing_gap(user=request.user), "policy": services.policy_in_force()},
    )


@login_required
@requires_visibility(Prosecutor)
@require_GET
def workload(request: AuthedRequest) -> HttpResponse:
    return render(
        request,
        "cases/workload.html",
        {"prosecutors": selectors.prosecutor_workload(user=request.user)},
    )


def _policy_form(data: Any, current: Any) -> PolicyForm:
    initial = {}
    if current:
        initial = {
            "articles": [a.number for a in current.articles.all()],
            "eligible_genders": current.eligible_genders,
            "honour_victim_preference": current.honour_victim_preference,
            "handover_days": current.handover_days,
            "auto_reassign": current.auto_reassign,
        }
    return PolicyForm(data, initial=initial)


@login_required
@require_http_methods(["GET", "POST"])
def policy(request: AuthedRequest) -> HttpResponse:
    """The assignment policy in force and its versions; the central office publishes a new one."""
    posted = request.method == "POST"
    current = selectors.policy_in_force_for_user(
        user=request.user, policy=policies.PUBLISH_POLICY if posted else policies.VIEW_POLICY
    )
    form = None
    if may(request.user, policies.PUBLISH_POLICY):
        form = _policy_form(request.POST if posted else None, current)
        if posted and form.is_valid():
            try:
                services.policy_publish(acting_user=request.user, **form.cleaned_data)
            except (PermissionRefused, NotFound):
                raise
            except ServiceError as error:
                add_to_form(form, error)
            else:
                messages.success(request, _("The new version of the policy was published."))
                return redirect("cases:policy")
    return render(
        request,
        "cases/policy.html",
        {"current": current, "form": form, "versions": services.policy_versions()},
        status=400 if posted else 200,
    )
