from django.urls import path

from qorgau.intake.views import hash_lists, public, staff

app_name = "intake"

# Each action on a report has its own view and URL name, at the path it always had.
ACTIONS = [
    ("take", staff.report_take, "report_take"),
    ("message", staff.report_message, "report_message"),
    ("more_info", staff.report_more_info, "report_more_info"),
    ("priority", staff.report_priority, "report_priority"),
    ("refer", staff.report_refer, "report_refer"),
    ("close", staff.report_close, "report_close"),
    ("link", staff.report_link, "report_link"),
    ("unlink", staff.report_unlink, "report_unlink"),
    ("duplicate", staff.report_duplicate, "report_duplicate"),
    ("file_match", staff.report_file_match, "report_file_match"),
]

urlpatterns = [
    path("report/", public.report_form, name="report"),
    path("report/status/", public.report_status, name="status"),
    path("report/status/close/", public.report_status_close, name="status_close"),
    path("widget.js", public.widget_js, name="widget"),
    path("embed/", public.embed, name="embed"),
    path("staff/reports/", staff.staff_report_list, name="staff_list"),
    path("staff/reports/<str:public_id>/", staff.staff_report_detail, name="staff_detail"),
    *[
        path(f"staff/reports/<str:public_id>/do/{action}/", view, name=name)
        for action, view, name in ACTIONS
    ],
    path("staff/subjects/<str:public_id>/", staff.staff_subject, name="staff_subject"),
    path("staff/hash-lists/", hash_lists.staff_hash_lists, name="staff_hash_lists"),
    path(
        "staff/reports/<str:public_id>/evidence/<str:evidence_id>/",
        staff.staff_evidence_download,
        name="staff_evidence",
    ),
]
