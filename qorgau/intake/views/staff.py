"""The staff's pages of the Red Button: the queue, a report, a subject, and one view per action.

Who may do what is the policies' (intake/policies.py): an action view asks the action's policy for
the user's role first (403, audited, whatever the report), then takes its report through
`selectors.report_for_action` (404, audited, outside what the user may act on), then calls one
service, which checks again. A refusal the person can fix (a field, a status that changed meanwhile)
comes back on the report's page. Templates ask `{% may %}` which actions to show.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from qorgau.core.errors import NotFound, run_and_tell
from qorgau.core.permissions import Policy, require, requires_visibility
from qorgau.core.selectors import region_get_by_code
from qorgau.core.types import AuthedRequest
from qorgau.intake import known_material, policies, selectors, services
from qorgau.intake.enums import Status
from qorgau.intake.explain import explained_reasons, quoted_words
from qorgau.intake.forms import (
    CaseForm,
    CloseForm,
    DuplicateForm,
    FileMatchForm,
    LinkSubjectForm,
    PriorityForm,
    QueueFilterForm,
    ReferForm,
    StaffMessageForm,
    UnlinkForm,
)
from qorgau.intake.highlight import highlight
from qorgau.intake.models import Report
from qorgau.linking.enums import OwnerType

PAGE_SIZE = 50
PERSONAL_FIELDS = ["narrative", "location", "reporter_contact", "suspect"]


@login_required
@requires_visibility(Report)
@require_GET
def staff_report_list(request: AuthedRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET or None)
    filters = form.to_filters() if request.GET else QueueFilterForm(data={}).to_filters()
    qs = selectors.report_list_for_user(user=request.user, filters=filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page)
    readable = (
        services.reports_view_first_lines(reports=rows, acting_user=request.user) if rows else []
    )
    context = {
        "page": page,
        "rows": rows,
        "form": form,
        "readable": {r.pk for r in readable},
        "show_region": selectors.report_queue_regions_for_user(user=request.user),
    }
    return render(request, "intake/staff_list.html", context)


def _detail_context(request: AuthedRequest, report: Report, **forms_: object) -> dict:
    from qorgau.linking.selectors import identifiers_of_owner

    owner = OwnerType.REPORT.value
    subject, linked, hidden = selectors.linked_reports_for_user(user=request.user, report=report)
    candidates = selectors.name_candidates_for_user(user=request.user, report=report)
    reasons = explained_reasons(report.priority_reasons, get_language()[:2], report.narrative)
    context = {
        "report": report,
        "reasons": reasons,
        # the words that set the priority, marked where they stand (HTML-escaped, line breaks kept)
        "narrative_marked": highlight(report.narrative, quoted_words(reasons)),
        "evidence": selectors.evidence_list_for_report(report=report),
        "thread": selectors.messages_for_report(report=report),
        "timeline": selectors.timeline_for_staff(report=report),
        "identifiers": identifiers_of_owner(owner_type=owner, owner_id=report.pk),
        "subject": subject,
        "linked": linked,
        "linked_hidden": hidden,
        "name_candidates": candidates,
        "file_matches": services.file_matches_for_user(user=request.user, report=report),
        "known_matches": known_material.matches_of_report(report),
        "form": StaffMessageForm(),
        "priority_form": PriorityForm(initial={"priority": report.priority}),
        "refer_form": ReferForm(),
        "close_form": CloseForm(),
        "link_form": LinkSubjectForm(),
        "duplicate_form": DuplicateForm(),
        "case_form": CaseForm(),  # posted to the cases app, which registers the case
        "overdue": report.first_action_at is None
        and report.respond_by is not None
        and report.respond_by < timezone.now()
        and report.status != Status.CLOSED,
    }
    context.update(forms_)
    return context


def report_page(
    request: AuthedRequest, report: Report, *, status: int = 200, **forms_: object
) -> HttpResponse:
    """The report's page: it shows the personal fields, so each time it is audited."""
    services.report_view_personal(report=report, acting_user=request.user, fields=PERSONAL_FIELDS)
    context = _detail_context(request, report, **forms_)
    context["action_error"] = status != 200
    return render(request, "intake/staff_detail.html", context, status=status)


