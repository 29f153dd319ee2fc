from django.urls import path

from qorgau.core import duty_views, views

app_name = "core"

urlpatterns = [
    path("", views.home, name="home"),
    path("help/", views.help_page, name="help"),
    path("healthz", views.healthz, name="healthz"),
    path("staff/", views.staff_home, name="staff_home"),
    path("staff/login/", views.LoginView.as_view(), name="login"),
    path("staff/login/code/", views.login_verify, name="login_verify"),
    path("staff/login/authenticator/", views.login_enrol, name="login_enrol"),
    path("staff/logout/", views.LogoutView.as_view(), name="logout"),
    path("staff/people/", views.people, name="people"),
    path(
        "staff/people/<int:user_id>/second-factor/reset/",
        views.person_second_factor_reset,
        name="person_second_factor_reset",
    ),
    path("staff/on-duty/", views.on_duty, name="on_duty"),
    path("staff/duty/", duty_views.duty_rota, name="duty_rota"),
    path("staff/duty/coverage/", duty_views.duty_coverage, name="duty_coverage"),
    path("staff/duty/shifts/new/", duty_views.duty_shift_create, name="duty_shift_create"),
    path(
        "staff/duty/shifts/<str:public_id>/delete/",
        duty_views.duty_shift_delete,
        name="duty_shift_delete",
    ),
    path(
        "staff/duty/shifts/<str:public_id>/swap/",
        duty_views.duty_shift_swap,
        name="duty_shift_swap",
    ),
    path("staff/duty/patterns/new/", duty_views.duty_pattern_create, name="duty_pattern_create"),
    path(
        "staff/duty/national/shifts/new/",
        duty_views.duty_national_shift_create,
        name="duty_national_shift_create",
    ),
    path(
        "staff/duty/national/patterns/new/",
        duty_views.duty_national_pattern_create,
        name="duty_national_pattern_create",
    ),
    path(
        "staff/duty/patterns/<str:public_id>/end/",
        duty_views.duty_pattern_end,
        name="duty_pattern_end",
    ),
    path("staff/notifications/", views.notifications, name="notifications"),
    path(
        "staff/notifications/<int:pk>/acknowledge/",
        views.notification_acknowledge,
        name="notification_acknowledge",
    ),
    path("staff/audit/", views.audit_log, name="audit_log"),
    path("staff/access/", views.access_changes, name="access_changes"),
    path(
        "staff/access/<str:public_id>/approve/",
        views.access_change_approve,
        name="access_change_approve",
    ),
    path(
        "staff/access/<str:public_id>/reject/",
        views.access_change_reject,
        name="access_change_reject",
    ),
    path(
        "staff/access/<str:public_id>/withdraw/",
        views.access_change_cancel,
        name="access_change_cancel",
    ),
]
