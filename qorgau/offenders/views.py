from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qorgau.core.enums import Role
from qorgau.core.models import Region, User
from qorgau.core.permissions import requires_visibility
from qorgau.core.services import audit_personal_view
from qorgau.offenders import selectors, services
from qorgau.offenders.forms import (
    ExaminationForm,
    ImportForm,
    MeetingForm,
    ReleaseForm,
    RiskForm,
    SearchForm,
    SessionForm,
    TreatmentEndForm,
    TreatmentForm,
    ViolationForm,
)
from qorgau.offenders.models import Meeting, Person

PAGE_SIZE = 50


@login_required
@requires_visibility(Person)
@require_GET
def person_list(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    hits = []
    if form.is_valid() and form.cleaned_data["name"]:
        hits = selectors.person_search(user=request.user, name=form.cleaned_data["name"])
    page = Paginator(
        selectors.person_list_for_user(user=request.user, status=request.GET.get("status") or None),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    coverage = (
        selectors.examination_coverage(user=request.user, by="facility")
        if request.user.role != Role.POLICE_SUPERVISOR
        else []
    )
    return render(
        request,
        "offenders/list.html",
        {"page": page, "form": form, "hits": hits, "coverage": coverage},
    )


def _context(request: HttpRequest, person: Person, **extra) -> dict:
    instrument = services.instrument_get()
    region_officers = User.objects.filter(
        role=Role.POLICE_SUPERVISOR, is_active=True
    ).select_related("region")
    context = {
        "person": person,
        "convictions": person.convictions.prefetch_related("articles").select_related("facility"),
        "examinations": person.examinations.select_related("clinician"),
        "assessments": person.risk_assessments.select_related("instrument", "clinician"),
        "plans": person.treatment_plans.prefetch_related("sessions"),
        "supervision": person.supervision_plans.select_related("officer").prefetch_related(
            "meetings", "violations"
        ),
        "exam_form": ExaminationForm(initial={"done_on": timezone.localdate()}),
        "risk_form": RiskForm(
            instrument=instrument,
            language=get_language()[:2],
            initial={"assessed_on": timezone.localdate()},
        ),
        "treatment_form": TreatmentForm(initial={"started_on": timezone.localdate()}),
        "release_form": ReleaseForm(regions=Region.objects.all(), officers=region_officers),
        "violation_form": ViolationForm(),
        "today": timezone.localdate(),
        "is_clinician": request.user.role == Role.CLINICIAN,
        "is_police": request.user.role == Role.POLICE_SUPERVISOR,
        "can_release": request.user.role
        in (Role.CLINICIAN, Role.REGIONAL_CHIEF, Role.CENTRAL_OFFICE),
    }
    context.update(extra)
    return context


@login_required
@requires_visibility(Person)
@require_GET
def person_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    person = selectors.person_get_for_user(user=request.user, public_id=public_id)
    audit_personal_view(
        actor=request.user,
        obj=person,
        fields=["full_name", "iin", "findings", "notes"],
        region=person.region,
    )
    return render(request, "offenders/detail.html", _context(request, person))


@login_required
@requires_visibility(Person)
@require_POST
def person_action(request: HttpRequest, public_id: str, action: str) -> HttpResponse:
    person = selectors.person_get_for_user(user=request.user, public_id=public_id)
    user, post = request.user, request.POST
    clinical = {"examination", "risk", "treatment", "session", "treatment_end"}
    if action in clinical and user.role != Role.CLINICIAN:
        raise PermissionDenied
    if action in {"meeting", "violation", "end_supervision"} and user.role not in (
        Role.POLICE_SUPERVISOR,
        Role.REGIONAL_CHIEF,
    ):
        raise PermissionDenied
    try:
        if action == "examination":
            form = ExaminationForm(post)
            exam = (
                person.examinations.filter(done_on__isnull=True).order_by("scheduled_for").first()
            )
            if not form.is_valid() or exam is None:
                return render(
                    request,
                    "offenders/detail.html",
                    _context(request, person, exam_form=form),
                    status=400,
                )
            services.examination_record(
                exam=exam,
                acting_user=user,
                done_on=form.cleaned_data["done_on"],
                findings=form.cleaned_data["findings"],
                diagnostic_codes=form.cleaned_data["diagnostic_codes"].split(","),
                recommendations=form.cleaned_data["recommendations"],
            )
        elif action == "risk":
            form = RiskForm(post, instrument=services.instrument_get(), language=get_language()[:2])
            if not form.is_valid():
                return render(
                    request,
                    "offenders/detail.html",
                    _context(request, person, risk_form=form),
                    status=400,
                )
            services.risk_assess(
                person=person,
                acting_user=user,
                answers=form.answers(),
                assessed_on=form.cleaned_data["assessed_on"],
                override_level=form.cleaned_data["override_level"],
                override_reason=form.cleaned_data["override_reason"],
            )
        elif action == "treatment":
            form = TreatmentForm(post)
            if not form.is_valid():
                return render(
                    request,
                    "offenders/detail.html",
                    _context(request, person, treatment_form=form),
                    status=400,
                )
            services.treatment_start(person=person, acting_user=user, **form.cleaned_data)
        elif action == "session":
            form = SessionForm(post)
            plan = person.treatment_plans.filter(pk=post.get("plan")).first()
            if form.is_valid() and plan is not None:
                services.treatment_session_record(
                    plan=plan,
                    acting_user=user,
                    held_on=form.cleaned_data["held_on"],
                    attended=form.cleaned_data["attended"],
                    note=form.cleaned_data["note"],
                )
        elif action == "treatment_end":
            form = TreatmentEndForm(post)
            plan = person.treatment_plans.filter(pk=post.get("plan")).first()
            if form.is_valid() and plan is not None:
                services.treatment_end(
                    plan=plan,
                    acting_user=user,
                    status=form.cleaned_data["status"],
                    reason=form.cleaned_data["reason"],
                )
        elif action == "release":
            if user.role not in (Role.CLINICIAN, Role.REGIONAL_CHIEF, Role.CENTRAL_OFFICE):
                raise PermissionDenied
            officers = User.objects.filter(role=Role.POLICE_SUPERVISOR, is_active=True)
            form = ReleaseForm(
                post, regions=Region.objects.all(), officers=officers.select_related("region")
            )
            if not form.is_valid():
                return render(
                    request,
                    "offenders/detail.html",
                    _context(request, person, release_form=form),
                    status=400,
                )
            services.release(
                person=person,
                acting_user=user,
                released_on=form.cleaned_data["released_on"],
                region=Region.objects.get(code=form.cleaned_data["region"]),
                officer=officers.get(pk=form.cleaned_data["officer"]),
            )
            messages.success(
                request, _("The release was recorded and the supervision plan started.")
            )
            return redirect("offenders:list")
        elif action == "meeting":
            form = MeetingForm(post)
            meeting = (
                Meeting.objects.visible_to(user)
                .filter(pk=post.get("meeting"), plan__person=person)
                .first()
            )
            if form.is_valid() and meeting is not None:
                services.meeting_record(
                    meeting=meeting,
                    acting_user=user,
                    status=form.cleaned_data["status"],
                    notes=form.cleaned_data["notes"],
                    on=form.cleaned_data["on"],
                    reschedule_to=form.cleaned_data["reschedule_to"],
                )
        elif action == "violation":
            form = ViolationForm(post)
            plan = person.supervision_plans.filter(status="active").first()
            if not form.is_valid() or plan is None:
                return render(
                    request,
                    "offenders/detail.html",
                    _context(request, person, violation_form=form),
                    status=400,
                )
            services.violation_record(plan=plan, acting_user=user, **form.cleaned_data)
        elif action == "end_supervision":
            plan = person.supervision_plans.filter(status="active").first()
            if plan is not None:
                services.supervision_end(plan=plan, acting_user=user)
        else:
            return HttpResponse(status=404)
    except services.OffenderInvalid as exc:
        messages.error(request, " ".join(" ".join(v) for v in exc.errors.values()))
    else:
        messages.success(request, _("Saved."))
    return redirect("offenders:detail", public_id=person.public_id)


@login_required
@require_GET
def coverage(request: HttpRequest) -> HttpResponse:
    if request.user.role not in (Role.CLINICIAN, Role.REGIONAL_CHIEF, Role.CENTRAL_OFFICE):
        raise PermissionDenied
    return render(
        request,
        "offenders/coverage.html",
        {
            "by_facility": selectors.examination_coverage(user=request.user, by="facility"),
            "by_region": selectors.examination_coverage(user=request.user, by="region"),
            "nation": selectors.examination_coverage(user=request.user, by="nation")[0],
        },
    )


@login_required
@require_GET
def supervision_today(request: HttpRequest) -> HttpResponse:
    if request.user.role not in (Role.POLICE_SUPERVISOR, Role.REGIONAL_CHIEF, Role.CENTRAL_OFFICE):
        raise PermissionDenied
    meetings = selectors.meetings_due_for_user(user=request.user)
    return render(
        request,
        "offenders/supervision.html",
        {"meetings": meetings, "today": timezone.localdate(), "form": MeetingForm()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_csv(request: HttpRequest) -> HttpResponse:
    if request.user.role not in (Role.CENTRAL_OFFICE, Role.CLINICIAN):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        text = form.cleaned_data["file"].read().decode("utf-8-sig", errors="replace")
        result = services.import_register_csv(
            acting_user=request.user, text=text, good_rows=form.cleaned_data["good_rows"]
        )
    status = 400 if result is not None and result.errors and not result.imported else 200
    return render(
        request,
        "offenders/import.html",
        {"form": form, "result": result, "columns": services.CSV_COLUMNS},
        status=status,
    )
