from __future__ import annotations

import math
from base64 import b32encode
from typing import Any
from urllib.parse import urlencode

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.timezone import localtime
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp.plugins.otp_static.models import StaticDevice

from qorgau.core import policies, selectors, services
from qorgau.core.collation import region_sort_key, sort_key
from qorgau.core.enums import ROLE_SUMMARY, Role
from qorgau.core.errors import NotFound, PermissionRefused, ServiceError
from qorgau.core.forms import AuditFilterForm, LoginForm, OtpCodeForm
from qorgau.core.models import AuditEntry, User
from qorgau.core.permissions import may, requires_visibility
from qorgau.core.qr import qr_code
from qorgau.core.tasks import queue_health
from qorgau.core.types import AuthedRequest
from qorgau.core.utils import client_ip

PAGE_SIZE = 50
# The open alerts "my work now" shows; the rest are on the alerts page ("Waiting for me").
HOME_ALERTS = 20


@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For monitoring and load balancers: 200 when the database and the task queue answer, 503
    (saying which) when one does not. The body names no personal data, only counts."""
    database = selectors.database_ok()
    queue_ok, queue_line = queue_health() if database else (False, "queue not checked")
    ok = database and queue_ok
    lines = ["ok" if ok else "unavailable", "database ok" if database else "database unavailable"]
    return HttpResponse(
        "\n".join([*lines, queue_line, ""]),
        status=200 if ok else 503,
        content_type="text/plain",
    )


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "public/home.html")


@require_GET
def help_page(request: HttpRequest) -> HttpResponse:
    return render(request, "public/help.html", {"helpline_rows": selectors.helpline_list()})


def _lockout_message(seconds: int) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    return ngettext(
        "Too many failed attempts. Sign-in is paused for this account or this network: "
        "try again in %(minutes)d minute.",
        "Too many failed attempts. Sign-in is paused for this account or this network: "
        "try again in %(minutes)d minutes.",
        minutes,
    ) % {"minutes": minutes}


def _safe_next(request: HttpRequest, candidate: str | None) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return resolve_url(settings.LOGIN_REDIRECT_URL)


def _second_step_url(name: str, next_url: str) -> str:
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


class LoginView(auth_views.LoginView):
    """The password step; an address that failed too often (for this account, or for any) is refused
    before the password is checked (services.limits: never the account alone)."""

    template_name = "staff/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if getattr(request, "otp_pending_user", None) is not None:
            return redirect(
                _second_step_url("core:login_verify", _safe_next(request, self.get_redirect_url()))
            )
        return super().dispatch(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = request.POST.get("username", "")[:150]
        ip = client_ip(request)
        wait = services.login_lockout_wait(username=username, ip=ip)
        if wait:
            services.audit_login_locked(username=username, ip=ip, stage="password")
            form = self.get_form_class()(request, initial={"username": username})
            return self.render_to_response(
                self.get_context_data(form=form, lockout_message=_lockout_message(wait)),
                status=429,
            )
        return super().post(request, *args, **kwargs)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        username = form.data.get("username", "")[:150]
        if username and form.data.get("password"):
            services.login_failure_record(username=username, ip=client_ip(self.request))
        return super().form_invalid(form)

    def get_success_url(self) -> str:
        next_url = _safe_next(self.request, self.get_redirect_url())
        user = self.request.user
        # signed in just now with the password: not verified (django-otp marks only sessions it saw)
        verified = getattr(user, "is_verified", lambda: False)()
        if not services.second_factor_required(user) or verified:
            return next_url
        if selectors.user_has_authenticator(user=user):
            return _second_step_url("core:login_verify", next_url)
        return _second_step_url("core:login_enrol", next_url)


def _pending_user(request: HttpRequest) -> User | None:
    return getattr(request, "otp_pending_user", None)


def _second_step_done(request: HttpRequest, user: User, device: Any) -> None:
    request.user = user
    django_otp.login(request, device)
    # A new session key once the session is fully signed in (the password step's key was known
    # to a browser that had not yet shown the second factor).
    request.session.cycle_key()


def _second_step_locked(request: HttpRequest, user: User, stage: str) -> int:
    wait = services.login_lockout_wait(
        username=user.get_username(), ip=client_ip(request), stage="code"
    )
    if wait:
        services.audit_login_locked(
            username=user.get_username(), ip=client_ip(request), stage=stage
        )
    return wait


def _second_step_failed(request: HttpRequest, user: User, stage: str) -> None:
    services.audit_otp_failed(user=user, ip=client_ip(request), stage=stage)
    services.login_failure_record(username=user.get_username(), ip=client_ip(request), stage="code")


def _second_step_start(request: HttpRequest) -> tuple[str, User | None]:
    """Where to go after the second step, and the user whose password was right (None if none)."""
    return (
        _safe_next(request, request.POST.get("next") or request.GET.get("next")),
        _pending_user(request),
    )


def _no_second_step(request: HttpRequest, next_url: str) -> HttpResponse:
    """No password step waiting: a signed-in user goes on, anyone else to the password."""
    if request.user.is_authenticated:
        return redirect(next_url)
    return redirect_to_login(next_url, reverse("core:login"))


@require_http_methods(["GET", "POST"])
def login_verify(request: HttpRequest) -> HttpResponse:
    """The second step: a code from the authenticator app, or one of the recovery codes."""
    next_url, user = _second_step_start(request)
    if user is None:
        return _no_second_step(request, next_url)
    if not selectors.user_has_authenticator(user=user):
        return redirect(_second_step_url("core:login_enrol", next_url))
    form = OtpCodeForm(
        request.POST or None,
        help_text=_("The 6-digit code your authenticator app shows now, or one recovery code."),
    )
    status, lockout_message = 200, ""
    if request.method == "POST":
        wait = _second_step_locked(request, user, "code")
        if wait:
            lockout_message, status = _lockout_message(wait), 429
        elif form.is_valid():
            device = services.otp_verify(
                user=user, token=form.cleaned_data["code"], ip=client_ip(request)
            )
            if device is not None:
                _second_step_done(request, user, device)
                if isinstance(device, StaticDevice):
                    left = device.token_set.count()
                    messages.warning(
                        request,
                        ngettext(
                            "You signed in with a recovery code. %(left)d recovery code is left.",
                            "You signed in with a recovery code. %(left)d recovery codes are left.",
                            left,
                        )
                        % {"left": left},
                    )
                return redirect(next_url)
            _second_step_failed(request, user, "verify")
            form.add_error(
                "code",
                _("This code is wrong or has been used. Type the code your app shows now."),
            )
    return render(
        request,
        "staff/login_verify.html",
        {"form": form, "next": next_url, "pending_user": user, "lockout_message": lockout_message},
        status=status,
    )


@require_http_methods(["GET", "POST"])
def login_enrol(request: HttpRequest) -> HttpResponse:
    """First sign-in: set up an authenticator app (QR code drawn here, or the key typed), get recovery
    codes once."""
    next_url, user = _second_step_start(request)
    if user is None:
        return _no_second_step(request, next_url)
    if selectors.user_has_authenticator(user=user):
        return redirect(_second_step_url("core:login_verify", next_url))
    device = services.otp_totp_device_start(user=user)
    form = OtpCodeForm(
        request.POST or None,
        help_text=_("The 6-digit code the app shows after you add Qorgau to it."),
    )
    status, lockout_message = 200, ""
    if request.method == "POST":
        wait = _second_step_locked(request, user, "enrol")
        if wait:
            lockout_message, status = _lockout_message(wait), 429
        elif form.is_valid():
            confirmed = services.otp_enrol_confirm(
                user=user, token=form.cleaned_data["code"].replace(" ", ""), ip=client_ip(request)
            )
            if confirmed is not None:
                totp, codes = confirmed
                _second_step_done(request, user, totp)
                response = render(
                    request, "staff/recovery_codes.html", {"codes": codes, "next": next_url}
                )
                response["Cache-Control"] = "no-store"
                return response
            _second_step_failed(request, user, "enrol")
            form.add_error(
                "code",
                _("This code is wrong. Check the phone's clock and type the code shown now."),
            )
    secret = b32encode(device.bin_key).decode("ascii")
    response = render(
        request,
        "staff/login_enrol.html",
        {
            "form": form,
            "next": next_url,
            "pending_user": user,
            "lockout_message": lockout_message,
            "qr_code": qr_code(device.config_url),
            "secret_groups": [secret[i : i + 4] for i in range(0, len(secret), 4)],
        },
        status=status,
    )
    response["Cache-Control"] = "no-store"
    return response


def admin_login(request: HttpRequest, extra_context: dict | None = None) -> HttpResponse:
    """The admin's login page sends people to the one staff login page."""
    if request.user.is_authenticated:
        if request.user.is_staff:
            return redirect("admin:index")
        raise PermissionDenied
    target = request.GET.get("next") or reverse("admin:index")
    return redirect_to_login(target, reverse("core:login"))


