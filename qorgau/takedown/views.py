"""The staff's pages of requests to platforms: the region's list, a request with its history and
its actions (one view per action), the forms on a report's and a subject's page, and the CSV of
evidence hashes.

An action view asks the action's policy first (403, audited, whatever the request), takes the
request through `selectors.takedown_for_action` (404, audited, outside what the user may act on),
then calls one service, which checks again. Templates ask `{% may %}` which actions to show.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from datetime import date
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qorgau.core.errors import NotFound, PermissionRefused, ServiceError, add_to_form, run_and_tell
from qorgau.core.permissions import Policy, may, requires_visibility
from qorgau.core.services import audit_personal_view
from qorgau.core.types import AuthedRequest
from qorgau.takedown import policies, selectors, services
from qorgau.takedown.enums import EventKind, RequestKind, RequestStatus
from qorgau.takedown.forms import DeadlineForm, FilterForm, ReferenceForm, RequestForm
from qorgau.takedown.models import TakedownRequest

PAGE_SIZE = 50


@login_required
@requires_visibility(TakedownRequest)
@require_GET
def request_list(request: AuthedRequest) -> HttpResponse:
    form = FilterForm(request.GET or None)
    filters = selectors.RequestFilters()
    if form.is_valid():
        filters = selectors.RequestFilters(
            status=form.cleaned_data["status"] or None, overdue=form.cleaned_data["overdue"]
        )
    now = timezone.now()
    qs = selectors.takedown_list_for_user(user=request.user, filters=filters, now=now)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(item, item.is_overdue(now)) for item in page]
    return render(
        request,
        "takedown/list.html",
        {
            "page": page,
            "rows": rows,
            "form": form,
            "status": filters.status,
            "overdue": filters.overdue,
            "statuses": RequestStatus.choices,
        },
    )


def _detail_context(request: AuthedRequest, item: TakedownRequest) -> dict[str, Any]:
    user = request.user
    events = list(selectors.takedown_events(request=item))
    for event in events:  # a changed deadline, as a date the page writes in its language
        to = event.details.get("to") if event.kind == EventKind.DEADLINE else None
        event.deadline_to = date.fromisoformat(to) if to else None  # type: ignore[attr-defined]
    return {
        "item": item,
        "overdue": item.is_overdue(),
        "events": events,
        "preservation_days": settings.QORGAU_TAKEDOWN_PRESERVATION_DAYS,
        "can_send": may(user, policies.SEND_REQUEST, item) and item.status == RequestStatus.DRAFTED,
        "can_answer": may(user, policies.RECORD_ANSWER, item)
        and item.status in (RequestStatus.SENT, RequestStatus.ACKNOWLEDGED),
        "can_acknowledge": item.status == RequestStatus.SENT,
        "can_set_deadline": may(user, policies.SET_DEADLINE, item)
        and item.kind == RequestKind.PRESERVATION
        and not item.is_final,
        "can_set_reference": may(user, policies.SET_REFERENCE, item)
        and item.status != RequestStatus.DRAFTED,
        "can_export": may(user, policies.EXPORT_HASHES, item),
        "send_form": ReferenceForm(auto_id="id_send_%s"),
        "acknowledge_form": ReferenceForm(auto_id="id_ack_%s"),
        "reference_form": ReferenceForm(auto_id="id_ref_%s"),
        "deadline_form": DeadlineForm(
            initial={"deadline": item.legal_deadline}, auto_id="id_deadline_%s"
        ),
    }


@login_required
@requires_visibility(TakedownRequest)
@require_GET
def request_detail(request: AuthedRequest, public_id: str) -> HttpResponse:
    """A request, its URLs or accounts (personal data: the view is audited) and its history."""
    item = selectors.takedown_get_for_user(user=request.user, public_id=public_id)
    audit_personal_view(actor=request.user, obj=item, fields=["targets"], region=item.region)
    return render(request, "takedown/detail.html", _detail_context(request, item))


def _new(
    request: AuthedRequest, *, source: Any, kind: str, back: str, call: Callable[..., Any]
) -> HttpResponse:
    form = RequestForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                item = call(acting_user=request.user, data=form.to_input(), **{kind: source})
            except (PermissionRefused, NotFound):
                raise
            except ServiceError as exc:
                add_to_form(form, exc)
            else:
                messages.success(
                    request,
                    _("The request is drafted. Send it to the platform, then record it here."),
                )
                return redirect("takedown:detail", public_id=item.public_id)
    return render(
        request,
        "takedown/new.html",
        {"form": form, "source": source, "source_kind": kind, "back": back},
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_new_for_report(request: AuthedRequest, public_id: str) -> HttpResponse:
    """ "Request to a platform" from a report's page."""
    from qorgau.intake.selectors import report_for_action

    report = report_for_action(
        user=request.user, public_id=public_id, policy=policies.REQUEST_FROM_REPORT
    )
    return _new(
        request,
        source=report,
        kind="report",
        back="intake:staff_detail",
        call=services.takedown_from_report,
    )


