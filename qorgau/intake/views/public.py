from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qorgau.core.permissions import requires_visibility
from qorgau.core.services import rate_limit_take
from qorgau.core.utils import client_ip
from qorgau.intake import selectors, services
from qorgau.intake.advice import advice_for
from qorgau.intake.enums import Source, Status
from qorgau.intake.forms import (
    AddInformationForm,
    CaseForm,
    CloseForm,
    DuplicateForm,
    LinkSubjectForm,
    PriorityForm,
    QueueFilterForm,
    ReceiptForm,
    ReferForm,
    ReportForm,
    StaffMessageForm,
    UnlinkForm,
    incoming_files,
)
from qorgau.intake.models import Report
from qorgau.intake.receipts import format_code
from qorgau.intake.triage import reason_labels

SESSION_KEY = "qorgau_receipt_report"
SESSION_UNTIL = "qorgau_receipt_until"


# --- Public: the form -----------------------------------------------------------------------------


def _form_page(
    request: HttpRequest, form: ReportForm, *, status: int = 200, source: str = ""
) -> HttpResponse:
    labels = {
        "next": _("Next"),
        "back": _("Back"),
        "step": _("Step %(n)s of %(total)s"),
        "choose": _("Choose one of the answers to go on."),
        "write": _("Tell us what happened, in a few words at least."),
    }
    if not source:
        source = Source.WIDGET if request.POST.get("source") == Source.WIDGET else Source.WEB
    return render(
        request,
        "intake/report_form.html",
        {"form": form, "source": source, "step_labels": labels},
        status=status,
    )


@never_cache
@require_http_methods(["GET", "POST"])
def report_form(request: HttpRequest) -> HttpResponse:
    source = Source.WIDGET if request.GET.get("src") == "widget" else Source.WEB
    if request.method == "GET":
        return _form_page(request, ReportForm(), source=source)

    form = ReportForm(request.POST, request.FILES)
    if form.is_bot:
        form.add_error(None, _("Something went wrong with the form. Please send it again."))
        return _form_page(request, form, status=400)
    allowed = rate_limit_take(
        scope="report_form",
        value=client_ip(request) or "unknown",
        capacity=settings.QORGAU_REPORT_RATE_PER_HOUR,
        per_seconds=3600,
    )
    if not allowed:
        form.is_valid()
        form.add_error(
            None,
            _(
                "Too many reports came from this connection. Please try again in an hour, or call 150 or 102 now."
            ),
        )
        return _form_page(request, form, status=429)
    if not form.is_valid():
        return _form_page(request, form, status=400)
    source = Source.WIDGET if request.POST.get("source") == "widget" else Source.WEB
    try:
        submission = services.report_submit(
            draft=form.to_draft(language=get_language()[:2]),
            submitter=services.Submitter(source=source),
            idempotency_key=form.cleaned_data.get("submission") or "",
        )
    except services.ReportInvalid as exc:
        form.add_service_errors(exc.errors)
        return _form_page(request, form, status=400)
    report = submission.report
    code = format_code(submission.receipt_code) if submission.receipt_code else None
    return render(
        request,
        "intake/report_sent.html",
        {
            "report": report,
            "receipt_code": code,
            # Saved by the browser from a data: link (no request, nothing kept on the server).
            "receipt_file": "\n".join(
                [
                    _("Receipt code: %(code)s") % {"code": code},
                    _("Open your report with it: %(url)s")
                    % {"url": request.build_absolute_uri(reverse("intake:status"))},
                    "",
                ]
            )
            if code
            else "",
            "replayed": submission.replayed,
            "advice": advice_for(report.category),
        },
        status=201,
    )


# --- Public: follow-up with the receipt code ------------------------------------------------------


def _report_from_session(request: HttpRequest) -> Report | None:
    pk, until = request.session.get(SESSION_KEY), request.session.get(SESSION_UNTIL)
    if not pk or not until or until < timezone.now().timestamp():
        return None
    return selectors.report_get_by_pk(pk=pk)


