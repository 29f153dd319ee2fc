"""Views of the prevention app: thin; every rule is in services, every read in selectors."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qorgau.core.enums import Role
from qorgau.core.permissions import requires_visibility
from qorgau.core.selectors import region_list
from qorgau.core.services import audit_personal_view
from qorgau.prevention import selectors, services
from qorgau.prevention.enums import GuidanceLanguage, GuidanceSlug, ReferralStatus
from qorgau.prevention.forms import (
    AddAttendeeForm,
    FeedbackForm,
    GuidanceForm,
    ImportForm,
    PartnerReferralForm,
    RoundDoneForm,
    RoundFilterForm,
    RoundPlanForm,
    RoundReferralForm,
    SchoolForm,
    SessionForm,
    TeacherForm,
)
from qorgau.prevention.models import (
    GuidanceVersion,
    PartnerReferral,
    SafeguardingRound,
    School,
    Teacher,
    TrainingSession,
)

PAGE_SIZE = 50
COORDINATOR = {Role.EDUCATION_COORDINATOR}
SCHOOL_EDITORS = {Role.EDUCATION_COORDINATOR, Role.CENTRAL_OFFICE}


def _require(request: HttpRequest, roles: set[str]) -> None:
    if request.user.role not in roles:
        raise PermissionDenied


def _page(request: HttpRequest, qs: Any) -> Any:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


# --- Coverage and the cascade ---------------------------------------------------------------------


@login_required
@requires_visibility(School)
@require_GET
def coverage(request: HttpRequest) -> HttpResponse:
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
            "can_edit": user.role == Role.EDUCATION_COORDINATOR,
        },
    )


@login_required
@requires_visibility(Teacher)
@require_GET
def cascade(request: HttpRequest) -> HttpResponse:
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


# --- Schools --------------------------------------------------------------------------------------


@login_required
@requires_visibility(School)
@require_GET
def school_list(request: HttpRequest) -> HttpResponse:
    district = request.GET.get("district") or None
    find = (request.GET.get("find") or "").strip()[:100]
    qs = selectors.school_list_for_user(user=request.user, district=district, find=find)
    return render(
        request,
        "prevention/school_list.html",
        {
            "page": _page(request, qs),
            "districts": selectors.district_list_for_user(user=request.user),
            "district": district,
            "find": find,
            "can_edit": request.user.role in SCHOOL_EDITORS,
        },
    )


def _school_regions(request: HttpRequest) -> list:
    if request.user.role == Role.CENTRAL_OFFICE:
        return list(region_list())
    return [request.user.region]


@login_required
@requires_visibility(School)
@require_http_methods(["GET", "POST"])
def school_new(request: HttpRequest) -> HttpResponse:
    _require(request, SCHOOL_EDITORS)
    regions = _school_regions(request)
    form = SchoolForm(request.POST or None, regions=regions, initial={"region": regions[0].code})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            school = services.school_create(
                acting_user=request.user,
                data=services.SchoolInput(
                    name=data["name"],
                    region_code=data["region"],
                    district=data["district"],
                    settlement=data["settlement"],
                    settlement_kind=data["settlement_kind"],
                    pupils=data["pupils"],
                    languages=data["languages"],
                ),
            )
        except services.PreventionRefused as exc:
            form.add_service_errors(exc.errors or {"__all__": [exc.message]})
        else:
            messages.success(request, _("The school was registered."))
            return redirect("prevention:school_detail", public_id=school.public_id)
    return render(
        request,
        "prevention/school_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@requires_visibility(School)
@require_http_methods(["GET", "POST"])
def school_import(request: HttpRequest) -> HttpResponse:
    _require(request, SCHOOL_EDITORS)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            result = services.school_import_csv(
                acting_user=request.user,
                text=form.cleaned_data["file"],
                good_rows=form.cleaned_data["good_rows"],
            )
            status = 200 if result.imported else 400
    return render(
        request,
        "prevention/school_import.html",
        {"form": form, "result": result, "columns": services.SCHOOL_COLUMNS},
        status=status,
    )


@login_required
@requires_visibility(School)
@require_GET
def school_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    school = selectors.school_get_for_user(user=request.user, public_id=public_id)
    return render(
        request,
        "prevention/school_detail.html",
        {
            "school": school,
            "teachers": school.teachers.order_by("full_name"),
            "rounds": selectors.school_rounds(school=school),
            "can_edit": request.user.role == Role.EDUCATION_COORDINATOR,
        },
    )


# --- Teachers -------------------------------------------------------------------------------------


@login_required
@requires_visibility(Teacher)
@require_GET
def teacher_list(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status") or None
    find = (request.GET.get("find") or "").strip()[:100]
    qs = selectors.teacher_list_for_user(user=request.user, status=status, find=find)
    return render(
        request,
        "prevention/teacher_list.html",
        {
            "page": _page(request, qs),
            "status": status,
            "find": find,
            "can_edit": request.user.role == Role.EDUCATION_COORDINATOR,
        },
    )


@login_required
@requires_visibility(Teacher)
@require_http_methods(["GET", "POST"])
def teacher_new(request: HttpRequest) -> HttpResponse:
    _require(request, COORDINATOR)
    schools = list(selectors.school_choices_for_user(user=request.user))
    initial = {"school": request.GET.get("school", "")}
    form = TeacherForm(request.POST or None, schools=schools, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        school = next((s for s in schools if s.public_id == data["school"]), None)
        try:
            teacher = services.teacher_create(
                acting_user=request.user,
                full_name=data["full_name"],
                school=school,
                region=request.user.region,
                master_trainer=data["master_trainer"],
                certified_on=data["certified_on"],
            )
        except services.PreventionRefused as exc:
            form.add_service_errors(exc.errors or {"__all__": [exc.message]})
        else:
            messages.success(request, _("The teacher was registered."))
            return redirect("prevention:teacher_detail", public_id=teacher.public_id)
    return render(
        request,
        "prevention/teacher_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@requires_visibility(Teacher)
@require_http_methods(["GET", "POST"])
def teacher_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    teacher = selectors.teacher_get_for_user(user=request.user, public_id=public_id)
    if request.method == "POST":
        _require(request, COORDINATOR)
        try:
            services.teacher_designate_master(acting_user=request.user, teacher=teacher)
        except services.PreventionRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("This teacher is now a master trainer."))
        return redirect("prevention:teacher_detail", public_id=teacher.public_id)
    return render(
        request,
        "prevention/teacher_detail.html",
        {
            "teacher": teacher,
            "above": selectors.cascade_above(teacher=teacher),
            "below": selectors.cascade_below(user=request.user, teacher=teacher),
            "attendances": selectors.teacher_attendance(teacher=teacher),
            "can_edit": request.user.role == Role.EDUCATION_COORDINATOR,
        },
    )


# --- Training sessions ----------------------------------------------------------------------------


@login_required
@requires_visibility(TrainingSession)
@require_GET
def session_list(request: HttpRequest) -> HttpResponse:
    qs = selectors.session_list_for_user(user=request.user)
    return render(
        request,
        "prevention/session_list.html",
        {
            "page": _page(request, qs),
            "can_edit": request.user.role == Role.EDUCATION_COORDINATOR,
        },
    )


@login_required
@requires_visibility(TrainingSession)
@require_http_methods(["GET", "POST"])
def session_new(request: HttpRequest) -> HttpResponse:
    _require(request, COORDINATOR)
    trainers = list(selectors.trainer_choices_for_user(user=request.user))
    attendees = list(selectors.attendee_choices_for_user(user=request.user))
    form = SessionForm(request.POST or None, trainers=trainers, attendees=attendees)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        by_id = {t.public_id: t for t in attendees}
        trainer = next(t for t in trainers if t.public_id == data["trainer"])
        try:
            session = services.session_create(
                acting_user=request.user,
                region=request.user.region,
                held_on=data["held_on"],
                place=data["place"],
                trainer=trainer,
                attendees=[by_id[pk] for pk in data["attendees"]],
            )
        except services.PreventionRefused as exc:
            form.add_service_errors(exc.errors or {"__all__": [exc.message]})
        else:
            messages.success(request, _("The training session was saved."))
            return redirect("prevention:session_detail", public_id=session.public_id)
    return render(
        request,
        "prevention/session_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


def _session_context(request: HttpRequest, session: TrainingSession, **extra: Any) -> dict:
    attendances = list(selectors.session_attendances(session=session))
    can_edit = request.user.role == Role.EDUCATION_COORDINATOR
    listed = {a.teacher_id for a in attendances}
    context = {
        "session": session,
        "attendances": attendances,
        "can_edit": can_edit,
        "has_happened": session.held_on <= timezone.localdate(),
        "add_form": AddAttendeeForm(
            teachers=[
                t
                for t in selectors.attendee_choices_for_user(user=request.user)
                if t.pk not in listed and t.pk != session.trainer_id
            ]
        )
        if can_edit
        else None,
    }
    context.update(extra)
    return context


@login_required
@requires_visibility(TrainingSession)
@require_GET
def session_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    session = selectors.session_get_for_user(user=request.user, public_id=public_id)
    return render(request, "prevention/session_detail.html", _session_context(request, session))


@login_required
@requires_visibility(TrainingSession)
@require_POST
def session_action(request: HttpRequest, public_id: str, action: str) -> HttpResponse:
    _require(request, COORDINATOR)
    session = selectors.session_get_for_user(user=request.user, public_id=public_id)
    try:
        if action == "attendance":
            present_ids = {a.pk for a in session.attendances.all()}
            present = [int(v) for v in request.POST.getlist("present") if v.isdigit()]
            came = services.session_record_attendance(
                acting_user=request.user,
                session=session,
                present=[pk for pk in present if pk in present_ids],
            )
            messages.success(request, _("Attendance recorded: %(count)d came.") % {"count": came})
        elif action == "certify":
            count = services.session_certify(acting_user=request.user, session=session)
            messages.success(request, _("%(count)d attendees certified.") % {"count": count})
        elif action == "add":
            teachers = list(selectors.attendee_choices_for_user(user=request.user))
            form = AddAttendeeForm(request.POST, teachers=teachers)
            if not form.is_valid():
                raise services.PreventionRefused(_("Choose a teacher of your region."))
            teacher = next(t for t in teachers if t.public_id == form.cleaned_data["teacher"])
            services.session_add_attendee(
                acting_user=request.user, session=session, teacher=teacher
            )
            messages.success(request, _("The attendee was added."))
        else:
            raise Http404
    except services.PreventionRefused as exc:
        messages.error(request, exc.message)
    return redirect("prevention:session_detail", public_id=session.public_id)


@login_required
@requires_visibility(TrainingSession)
@require_GET
def certificate(request: HttpRequest, certificate_id: str) -> HttpResponse:
    attendance = selectors.certificate_get_for_user(
        user=request.user, certificate_id=certificate_id
    )
    return render(request, "prevention/certificate.html", {"attendance": attendance})


# --- School rounds --------------------------------------------------------------------------------


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


# --- Partner referrals ----------------------------------------------------------------------------


@login_required
@requires_visibility(PartnerReferral)
@require_GET
def referral_list(request: HttpRequest) -> HttpResponse:
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
def referral_figures(request: HttpRequest) -> HttpResponse:
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
def referral_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    referral = selectors.partner_referral_get_for_user(user=request.user, public_id=public_id)
    is_partner = request.user.role == Role.PARTNER
    form = None
    status = 200
    if is_partner:
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
                except services.PreventionRefused as exc:
                    form.add_service_errors(exc.errors or {"__all__": [exc.message]})
                else:
                    messages.success(request, _("Your answer was sent."))
                    return redirect("prevention:referral_detail", public_id=referral.public_id)
    elif request.method == "POST":
        raise PermissionDenied
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
            "is_partner": is_partner,
        },
        status=status,
    )


def _refer_to_partner(request: HttpRequest, *, source: Any, back: str, kind: str) -> HttpResponse:
    organisations = {str(o.pk): o for o in selectors.partner_organisation_list()}
    form = PartnerReferralForm(request.POST, organisations=organisations.values())
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
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
    except services.PreventionRefused as exc:
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
def report_to_partner(request: HttpRequest, public_id: str) -> HttpResponse:
    """The analyst's "refer to a partner" on a report page."""
    from qorgau.intake.selectors import report_get_for_user

    report = report_get_for_user(user=request.user, public_id=public_id)
    _require(request, services.REFER_FROM_REPORT)
    return _refer_to_partner(request, source=report, back="intake:staff_detail", kind="report")


