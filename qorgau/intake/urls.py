from django.urls import path

from qorgau.intake import views

app_name = "intake"

urlpatterns = [
    path("report/", views.report_form, name="report"),
    path("report/status/", views.report_status, name="status"),
    path("report/status/close/", views.report_status_close, name="status_close"),
    path("widget.js", views.widget_js, name="widget"),
    path("embed/", views.embed, name="embed"),
    path("staff/reports/", views.staff_report_list, name="staff_list"),
    path("staff/reports/<str:public_id>/", views.staff_report_detail, name="staff_detail"),
    path(
        "staff/reports/<str:public_id>/do/<slug:action>/",
        views.staff_report_action,
        name="staff_action",
    ),
    path("staff/subjects/<str:public_id>/", views.staff_subject, name="staff_subject"),
    path(
        "staff/reports/<str:public_id>/evidence/<str:evidence_id>/",
        views.staff_evidence_download,
        name="staff_evidence",
    ),
]
