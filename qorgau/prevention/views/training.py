"""Views of the training cascade: teachers, training sessions and certificates."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qorgau.core.errors import NotFound, PermissionRefused, ServiceError, add_to_form
from qorgau.core.permissions import may, require, requires_visibility
from qorgau.core.types import AuthedRequest
from qorgau.prevention import policies, selectors, services
from qorgau.prevention.forms import AddAttendeeForm, SessionForm, TeacherForm
from qorgau.prevention.models import Teacher, TrainingSession
from qorgau.prevention.views._common import _page

# --- Teachers -------------------------------------------------------------------------------------


@login_required
@requires_visibility(Teacher)
@require_GET
def teacher_list(request: AuthedRequest) -> HttpResponse:
    status = request.GET.get("status") or None
    find = (request.GET.get("find") or "").strip()[:100]
    qs = selectors.teacher_list_for_user(user=request.user, status=status, find=find)
    return render(
        request,
        "prevention/teacher_list.html",
        {"page": _page(request, qs), "status": status, "find": find},
    )


@login_required
@requires_visibility(Teacher)
@require_http_methods(["GET", "POST"])
def teacher_new(request: AuthedRequest) -> HttpResponse:
    require(request.user, policies.CREATE_TEACHER)
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
        except (PermissionRefused, NotFound):
            raise
        except ServiceError as exc:
            add_to_form(form, exc)
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
def teacher_detail(request: AuthedRequest, public_id: str) -> HttpResponse:
    teacher = selectors.teacher_get_for_user(user=request.user, public_id=public_id)
    if request.method == "POST":
        try:
            services.teacher_designate_master(acting_user=request.user, teacher=teacher)
        except (PermissionRefused, NotFound):
            raise
        except ServiceError as exc:
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
            "can_designate": may(request.user, policies.DESIGNATE_MASTER_TRAINER, teacher),
        },
    )


# --- Training sessions ----------------------------------------------------------------------------


@login_required
@requires_visibility(TrainingSession)
@require_GET
def session_list(request: AuthedRequest) -> HttpResponse:
    qs = selectors.session_list_for_user(user=request.user)
    return render(request, "prevention/session_list.html", {"page": _page(request, qs)})


@login_required
@requires_visibility(TrainingSession)
@require_http_methods(["GET", "POST"])
def session_new(request: AuthedRequest) -> HttpResponse:
    require(request.user, policies.CREATE_SESSION)
    trainers = list(selectors.trainer_choices_for_user(user=request.user))
    attendees = list(selectors.attendee_choices_for_user(user=request.user))
    form = SessionForm(request.POST or None, trainers=trainers, attendees=attendees)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        by_id = {t.public_id: t for t in attendees}
        trainer = next(t for t in trainers if t.public_id == data["trainer"])
        region = request.user.region
        # a coordinator without a region has no trainer to choose: the form was not valid
        assert region is not None
        try:
            session = services.session_create(
                acting_user=request.user,
                region=region,
                held_on=data["held_on"],
                place=data["place"],
                trainer=trainer,
                attendees=[by_id[pk] for pk in data["attendees"]],
            )
        except (PermissionRefused, NotFound):
            raise
        except ServiceError as exc:
            add_to_form(form, exc)
        else:
            messages.success(request, _("The training session was saved."))
            return redirect("prevention:session_detail", public_id=session.public_id)
    return render(
        request,
        "prevention/session_form.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )


def _session_context(request: AuthedRequest, session: TrainingSession) -> dict[str, Any]:
    attendances = list(selectors.session_attendances(session=session))
    listed = {a.teacher_id for a in attendances}
    add_form = None
    if may(request.user, policies.ADD_ATTENDEE, session):
        add_form = AddAttendeeForm(
            teachers=[
                t
                for t in selectors.attendee_choices_for_user(user=request.user)
                if t.pk not in listed and t.pk != session.trainer_id
            ]
        )
    return {
        "session": session,
        "attendances": attendances,
        "can_record": may(request.user, policies.RECORD_ATTENDANCE, session),
        "can_certify": may(request.user, policies.CERTIFY, session),
        "has_happened": session.held_on <= timezone.localdate(),
        "add_form": add_form,
    }


@login_required
@requires_visibility(TrainingSession)
@require_GET
def session_detail(request: AuthedRequest, public_id: str) -> HttpResponse:
    session = selectors.session_get_for_user(user=request.user, public_id=public_id)
    return render(request, "prevention/session_detail.html", _session_context(request, session))


@login_required
@requires_visibility(TrainingSession)
@require_POST
def session_attendance(request: AuthedRequest, public_id: str) -> HttpResponse:
    """Who came to the session: the ticked attendees came, the others did not."""
    session = selectors.session_get_for_user(user=request.user, public_id=public_id)
    listed = set(session.attendances.values_list("pk", flat=True))
    present = [int(v) for v in request.POST.getlist("present") if v.isdigit()]
    try:
        came = services.session_record_attendance(
            acting_user=request.user,
            session=session,
            present=[pk for pk in present if pk in listed],
        )
    except (PermissionRefused, NotFound):
        raise
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Attendance recorded: %(count)d came.") % {"count": came})
    return redirect("prevention:session_detail", public_id=session.public_id)


@login_required
@requires_visibility(TrainingSession)
@require_POST
def session_certify(request: AuthedRequest, public_id: str) -> HttpResponse:
    session = selectors.session_get_for_user(user=request.user, public_id=public_id)
    try:
        count = services.session_certify(acting_user=request.user, session=session)
    except (PermissionRefused, NotFound):
        raise
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("%(count)d attendees certified.") % {"count": count})
    return redirect("prevention:session_detail", public_id=session.public_id)


@login_required
@requires_visibility(TrainingSession)
@require_POST
def session_add(request: AuthedRequest, public_id: str) -> HttpResponse:
    """One more attendee on the session's list."""
    session = selectors.session_get_for_user(user=request.user, public_id=public_id)
    require(request.user, policies.ADD_ATTENDEE, session)
    teachers = list(selectors.attendee_choices_for_user(user=request.user))
    form = AddAttendeeForm(request.POST, teachers=teachers)
    if not form.is_valid():
        messages.error(request, _("Choose a teacher of your region."))
        return redirect("prevention:session_detail", public_id=session.public_id)
    teacher = next(t for t in teachers if t.public_id == form.cleaned_data["teacher"])
    try:
        services.session_add_attendee(acting_user=request.user, session=session, teacher=teacher)
    except (PermissionRefused, NotFound):
        raise
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The attendee was added."))
    return redirect("prevention:session_detail", public_id=session.public_id)


@login_required
@requires_visibility(TrainingSession)
@require_GET
def certificate(request: AuthedRequest, certificate_id: str) -> HttpResponse:
    attendance = selectors.certificate_get_for_user(
        user=request.user, certificate_id=certificate_id
    )
    return render(request, "prevention/certificate.html", {"attendance": attendance})