@login_required
@require_POST
def case_to_partner(request: HttpRequest, public_id: str) -> HttpResponse:
    """A prosecutor's or a chief's "refer to a partner" on a case page."""
    from qorgau.cases.selectors import case_get_for_user

    case = case_get_for_user(user=request.user, public_id=public_id)
    _require(request, services.REFER_FROM_CASE)
    return _refer_to_partner(request, source=case, back="cases:detail", kind="case")


# --- Guidance: staff ------------------------------------------------------------------------------


def _check_page(slug: str, language: str) -> None:
    if slug not in GuidanceSlug.values or language not in GuidanceLanguage.values:
        raise Http404


@login_required
@requires_visibility(GuidanceVersion)
@require_GET
def guidance_overview(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "prevention/guidance_overview.html",
        {
            "pages": selectors.guidance_overview_for_user(user=request.user),
            "languages": GuidanceLanguage.choices,
        },
    )


@login_required
@requires_visibility(GuidanceVersion)
@require_http_methods(["GET", "POST"])
def guidance_edit(request: HttpRequest, slug: str, language: str) -> HttpResponse:
    _check_page(slug, language)
    versions = selectors.guidance_versions_for_user(user=request.user, slug=slug, language=language)
    latest = versions.first()
    initial = (
        {"title": latest.title, "summary": latest.summary, "body_markdown": latest.body_markdown}
        if latest
        else {}
    )
    form = GuidanceForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.guidance_save_draft(
                acting_user=request.user, slug=slug, language=language, **form.cleaned_data
            )
        except services.PreventionRefused as exc:
            form.add_service_errors(exc.errors or {"__all__": [exc.message]})
        else:
            messages.success(request, _("The draft was saved. Check it, then publish it."))
            return redirect(
                "prevention:guidance_version", slug=slug, language=language, number=version.number
            )
    return render(
        request,
        "prevention/guidance_edit.html",
        {
            "form": form,
            "slug": slug,
            "page_label": GuidanceSlug(slug).label,
            "language": language,
            "language_label": GuidanceLanguage(language).label,
            "versions": versions[:30],
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@requires_visibility(GuidanceVersion)
@require_http_methods(["GET", "POST"])
def guidance_version(request: HttpRequest, slug: str, language: str, number: int) -> HttpResponse:
    _check_page(slug, language)
    version = selectors.guidance_version_get_for_user(
        user=request.user, slug=slug, language=language, number=number
    )
    if request.method == "POST":
        try:
            services.guidance_publish(acting_user=request.user, version=version)
        except services.PreventionRefused as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("This version is now published."))
        return redirect("prevention:guidance_version", slug=slug, language=language, number=number)
    return render(
        request,
        "prevention/guidance_version.html",
        {
            "version": version,
            "page_label": GuidanceSlug(slug).label,
            "language_label": GuidanceLanguage(language).label,
        },
    )


# --- Guidance: public -----------------------------------------------------------------------------


@require_GET
def guidance_page(request: HttpRequest, slug: str) -> HttpResponse:
    """A guidance page for the public, in the request's language (Russian when it has none)."""
    if slug not in GuidanceSlug.values:
        raise Http404
    version = selectors.guidance_published(slug=slug)
    others = [v for v in selectors.guidance_list_published() if v.page.slug != slug]
    return render(request, "prevention/guidance_page.html", {"version": version, "others": others})
