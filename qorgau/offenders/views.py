"""Pages of the offender register: one view per action, each calling one service.

Who may do what is the policies' (offenders/policies.py): an action view takes its person through
`selectors.person_for_action`, which refuses (403, audited) a user the action's policy does not
allow before any form is read; the service checks again on the object it changes. A refusal the
person can fix (a field, a status that changed meanwhile) comes back on the page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qorgau.core.errors import NotFound, PermissionRefused, ServiceError, add_to_form, run_and_tell
from qorgau.core.models import Region
from qorgau.core.permissions import Policy, may, requires_visibility
from qorgau.core.services import audit_personal_view
from qorgau.core.types import AuthedRequest
from qorgau.core.work import window_named
from qorgau.offenders import policies, selectors, services
from qorgau.offenders.enums import MeetingStatus
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
from qorgau.offenders.models import Person

PAGE_SIZE = 50


@login_required
@requires_visibility(Person)
@require_GET
def person_list(request: AuthedRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    hits = []
    if form.is_valid() and form.cleaned_data["name"]:
        hits = selectors.person_search(user=request.user, name=form.cleaned_data["name"])
    examination = window_named(request.GET.get("examination"))
    reassessment = window_named(request.GET.get("reassessment"))
    page = Paginator(
        selectors.person_list_for_user(
            user=request.user,
            status=request.GET.get("status") or None,
            examination=examination,
            reassessment=None if examination else reassessment,
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    coverage = (
        selectors.examination_coverage(user=request.user, by="facility")
        if may(request.user, policies.VIEW_COVERAGE)
        else []
    )
    return render(
        request,
        "offenders/list.html",
        {
            "page": page,
            "form": form,
            "hits": hits,
            "coverage": coverage,
            "examination": examination,
            "reassessment": None if examination else reassessment,
        },
    )


def _release_form(data: Any = None) -> ReleaseForm:
    return ReleaseForm(data, regions=Region.objects.all(), officers=selectors.release_officers())


def _context(request: AuthedRequest, person: Person, **extra: Any) -> dict:
    instrument = services.instrument_get()
    context = {
        "person": person,
        "convictions": person.convictions.prefetch_related("articles").select_related("facility"),
        "examinations": person.examinations.select_related("clinician"),
        "assessments": person.risk_assessments.select_related("instrument", "clinician", "person"),
        "plans": person.treatment_plans.prefetch_related("sessions"),
        "supervision": person.supervision_plans.select_related("officer").prefetch_related(
            "meetings", "violations"
        ),
        "exam_form": ExaminationForm(initial={"done_on": timezone.localdate()}),
        "risk_form": RiskForm(
            instrument=instrument,
            language=get_language()[:2],
            person=person,
            initial={"assessed_on": timezone.localdate()},
        ),
        "treatment_form": TreatmentForm(initial={"started_on": timezone.localdate()}),
        "release_form": _release_form(),
        "violation_form": ViolationForm(),
        "today": timezone.localdate(),
    }
    context.update(extra)
    return context


@login_required
@requires_visibility(Person)
@require_GET
def person_detail(request: AuthedRequest, public_id: str) -> HttpResponse:
    person = selectors.person_get_for_user(user=request.user, public_id=public_id)
    audit_personal_view(
        actor=request.user,
        obj=person,
        fields=["full_name", "iin", "findings", "notes"],
        region=person.region,
    )
    return render(request, "offenders/detail.html", _context(request, person))


# --- Actions --------------------------------------------------------------------------------------


def action(policy: Policy) -> Callable:
    """An action view: signed in, POST only, its person fetched and the policy asked first."""

    def decorate(view: Callable) -> Callable:
        @login_required
        @requires_visibility(Person)
        @require_POST
        def wrapped(request: AuthedRequest, public_id: str) -> HttpResponse:
            person = selectors.person_for_action(
                user=request.user, public_id=public_id, policy=policy
            )
            return view(request, person)

        wrapped.__name__ = wrapped.__qualname__ = view.__name__
        wrapped.__doc__ = view.__doc__
        return wrapped

    return decorate


def _back(request: AuthedRequest, person: Person, call: Callable[[], Any]) -> HttpResponse:
    """Do the action and go back to the person's page, saying whether it was saved."""
    run_and_tell(request, call, _("Saved."))
    return redirect("offenders:detail", public_id=person.public_id)


