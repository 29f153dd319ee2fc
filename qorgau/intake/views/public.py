"""The public pages of the Red Button: the form, the follow-up with the receipt code, the button
for other websites. Nobody signs in: the follow-up acts for whoever holds the receipt code."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qorgau.core.errors import ServiceError
from qorgau.core.selectors import helpline_list
from qorgau.core.services import rate_limit_take
from qorgau.core.utils import client_ip
from qorgau.intake import selectors, services
from qorgau.intake.advice import advice_for
from qorgau.intake.enums import Source, Status
from qorgau.intake.explain import crisis_helplines, mentions_self_harm
from qorgau.intake.forms import AddInformationForm, ReceiptForm, ReportForm, incoming_files
from qorgau.intake.models import Report
from qorgau.intake.receipts import format_code

SESSION_KEY = "qorgau_receipt_report"
SESSION_UNTIL = "qorgau_receipt_until"


def _crisis_lines(report: Report) -> list:
    """The helplines to show first when the report mentions suicide or self-harm (none otherwise):
    150, 111 and 112, from the database."""
    if not mentions_self_harm(report.priority_reasons):
        return []
    return crisis_helplines(helpline_list())


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
    except ServiceError as exc:
        form.add_service_errors(exc)
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
            "notes": submission.notes,
            "received": selectors.evidence_received_for_report(report=report),
            "advice": advice_for(report.category),
            "crisis_lines": _crisis_lines(report),
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
        receipt_form = ReceiptForm(request.POST)
        if not receipt_form.is_valid():
            return render(request, "intake/status_login.html", {"form": receipt_form}, status=400)
        try:
            report = services.report_open_with_receipt(
                code_text=receipt_form.cleaned_data["code"], address=client_ip(request)
            )
        except ServiceError as exc:
            receipt_form.add_error("code", exc.message)
            return render(
                request, "intake/status_login.html", {"form": receipt_form}, status=exc.status
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
            added = services.report_add_information(
                report=report,
                text=form.cleaned_data["body"],
                files=incoming_files(form.cleaned_data.get("evidence")),
            )
        except ServiceError as exc:
            for path, errors in (exc.errors or {"body": [exc.message]}).items():
                for error in errors:
                    form.add_error("evidence" if path.startswith("evidence") else "body", error)
        else:
            messages.success(request, _("Thank you. The duty officer will see it."))
            if added.skipped:  # no file names: a message waits in a cookie or the session
                messages.info(
                    request,
                    _("A file was already in your report or was chosen twice. We kept it once."),
                )
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
            "crisis_lines": [] if report.status == Status.CLOSED else _crisis_lines(report),
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
