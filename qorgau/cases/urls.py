from django.urls import path

from qorgau.cases import views

app_name = "cases"

urlpatterns = [
    path("staff/cases/", views.case_list, name="list"),
    path("staff/cases/handover/", views.handover, name="handover"),
    path("staff/cases/staffing/", views.staffing, name="staffing"),
    path("staff/cases/workload/", views.workload, name="workload"),
    path("staff/cases/policy/", views.policy, name="policy"),
    path("staff/cases/<str:public_id>/", views.case_detail, name="detail"),
    # One view per action on a case (cases/views.py), each with its policy.
    path("staff/cases/<str:public_id>/do/stage/", views.case_stage, name="case_stage"),
    path("staff/cases/<str:public_id>/do/care/", views.case_care, name="case_care"),
    path("staff/cases/<str:public_id>/do/reassign/", views.case_reassign, name="case_reassign"),
    path("staff/cases/<str:public_id>/do/handover/", views.case_handover, name="case_handover"),
    path("staff/reports/<str:public_id>/to-case/", views.case_from_report, name="from_report"),
]