def _back_if_valid(
    request: AuthedRequest, person: Person, form: Any, call: Callable[[], Any]
) -> HttpResponse:
    """`_back` for the small forms of the page's lists (a session, a meeting, ending a programme):
    an invalid form goes back to the page with its errors as a message."""
    if not form.is_valid():
        messages.error(request, _errors_of(form))
        return redirect("offenders:detail", public_id=person.public_id)
    return _back(request, person, call)


def _form_action(
    request: AuthedRequest, person: Person, name: str, form: Any, call: Callable[[], Any]
) -> HttpResponse | None:
    """A form of the person's page: done (None), or the page again with the form's errors."""
    if form.is_valid():
        try:
            call()
        except (PermissionRefused, NotFound):
            raise
        except ServiceError as error:
            add_to_form(form, error)
        else:
            return None
    context = _context(request, person, **{name: form})
    return render(request, "offenders/detail.html", context, status=400)


def _saved(person: Person, request: AuthedRequest) -> HttpResponse:
    messages.success(request, _("Saved."))
    return redirect("offenders:detail", public_id=person.public_id)


def _errors_of(form: Any) -> str:
    return " ".join(str(m) for errors in form.errors.values() for m in errors)


@action(policies.RECORD_EXAMINATION)
def person_examination(request: AuthedRequest, person: Person) -> HttpResponse:
    form = ExaminationForm(request.POST)
    exam = selectors.examination_due(person=person)
    if exam is None:  # none is due: the page again
        context = _context(request, person, exam_form=form)
        return render(request, "offenders/detail.html", context, status=400)
    page = _form_action(
        request,
        person,
        "exam_form",
        form,
        lambda: services.examination_record(
            exam=exam,
            acting_user=request.user,
            done_on=form.cleaned_data["done_on"],
            findings=form.cleaned_data["findings"],
            diagnostic_codes=form.cleaned_data["diagnostic_codes"].split(","),
            recommendations=form.cleaned_data["recommendations"],
        ),
    )
    return page or _saved(person, request)


@action(policies.ASSESS_RISK)
def person_risk(request: AuthedRequest, person: Person) -> HttpResponse:
    form = RiskForm(
        request.POST,
        instrument=services.instrument_get(),
        language=get_language()[:2],
        person=person,
    )
    page = _form_action(
        request,
        person,
        "risk_form",
        form,
        lambda: services.risk_assess(
            person=person,
            acting_user=request.user,
            answers=form.answers(),
            assessed_on=form.cleaned_data["assessed_on"],
            override_level=form.cleaned_data["override_level"],
            override_reason=form.cleaned_data["override_reason"],
        ),
    )
    return page or _saved(person, request)


@action(policies.START_TREATMENT)
def person_treatment(request: AuthedRequest, person: Person) -> HttpResponse:
    form = TreatmentForm(request.POST)
    page = _form_action(
        request,
        person,
        "treatment_form",
        form,
        lambda: services.treatment_start(
            person=person, acting_user=request.user, **form.cleaned_data
        ),
    )
    return page or _saved(person, request)


@action(policies.RECORD_TREATMENT_SESSION)
def person_session(request: AuthedRequest, person: Person) -> HttpResponse:
    form = SessionForm(request.POST)
    plan = selectors.treatment_plan_of(person=person, plan_id=request.POST.get("plan"))
    return _back_if_valid(
        request,
        person,
        form,
        lambda: services.treatment_session_record(
            plan=plan,
            acting_user=request.user,
            held_on=form.cleaned_data["held_on"],
            attended=form.cleaned_data["attended"],
            note=form.cleaned_data["note"],
        ),
    )


@action(policies.END_TREATMENT)
def person_treatment_end(request: AuthedRequest, person: Person) -> HttpResponse:
    form = TreatmentEndForm(request.POST)
    plan = selectors.treatment_plan_of(person=person, plan_id=request.POST.get("plan"))
    return _back_if_valid(
        request,
        person,
        form,
        lambda: services.treatment_end(
            plan=plan,
            acting_user=request.user,
            status=form.cleaned_data["status"],
            reason=form.cleaned_data["reason"],
        ),
    )