@never_cache
@require_http_methods(["GET", "POST"])
def report_status(request: HttpRequest) -> HttpResponse:
    report = _report_from_session(request)
    if request.method == "GET":
        if report is not None:
            return _status_page(request, report, AddInformationForm())
        return render(request, "intake/status_login.html", {"form": ReceiptForm()})

    if "code" in request.POST:
        form = ReceiptForm(request.POST)
        if not form.is_valid():
            return render(request, "intake/status_login.html", {"form": form}, status=400)
        allowed = rate_limit_take(
            scope="receipt",
            value=client_ip(request) or "unknown",
            capacity=settings.QORGAU_RECEIPT_RATE_PER_10_MIN,
            per_seconds=600,
        )
        if not allowed:
            form.add_error(
                "code", _("Too many attempts from this connection. Wait ten minutes and try again.")
            )
            return render(request, "intake/status_login.html", {"form": form}, status=429)
        try:
            report = services.report_open_with_receipt(code_text=form.cleaned_data["code"])
        except services.ReceiptRefused as exc:
            form.add_error("code", str(exc))
            return render(
                request,
                "intake/status_login.html",
                {"form": form},
                status=429 if exc.locked else 400,
            )
        request.session.cycle_key()
        request.session[SESSION_KEY] = report.pk
        request.session[SESSION_UNTIL] = (
            timezone.now().timestamp() + settings.QORGAU_RECEIPT_SESSION_SECONDS
        )
        return redirect("intake:status")

    if report is None:
        return redirect("intake:status")
    form = AddInformationForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.report_add_information(
                report=report,
                text=form.cleaned_data["body"],
                files=incoming_files(form.cleaned_data.get("evidence")),
            )
        except services.ReportInvalid as exc:
            for path, errors in exc.errors.items():
                for error in errors:
                    form.add_error("evidence" if path.startswith("evidence") else "body", error)
        else:
            messages.success(request, _("Thank you. The duty officer will see it."))
            return redirect("intake:status")
    return _status_page(request, report, form, status=400)


def _status_page(
    request: HttpRequest, report: Report, form: AddInformationForm, status: int = 200
) -> HttpResponse:
    thread = list(selectors.messages_for_report(report=report))
    response = render(
        request,
        "intake/status.html",
        {
            "report": report,
            "thread": thread,
            "timeline": selectors.timeline_for_reporter(report=report),
            "form": form,
            "statuses": Status,
        },
        status=status,
    )
    services.report_mark_read_by_reporter(report=report)
    return response


@require_POST
def report_status_close(request: HttpRequest) -> HttpResponse:
    request.session.pop(SESSION_KEY, None)
    request.session.pop(SESSION_UNTIL, None)
    request.session.cycle_key()
    return redirect("core:home")


# --- Public: the embeddable button ----------------------------------------------------------------


@require_GET
def widget_js(request: HttpRequest) -> HttpResponse:
    """The script a website adds to get the red button. No cookies, no tracking, nothing third-party."""
    body = render_to_string(
        "intake/widget.js",
        {"form_url": request.build_absolute_uri(reverse("intake:report"))},
    )
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "public, max-age=3600"
    response["Access-Control-Allow-Origin"] = "*"
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response


@require_GET
def embed(request: HttpRequest) -> HttpResponse:
    script_url = request.build_absolute_uri(reverse("intake:widget"))
    return render(request, "intake/embed.html", {"script_url": script_url})


# --- Staff: the region's reports ------------------------------------------------------------------

PAGE_SIZE = 50


@login_required
@requires_visibility(Report)
@require_GET
def staff_report_list(request: HttpRequest) -> HttpResponse:
    form = QueueFilterForm(request.GET or None)
    filters = form.to_filters() if request.GET else QueueFilterForm(data={}).to_filters()
    qs = selectors.report_list_for_user(user=request.user, filters=filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "intake/staff_list.html", {"page": page, "form": form})


PERSONAL_FIELDS = ["narrative", "location", "reporter_contact", "suspect"]