class LogoutView(auth_views.LogoutView):
    pass


@login_required
@require_GET
def staff_home(request: AuthedRequest) -> HttpResponse:
    """ "My work now": the user's open alerts, then what is overdue, due today and this week, from
    every app (core/work.py), each list with its count and the link to the page that lists it."""
    user = request.user
    alerts, alert_count = selectors.open_alerts_for_user(user=user, limit=HOME_ALERTS)
    return render(
        request,
        "staff/home.html",
        {
            "alerts": alerts,
            "alert_count": alert_count,
            "more_alerts": alert_count - len(alerts),
            "sections": selectors.my_work_for_user(user=user),
            "role_summary": ROLE_SUMMARY.get(user.role, ""),
            "duty": selectors.duty_status_for_user(user=user)
            if may(user, policies.SET_ON_DUTY)
            else None,
            "override_hours": settings.QORGAU_DUTY_OVERRIDE_HOURS,
        },
    )


@login_required
@require_POST
def on_duty(request: AuthedRequest) -> HttpResponse:
    """ "Start my duty" (on duty for QORGAU_DUTY_OVERRIDE_HOURS) or "End my duty" (during a shift
    of the rota: off duty until the shift ends)."""
    if request.POST.get("on_duty") == "1":
        until = services.duty_override_start(acting_user=request.user)
        messages.success(
            request,
            _("You are on duty until %(until)s.")
            % {"until": date_format(localtime(until), "DATETIME_FORMAT")},
        )
    else:
        until_shift = services.duty_override_end(acting_user=request.user)
        if until_shift is not None:
            messages.info(
                request,
                _(
                    "Your shift of the rota runs until %(until)s: you are off duty until then, and "
                    "the rota puts you on duty again at your next shift. Tell your chief."
                )
                % {"until": date_format(localtime(until_shift), "DATETIME_FORMAT")},
            )
        else:
            messages.success(request, _("You are off duty."))
    return redirect("core:staff_home")


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request: AuthedRequest) -> HttpResponse:
    if request.method == "POST":
        services.notifications_mark_read(user=request.user)
        return redirect("core:notifications")
    open_only = request.GET.get("show") == "open"
    page = Paginator(
        selectors.notification_list_for_user(user=request.user, open_only=open_only), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    items = [(n, *selectors.alert_texts(n)) for n in page]
    return render(
        request,
        "staff/notifications.html",
        {"page": page, "items": items, "open_only": open_only},
    )


@login_required
@require_POST
def notification_acknowledge(request: AuthedRequest, pk: int) -> HttpResponse:
    notification = selectors.notification_get_for_user(user=request.user, pk=pk)
    first = services.alert_acknowledge(notification=notification, acting_user=request.user)
    if first:
        messages.success(request, _("Acknowledged: the alert climbs no further."))
    else:
        messages.info(request, _("Acknowledged. Someone had already taken it."))
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("core:notifications")


@login_required
@requires_visibility(User)
@require_GET
def people(request: AuthedRequest) -> HttpResponse:
    qs = selectors.user_list_for_user(user=request.user, role=request.GET.get("role") or None)
    # by region (the central office first), then name, in the page's language's order
    people = sorted(
        qs,
        key=lambda u: (
            u.region is not None,
            region_sort_key(u.region) if u.region else (),
            sort_key(u.get_full_name()),
        ),
    )
    page = Paginator(people, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "staff/people.html", {"page": page, "roles": Role.choices})


@login_required
@requires_visibility(AuditEntry)
@require_GET
def audit_log(request: AuthedRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    action = form.cleaned_data["action"] if form.is_valid() else None
    qs = selectors.audit_entry_list_for_user(user=request.user, action=action or None)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "staff/audit_log.html", {"page": page, "form": form})


@login_required
@require_GET
def access_changes(request: AuthedRequest) -> HttpResponse:
    """The changes of access waiting for a second person, with Approve and Reject."""
    return _access_changes_page(request)


def _access_changes_page(request: AuthedRequest, status: int = 200) -> HttpResponse:
    pending = selectors.access_change_list_for_user(user=request.user)
    page = Paginator(pending, PAGE_SIZE).get_page(request.GET.get("page"))
    names = selectors.facility_names() if any(c.new_facilities is not None for c in page) else {}
    partners = (
        selectors.partner_organisation_names()
        if any(c.new_partner_organisations is not None for c in page)
        else {}
    )

    def before_after(change: Any, field: str, names: dict[int, str]) -> dict[str, list[str]] | None:
        if getattr(change, f"new_{field}") is None:
            return None
        return {
            which: [names.get(pk, f"#{pk}") for pk in getattr(change, f"{which}_{field}")]
            for which in ("old", "new")
        }

    rows = [
        {
            "change": change,
            "facilities": before_after(change, "facilities", names),
            "partner_organisations": before_after(change, "partner_organisations", partners),
        }
        for change in page
    ]
    return render(request, "staff/access_changes.html", {"page": page, "rows": rows}, status=status)


def _access_decision(
    request: AuthedRequest, public_id: str, decide: Any, done: str
) -> HttpResponse:
    change = selectors.access_change_get_for_user(user=request.user, public_id=public_id)
    try:
        decide(acting_user=request.user, change=change)
    except (PermissionRefused, NotFound):
        raise
    except ServiceError as error:
        # a conflict (decided meanwhile, the account changed since): the list again, with why
        messages.error(request, error.message)
        return _access_changes_page(request, status=error.status)
    messages.success(request, done % {"name": change.user.get_username()})
    return redirect("core:access_changes")


@login_required
@require_POST
def access_change_approve(request: AuthedRequest, public_id: str) -> HttpResponse:
    return _access_decision(
        request,
        public_id,
        services.access_change_approve,
        _("Approved: “%(name)s” has the new access now."),
    )


@login_required
@require_POST
def access_change_reject(request: AuthedRequest, public_id: str) -> HttpResponse:
    return _access_decision(
        request,
        public_id,
        services.access_change_reject,
        _("Rejected: the access of “%(name)s” stays as it was."),
    )


@login_required
@require_POST
def access_change_cancel(request: AuthedRequest, public_id: str) -> HttpResponse:
    return _access_decision(
        request,
        public_id,
        services.access_change_cancel,
        _("Withdrawn: the access of “%(name)s” stays as it was."),
    )


@login_required
@require_POST
def person_second_factor_reset(request: AuthedRequest, user_id: int) -> HttpResponse:
    """A lost phone: the security officer removes a member of staff's authenticator."""
    person = services.second_factor_reset(acting_user=request.user, user_id=user_id)
    messages.success(
        request,
        _(
            "The authenticator of “%(name)s” is removed: they set up a new one at their next sign-in."
        )
        % {"name": person.get_username()},
    )
    return redirect("core:people")