@login_required
@requires_visibility(Report)
@require_GET
def staff_report_detail(request: AuthedRequest, public_id: str) -> HttpResponse:
    report = selectors.report_get_for_user(user=request.user, public_id=public_id)
    return report_page(request, report)


@login_required
@requires_visibility(Report)
@require_GET
def staff_subject(request: AuthedRequest, public_id: str) -> HttpResponse:
    """A subject: the reports of it the user may see, identifiers, regions, first and last seen."""
    context = selectors.subject_page_for_user(user=request.user, public_id=public_id)
    return render(request, "intake/staff_subject.html", context)


def _policy_first(policy: Policy) -> Callable:
    """Signed in; then the role asked (403, audited, even for a GET); then POST only."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable:
        posted = require_POST(view)

        @login_required
        @functools.wraps(posted)  # `__wrapped__` leads to require_POST: the view says its method
        def wrapped(request: AuthedRequest, **kwargs: Any) -> HttpResponse:
            require(request.user, policy)
            return posted(request, **kwargs)

        return wrapped

    return decorate


@_policy_first(policies.DOWNLOAD_EVIDENCE)
def staff_evidence_download(
    request: AuthedRequest, public_id: str, evidence_id: str
) -> HttpResponse:
    """A deliberate, audited download: never shown inline, whatever its type."""
    item = selectors.evidence_for_download(
        user=request.user, report_public_id=public_id, public_id=evidence_id
    )
    if not item.has_content:
        messages.error(
            request, _("Only the SHA-256 of this file was sent; there is nothing to download.")
        )
        return redirect("intake:staff_detail", public_id=public_id)
    content = services.evidence_open(item=item, acting_user=request.user)
    response = HttpResponse(content, content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="evidence-{item.public_id}.bin"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "no-store"
    return response


# --- Actions: one view each, posted from the report's page ----------------------------------------


def _action(policy: Policy) -> Callable:
    """An action view (`_policy_first`), its report taken through the policy: 404 outside what the
    user may act on."""

    def decorate(view: Callable[[AuthedRequest, Report], HttpResponse]) -> Callable:
        @_policy_first(policy)
        @functools.wraps(view)
        def wrapped(request: AuthedRequest, public_id: str) -> HttpResponse:
            report = selectors.report_for_action(
                user=request.user, public_id=public_id, policy=policy
            )
            return view(request, report)

        return wrapped

    return decorate


def _done(request: AuthedRequest, report: Report, call: Callable[[], Any], success: str) -> Any:
    """Do the action and go back to the report, saying whether it was done. A refusal of the role
    or of the report is not the person's to fix: it answers 403 or 404."""
    run_and_tell(request, call, success)
    return redirect("intake:staff_detail", public_id=report.public_id)


def _with_form(
    request: AuthedRequest,
    report: Report,
    form: Any,
    name: str,
    call: Callable[[dict[str, Any]], Any],
    success: str,
) -> HttpResponse:
    """An action with a form: a form that is not valid comes back on the report's page (400)."""
    if not form.is_valid():
        return report_page(request, report, status=400, **({name: form} if name else {}))
    return _done(request, report, lambda: call(form.cleaned_data), success)


def _sent() -> str:
    return _("The message was sent. The reporter sees it with their receipt code.")


@_action(policies.TAKE_REPORT)
def report_take(request: AuthedRequest, report: Report) -> HttpResponse:
    return _done(
        request,
        report,
        lambda: services.report_take(report=report, acting_user=request.user),
        _("You took the report. The reporter sees that someone is working on it."),
    )


@_action(policies.MESSAGE_REPORTER)
def report_message(request: AuthedRequest, report: Report) -> HttpResponse:
    def call(data: dict[str, Any]) -> Any:
        return services.report_message_reporter(
            report=report, acting_user=request.user, body=data["body"]
        )

    return _with_form(request, report, StaffMessageForm(request.POST), "form", call, _sent())


