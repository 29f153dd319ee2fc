from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from qorgau.core import selectors, services
from qorgau.core.enums import Role
from qorgau.core.forms import AuditFilterForm, LoginForm
from qorgau.core.models import AuditEntry, User
from qorgau.core.permissions import Scope, requires_visibility, visibility_of
from qorgau.core.tasks import queue_health

PAGE_SIZE = 50


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


class LoginView(auth_views.LoginView):
    template_name = "staff/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


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
def staff_home(request: HttpRequest) -> HttpResponse:
    user = request.user
    sees_people = visibility_of(User).scope_for(user)
    return render(
        request,
        "staff/home.html",
        {
            "is_regional": user.is_regional,
            "people_scope": sees_people.value if isinstance(sees_people, Scope) else None,
            "is_admin": user.role == Role.ADMIN,
        },
    )


@login_required
@require_POST
def on_duty(request: HttpRequest) -> HttpResponse:
    services.user_set_on_duty(user=request.user, on_duty=request.POST.get("on_duty") == "1")
    return redirect("core:staff_home")


@login_required
@require_http_methods(["GET", "POST"])
def notifications(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        services.notifications_mark_read(user=request.user)
        return redirect("core:notifications")
    page = Paginator(selectors.notification_list_for_user(user=request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "staff/notifications.html", {"page": page})


@login_required
@requires_visibility(User)
@require_GET
def people(request: HttpRequest) -> HttpResponse:
    qs = selectors.user_list_for_user(user=request.user, role=request.GET.get("role") or None)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "staff/people.html", {"page": page, "roles": Role.choices})


@login_required
@requires_visibility(AuditEntry)
@require_GET
def audit_log(request: HttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    action = form.cleaned_data["action"] if form.is_valid() else None
    qs = selectors.audit_entry_list_for_user(user=request.user, action=action or None)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "staff/audit_log.html", {"page": page, "form": form})