def _detail_context(request: HttpRequest, report: Report, **forms_: object) -> dict:
    from qorgau.linking.selectors import identifiers_of_owner, name_candidates

    subject, linked, hidden = selectors.linked_reports_for_user(user=request.user, report=report)
    suspect_name = (report.suspect or {}).get("name")
    candidates = (
        name_candidates(name=suspect_name, exclude=("intake.report", report.pk), limit=5)
        if suspect_name
        else []
    )
    context = {
        "report": report,
        "reasons": reason_labels(report.priority_reasons, get_language()[:2]),
        "evidence": selectors.evidence_list_for_report(report=report),
        "thread": selectors.messages_for_report(report=report),
        "timeline": selectors.timeline_for_staff(report=report),
        "identifiers": identifiers_of_owner(owner_type="intake.report", owner_id=report.pk),
        "subject": subject,
        "linked": linked,
        "linked_hidden": hidden,
        "name_candidates": candidates,
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


@login_required
@requires_visibility(Report)
@require_GET
def staff_report_detail(request: HttpRequest, public_id: str) -> HttpResponse:
    report = selectors.report_get_for_user(user=request.user, public_id=public_id)
    services.report_view_personal(report=report, acting_user=request.user, fields=PERSONAL_FIELDS)
    return render(request, "intake/staff_detail.html", _detail_context(request, report))


def _run_action(
    request: HttpRequest, report: Report, action: str
) -> tuple[object, str, str] | None:
    """Parse the action's form and call its service: (form, context name, success message)."""
    user = request.user
    post = request.POST
    if action == "take":
        services.report_take(report=report, acting_user=user)
        return None, "", _("You took the report. The reporter sees that someone is working on it.")
    if action in ("message", "more_info"):
        form = StaffMessageForm(post)
        if form.is_valid():
            call = (
                services.report_ask_more_information
                if action == "more_info"
                else services.report_message_reporter
            )
            call(report=report, acting_user=user, body=form.cleaned_data["body"])
            return (
                None,
                "",
                _("The message was sent. The reporter sees it with their receipt code."),
            )
        return form, "form", ""
    if action == "priority":
        form = PriorityForm(post)
        if form.is_valid():
            services.report_set_priority(
                report=report,
                acting_user=user,
                priority=form.cleaned_data["priority"],
                reason=form.cleaned_data["reason"],
            )
            return None, "", _("The priority was changed.")
        return form, "priority_form", ""
    if action == "refer":
        form = ReferForm(post)
        if form.is_valid():
            from qorgau.core.selectors import region_get_by_code

            region = (
                region_get_by_code(code=form.cleaned_data["region"])
                if form.cleaned_data["region"]
                else None
            )
            services.report_refer(
                report=report,
                acting_user=user,
                target=form.cleaned_data["target"],
                reason=form.cleaned_data["reason"],
                region=region,
            )
            return None, "", _("The report was referred.")
        return form, "refer_form", ""
    if action == "close":
        form = CloseForm(post)
        if form.is_valid():
            services.report_close(
                report=report, acting_user=user, reason=form.cleaned_data["reason"]
            )
            return None, "", _("The report was closed.")
        return form, "close_form", ""
    if action == "link":
        form = LinkSubjectForm(post)
        if form.is_valid():
            services.report_link_subject(
                report=report,
                acting_user=user,
                subject_public_id=form.cleaned_data["subject"],
                reason=form.cleaned_data["reason"],
            )
            return None, "", _("The report was linked to the subject.")
        return form, "link_form", ""
    if action == "unlink":
        form = UnlinkForm(post)
        if form.is_valid():
            services.report_unlink_identifier(
                report=report, acting_user=user, identifier_id=form.cleaned_data["identifier"]
            )
            return None, "", _("The link was removed.")
        return form, "", ""
    if action == "duplicate":
        form = DuplicateForm(post)
        if form.is_valid():
            original = selectors.report_get_for_user(
                user=user, public_id=form.cleaned_data["original"].strip()
            )
            services.report_mark_duplicate(report=report, acting_user=user, original=original)
            return None, "", _("The report was closed as a duplicate.")
        return form, "duplicate_form", ""
    raise Http404


@login_required
@requires_visibility(Report)
@require_POST
def staff_report_action(request: HttpRequest, public_id: str, action: str) -> HttpResponse:
    """Every analyst action: a form posted here, one service called, back to the report."""
    report = selectors.report_get_for_user(user=request.user, public_id=public_id)
    try:
        outcome = _run_action(request, report, action)
    except (services.ActionRefused, services.TransitionConflict) as exc:
        messages.error(request, str(exc))
        return redirect("intake:staff_detail", public_id=report.public_id)
    except services.ReportInvalid as exc:
        messages.error(request, " ".join(" ".join(v) for v in exc.errors.values()))
        return redirect("intake:staff_detail", public_id=report.public_id)
    form, name, success = outcome
    if form is None:
        messages.success(request, success)
        return redirect("intake:staff_detail", public_id=report.public_id)
    context = _detail_context(request, report, **({name: form} if name else {}))
    context["action_error"] = True
    return render(request, "intake/staff_detail.html", context, status=400)


@login_required
@requires_visibility(Report)
@require_POST
def staff_evidence_download(request: HttpRequest, public_id: str, evidence_id: str) -> HttpResponse:
    """A deliberate, audited download: never shown inline, whatever its type."""
    item = selectors.evidence_get_for_user(
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


@login_required
@requires_visibility(Report)
@require_GET
def staff_subject(request: HttpRequest, public_id: str) -> HttpResponse:
    """A subject: the reports of it the user may see, identifiers, regions, first and last seen."""
    context = selectors.subject_page_for_user(user=request.user, public_id=public_id)
    return render(request, "intake/staff_subject.html", context)
