"""Views of the training cascade: teachers, training sessions and certificates."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qorgau.core.enums import Role
from qorgau.core.permissions import requires_visibility
from qorgau.prevention import selectors, services
from qorgau.prevention.forms import AddAttendeeForm, SessionForm, TeacherForm
from qorgau.prevention.models import Teacher, TrainingSession
from qorgau.prevention.views._common import COORDINATOR, _page, _require

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