@login_required
@require_http_methods(["GET", "POST"])
def request_new_for_subject(request: AuthedRequest, public_id: str) -> HttpResponse:
    """ "Request to a platform" from a subject's page, for the analyst's own region."""
    subject = selectors.subject_for_request(user=request.user, public_id=public_id)
    return _new(
        request,
        source=subject,
        kind="subject",
        back="intake:staff_subject",
        call=services.takedown_from_subject,
    )


def _action(
    request: AuthedRequest, public_id: str, *, policy: Policy, call: Callable[..., Any], done: str
) -> HttpResponse:
    item = selectors.takedown_for_action(user=request.user, public_id=public_id, policy=policy)
    form = ReferenceForm(request.POST)
    reference = form.cleaned_data["reference"] if form.is_valid() else ""
    run_and_tell(
        request, lambda: call(acting_user=request.user, request=item, reference=reference), done
    )
    return redirect("takedown:detail", public_id=item.public_id)


@login_required
@require_POST
def request_send(request: AuthedRequest, public_id: str) -> HttpResponse:
    return _action(
        request,
        public_id,
        policy=policies.SEND_REQUEST,
        call=services.takedown_send,
        done=_("Recorded as sent to the platform."),
    )


@login_required
@require_POST
def request_acknowledge(request: AuthedRequest, public_id: str) -> HttpResponse:
    return _action(
        request,
        public_id,
        policy=policies.RECORD_ANSWER,
        call=services.takedown_acknowledge,
        done=_("Recorded: the platform acknowledged the request."),
    )


@login_required
@require_POST
def request_complete(request: AuthedRequest, public_id: str) -> HttpResponse:
    return _action(
        request,
        public_id,
        policy=policies.RECORD_ANSWER,
        call=services.takedown_complete,
        done=_("Recorded: the platform did what was asked."),
    )


@login_required
@require_POST
def request_refuse(request: AuthedRequest, public_id: str) -> HttpResponse:
    return _action(
        request,
        public_id,
        policy=policies.RECORD_ANSWER,
        call=services.takedown_refuse,
        done=_("Recorded: the platform refused the request."),
    )


@login_required
@require_POST
def request_reference(request: AuthedRequest, public_id: str) -> HttpResponse:
    item = selectors.takedown_for_action(
        user=request.user, public_id=public_id, policy=policies.SET_REFERENCE
    )
    form = ReferenceForm(request.POST)
    reference = form.cleaned_data["reference"] if form.is_valid() else ""
    run_and_tell(
        request,
        lambda: services.takedown_reference_set(
            acting_user=request.user, request=item, reference=reference
        ),
        _("The platform's reference number is recorded."),
    )
    return redirect("takedown:detail", public_id=item.public_id)


@login_required
@require_POST
def request_deadline(request: AuthedRequest, public_id: str) -> HttpResponse:
    item = selectors.takedown_for_action(
        user=request.user, public_id=public_id, policy=policies.SET_DEADLINE
    )
    form = DeadlineForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("takedown:detail", public_id=item.public_id)
    run_and_tell(
        request,
        lambda: services.takedown_deadline_set(
            acting_user=request.user, request=item, deadline=form.cleaned_data["deadline"]
        ),
        _("The deadline is changed."),
    )
    return redirect("takedown:detail", public_id=item.public_id)


@login_required
@require_GET
def request_hashes(request: AuthedRequest, public_id: str) -> HttpResponse:
    """The CSV a platform loads into its matching: hashes and public ids only (audited)."""
    item = selectors.takedown_for_action(
        user=request.user, public_id=public_id, policy=policies.EXPORT_HASHES
    )
    rows = services.takedown_hashes_export(acting_user=request.user, request=item)
    # A file for a platform's machines, not a spreadsheet: no byte order mark, and no formula
    # escaping (core/exports.py), which would change a public id that starts with "-". Every cell
    # is a hexadecimal hash or a public id Qorgau made, never text anyone typed.
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(selectors.CSV_HEADER)
    writer.writerows(rows)
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="qorgau-hashes-{item.public_id}.csv"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
