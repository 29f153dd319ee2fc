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
    path("staff/cases/<str:public_id>/do/<slug:action>/", views.case_action, name="action"),
    path("staff/reports/<str:public_id>/to-case/", views.case_from_report, name="from_report"),
]