@action(policies.RELEASE)
def person_release(request: AuthedRequest, person: Person) -> HttpResponse:
    form = _release_form(request.POST)
    page = _form_action(
        request,
        person,
        "release_form",
        form,
        lambda: services.release(
            person=person,
            acting_user=request.user,
            released_on=form.cleaned_data["released_on"],
            region=form.cleaned_data["region"],
            officer=form.cleaned_data["officer"],
        ),
    )
    if page is not None:
        return page
    messages.success(request, _("The release was recorded and the supervision plan started."))
    return redirect("offenders:list")


@action(policies.RECORD_MEETING)
def person_meeting(request: AuthedRequest, person: Person) -> HttpResponse:
    """Record a meeting; from the supervision calendar (`return_to`), back to the calendar."""
    form = MeetingForm(request.POST)
    meeting = selectors.meeting_of(person=person, meeting_id=request.POST.get("meeting"))
    if request.POST.get("return_to") != "supervision":
        return _back_if_valid(
            request, person, form, lambda: _record_meeting(request, form, meeting)
        )
    calendar = reverse("offenders:supervision")
    window = window_named(request.POST.get("due"))
    back = redirect(f"{calendar}?due={window}" if window else calendar)
    if not form.is_valid():
        messages.error(request, _errors_of(form))
        return back
    try:
        _record_meeting(request, form, meeting)
    except (PermissionRefused, NotFound):
        raise
    except ServiceError as error:
        messages.error(request, error.message)
        return back
    messages.success(request, _meeting_saved(form.cleaned_data, meeting.due_on))
    return back


def _record_meeting(request: AuthedRequest, form: MeetingForm, meeting: Any) -> Any:
    return services.meeting_record(
        meeting=meeting,
        acting_user=request.user,
        status=form.cleaned_data["status"],
        notes=form.cleaned_data["notes"],
        on=form.cleaned_data["on"],
        reschedule_to=form.cleaned_data["reschedule_to"],
    )


def _meeting_saved(data: dict, due_on: Any) -> str:
    """What was saved, in words: the meeting's date, its result, the new date, whether notes."""
    due = date_format(due_on)
    status = data["status"]
    if status == MeetingStatus.RESCHEDULED:
        text = _("The meeting due on %(due)s was moved to %(new)s.") % {
            "due": due,
            "new": date_format(data["reschedule_to"]),
        }
    elif status == MeetingStatus.MISSED:
        text = _(
            "The meeting due on %(due)s was recorded as missed; the region’s chief will be told."
        ) % {"due": due}
    else:
        text = _("The meeting due on %(due)s was recorded as attended.") % {"due": due}
    if data.get("notes"):
        text += " " + _("Your notes were saved with it.")
    return text


@action(policies.RECORD_VIOLATION)
def person_violation(request: AuthedRequest, person: Person) -> HttpResponse:
    form = ViolationForm(request.POST)
    plan = selectors.supervision_plan_of(person=person)
    page = _form_action(
        request,
        person,
        "violation_form",
        form,
        lambda: services.violation_record(plan=plan, acting_user=request.user, **form.cleaned_data),
    )
    return page or _saved(person, request)


@action(policies.END_SUPERVISION)
def person_end_supervision(request: AuthedRequest, person: Person) -> HttpResponse:
    plan = selectors.supervision_plan_of(person=person)
    return _back(
        request, person, lambda: services.supervision_end(plan=plan, acting_user=request.user)
    )


# --- Pages of their own ---------------------------------------------------------------------------


@login_required
@require_GET
def coverage(request: AuthedRequest) -> HttpResponse:
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
def supervision_today(request: AuthedRequest) -> HttpResponse:
    window = window_named(request.GET.get("due"))
    meetings = selectors.meetings_due_for_user(user=request.user, window=window)
    upcoming = [] if window == "week" else selectors.meetings_upcoming_for_user(user=request.user)
    return render(
        request,
        "offenders/supervision.html",
        {
            "meetings": meetings,
            "upcoming": upcoming,
            "upcoming_days": selectors.UPCOMING_DAYS,
            "today": timezone.localdate(),
            "form": MeetingForm(),
            "window": window,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def import_csv(request: AuthedRequest) -> HttpResponse:
    columns = selectors.register_import_columns(user=request.user)
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
        {"form": form, "result": result, "columns": columns},
        status=status,
    )
