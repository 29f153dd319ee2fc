from django.urls import path

from qorgau.takedown import views

app_name = "takedown"

PREFIX = "staff/platform-requests/<str:public_id>"

urlpatterns = [
    path("staff/platform-requests/", views.request_list, name="list"),
    path(f"{PREFIX}/", views.request_detail, name="detail"),
    # one view per action, each with its own URL name
    path(f"{PREFIX}/do/send/", views.request_send, name="send"),
    path(f"{PREFIX}/do/acknowledge/", views.request_acknowledge, name="acknowledge"),
    path(f"{PREFIX}/do/done/", views.request_complete, name="complete"),
    path(f"{PREFIX}/do/refuse/", views.request_refuse, name="refuse"),
    path(f"{PREFIX}/do/reference/", views.request_reference, name="reference"),
    path(f"{PREFIX}/do/deadline/", views.request_deadline, name="deadline"),
    path(f"{PREFIX}/hashes.csv", views.request_hashes, name="hashes"),
    path(
        "staff/reports/<str:public_id>/platform-request/",
        views.request_new_for_report,
        name="new_for_report",
    ),
    path(
        "staff/subjects/<str:public_id>/platform-request/",
        views.request_new_for_subject,
        name="new_for_subject",
    ),
]
