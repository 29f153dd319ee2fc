from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qorgau.cases import selectors, services
from qorgau.cases.enums import CareItem, Stage
from qorgau.cases.forms import CareForm, PolicyForm, ReassignForm, StageForm
from qorgau.cases.models import Case, Prosecutor
from qorgau.core.enums import Role
from qorgau.core.permissions import requires_visibility
from qorgau.core.services import audit_personal_view
from qorgau.intake import selectors as intake_selectors
from qorgau.intake.forms import CaseForm
from qorgau.intake.models import Report

PAGE_SIZE = 50
CHIEF_ROLES = {Role.REGIONAL_CHIEF, Role.CENTRAL_OFFICE}


def _require(request: HttpRequest, roles: set[str]) -> None:
    if request.user.role not in roles:
        raise PermissionDenied


@login_required
@requires_visibility(Case)
@require_GET
def case_list(request: HttpRequest) -> HttpResponse:
    view = request.GET.get("view", "open")
    stage = request.GET.get("stage") if request.GET.get("stage") in Stage.values else None

    def number(name: str) -> int | None:
        value = request.GET.get(name, "")
        return int(value) if value.isdigit() else None

    qs = selectors.case_list_for_user(
        user=request.user,
        stage=stage or ("open" if view == "open" else None),
        queue=view == "queue",
        year=number("year"),
        verdict_year=number("verdict_year"),
        region_code=request.GET.get("region") or None,
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "cases/list.html", {"page": page, "view": view})


def _detail(request: HttpRequest, case: Case, **extra) -> dict:
    prosecutors = (
        selectors.prosecutor_list_for_user(user=request.user, region=case.region)
        if request.user.role in CHIEF_ROLES
        else []
    )
    done = {c.item: c for c in case.care_checks.all()}
    context = {
        "case": case,
        "events": case.events.select_related("actor").all(),
        "stage_form": StageForm(initial={"stage": case.stage}),
        "reassign_form": ReassignForm(prosecutors=prosecutors),
        "care": [(value, label, done.get(value)) for value, label in CareItem.choices],
        "can_manage": request.user.role == Role.REGIONAL_CHIEF,
        "stages": Stage,
    }
    context.update(extra)
    return context


@login_required
@requires_visibility(Case)
@require_GET
def case_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    case = selectors.case_get_for_user(user=request.user, public_id=public_id)
    audit_personal_view(
        actor=request.user, obj=case, fields=["victims", "suspects"], region=case.region
    )
    return render(request, "cases/detail.html", _detail(request, case))


@login_required
@requires_visibility(Case)
@require_POST
def case_action(request: HttpRequest, public_id: str, action: str) -> HttpResponse:
    case = selectors.case_get_for_user(user=request.user, public_id=public_id)
    user = request.user
    try:
        if action == "stage":
            form = StageForm(request.POST)
            if not form.is_valid():
                return render(
                    request,
                    "cases/detail.html",
                    _detail(request, case, stage_form=form),
                    status=400,
                )
            services.case_move_stage(
                case=case,
                stage=form.cleaned_data["stage"],
                on=form.cleaned_data["on"],
                reason=form.cleaned_data["reason"],
                acting_user=user,
            )
            messages.success(request, _("The stage was changed."))
        elif action == "care":
            form = CareForm(request.POST)
            if form.is_valid():
                services.care_tick(case=case, item=form.cleaned_data["item"], acting_user=user)
        elif action == "reassign":
            _require(request, {Role.REGIONAL_CHIEF})
            prosecutors = selectors.prosecutor_list_for_user(user=user, region=case.region)
            form = ReassignForm(request.POST, prosecutors=prosecutors)
            if not form.is_valid():
                return render(
                    request,
                    "cases/detail.html",
                    _detail(request, case, reassign_form=form),
                    status=400,
                )
            target = prosecutors.get(pk=form.cleaned_data["prosecutor"])
            services.case_reassign(
                case=case, prosecutor=target, acting_user=user, reason=form.cleaned_data["reason"]
            )
            messages.success(request, _("The case was reassigned."))
        elif action == "handover":
            _require(request, {Role.REGIONAL_CHIEF})
            services.handover_confirm(case=case, acting_user=user)
            messages.success(request, _("The case was handed over."))
        else:
            return HttpResponse(status=404)
    except services.CaseActionRefused as exc:
        messages.error(request, str(exc))
    return redirect("cases:detail", public_id=case.public_id)


@login_required
@requires_visibility(Report)
@require_POST
def case_from_report(request: HttpRequest, public_id: str) -> HttpResponse:
    """The analyst turns a report into a criminal case: registered, assigned, linked both ways."""
    report = intake_selectors.report_get_for_user(user=request.user, public_id=public_id)
    form = CaseForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("intake:staff_detail", public_id=public_id)
    try:
        case = services.case_create_from_report(
            acting_user=request.user,
            report=report,
            registry_number=form.cleaned_data["registry_number"],
            articles=form.cleaned_data["articles"],
        )
    except services.CaseInvalid as exc:
        messages.error(request, " ".join(" ".join(v) for v in exc.errors.values()))
        return redirect("intake:staff_detail", public_id=public_id)
    holder = case.prosecutor.user.get_full_name() if case.prosecutor else _("the chief's queue")
    messages.success(
        request,
        _("Case %(number)s registered: %(holder)s.")
        % {"number": case.registry_number, "holder": holder},
    )
    return redirect("intake:staff_detail", public_id=public_id)


@login_required
@require_GET
def handover(request: HttpRequest) -> HttpResponse:
    _require(request, CHIEF_ROLES)
    return render(
        request,
        "cases/handover.html",
        {
            "board": selectors.handover_board(user=request.user),
            "cases": selectors.handover_cases_for_user(user=request.user)[:200],
            "policy": services.policy_in_force(),
        },
    )


@login_required
@require_GET
def staffing(request: HttpRequest) -> HttpResponse:
    _require(request, CHIEF_ROLES)
    return render(
        request,
        "cases/staffing.html",
        {"rows": selectors.staffing_gap(user=request.user), "policy": services.policy_in_force()},
    )


@login_required
@requires_visibility(Prosecutor)
@require_GET
def workload(request: HttpRequest) -> HttpResponse:
    _require(request, CHIEF_ROLES)
    region = request.user.region if request.user.role == Role.REGIONAL_CHIEF else None
    return render(
        request,
        "cases/workload.html",
        {"prosecutors": selectors.prosecutor_list_for_user(user=request.user, region=region)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def policy(request: HttpRequest) -> HttpResponse:
    _require(request, CHIEF_ROLES)
    current = services.policy_in_force()
    form = None
    if request.user.role == Role.CENTRAL_OFFICE:
        initial = {}
        if current:
            initial = {
                "articles": [a.number for a in current.articles.all()],
                "eligible_genders": current.eligible_genders,
                "honour_victim_preference": current.honour_victim_preference,
                "handover_days": current.handover_days,
                "auto_reassign": current.auto_reassign,
            }
        form = PolicyForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                services.policy_publish(acting_user=request.user, **form.cleaned_data)
            except services.CaseActionRefused as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The new version of the policy was published."))
                return redirect("cases:policy")
    elif request.method == "POST":
        raise PermissionDenied
    return render(
        request,
        "cases/policy.html",
        {"current": current, "form": form, "versions": services.policy_versions()},
        status=400 if request.method == "POST" else 200,
    )