@_action(policies.ASK_MORE_INFORMATION)
def report_more_info(request: AuthedRequest, report: Report) -> HttpResponse:
    def call(data: dict[str, Any]) -> Any:
        return services.report_ask_more_information(
            report=report, acting_user=request.user, body=data["body"]
        )

    return _with_form(request, report, StaffMessageForm(request.POST), "form", call, _sent())


@_action(policies.SET_PRIORITY)
def report_priority(request: AuthedRequest, report: Report) -> HttpResponse:
    def call(data: dict[str, Any]) -> Any:
        return services.report_set_priority(
            report=report,
            acting_user=request.user,
            priority=data["priority"],
            reason=data["reason"],
        )

    form = PriorityForm(request.POST)
    return _with_form(request, report, form, "priority_form", call, _("The priority was changed."))


@_action(policies.REFER_REPORT)
def report_refer(request: AuthedRequest, report: Report) -> HttpResponse:
    def call(data: dict[str, Any]) -> Any:
        return services.report_refer(
            report=report,
            acting_user=request.user,
            target=data["target"],
            reason=data["reason"],
            region=region_get_by_code(code=data["region"]) if data["region"] else None,
        )

    form = ReferForm(request.POST)
    return _with_form(request, report, form, "refer_form", call, _("The report was referred."))


@_action(policies.CLOSE_REPORT)
def report_close(request: AuthedRequest, report: Report) -> HttpResponse:
    def call(data: dict[str, Any]) -> Any:
        return services.report_close(report=report, acting_user=request.user, reason=data["reason"])

    form = CloseForm(request.POST)
    return _with_form(request, report, form, "close_form", call, _("The report was closed."))


@_action(policies.LINK_SUBJECT)
def report_link(request: AuthedRequest, report: Report) -> HttpResponse:
    def call(data: dict[str, Any]) -> Any:
        return services.report_link_subject(
            report=report,
            acting_user=request.user,
            subject_public_id=data["subject"],
            reason=data["reason"],
        )

    form = LinkSubjectForm(request.POST)
    success = _("The report was linked to the subject.")
    return _with_form(request, report, form, "link_form", call, success)


@_action(policies.REMOVE_LINK)
def report_unlink(request: AuthedRequest, report: Report) -> HttpResponse:
    def call(data: dict[str, Any]) -> Any:
        return services.report_unlink_identifier(
            report=report, acting_user=request.user, identifier_id=data["identifier"]
        )

    form = UnlinkForm(request.POST)
    return _with_form(request, report, form, "", call, _("The link was removed."))


@_action(policies.MARK_DUPLICATE)
def report_duplicate(request: AuthedRequest, report: Report) -> HttpResponse:
    form = DuplicateForm(request.POST)
    if form.is_valid():
        try:
            original = selectors.report_for_action(
                user=request.user,
                public_id=form.cleaned_data["original"].strip(),
                policy=policies.MARK_DUPLICATE,
            )
        except NotFound:
            form.add_error("original", _("No such report."))
        else:
            return _done(
                request,
                report,
                lambda: services.report_mark_duplicate(
                    report=report, acting_user=request.user, original=original
                ),
                _("The report was closed as a duplicate."),
            )
    return report_page(request, report, status=400, duplicate_form=form)


@_action(policies.DECIDE_FILE_MATCH)
def report_file_match(request: AuthedRequest, report: Report) -> HttpResponse:
    """A similar file: "the same picture" or "not the same" (posted from the report's page)."""
    form = FileMatchForm(request.POST)
    same = request.POST.get("same") == "1"
    success = (
        _("The files are marked as the same picture, and the reports are linked.")
        if same
        else _("The files are marked as not the same.")
    )

    def call(data: dict[str, Any]) -> Any:
        return services.report_file_match_decide(
            report=report, acting_user=request.user, match_id=data["match"], same=data["same"]
        )

    return _with_form(request, report, form, "", call, success)
