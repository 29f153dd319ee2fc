from django.urls import path

from qorgau.prevention import views

app_name = "prevention"

urlpatterns = [
    path("staff/prevention/", views.coverage, name="coverage"),
    path("staff/prevention/cascade/", views.cascade, name="cascade"),
    path("staff/prevention/schools/", views.school_list, name="school_list"),
    path("staff/prevention/schools/new/", views.school_new, name="school_new"),
    path("staff/prevention/schools/import/", views.school_import, name="school_import"),
    path("staff/prevention/schools/<str:public_id>/", views.school_detail, name="school_detail"),
    path("staff/prevention/teachers/", views.teacher_list, name="teacher_list"),
    path("staff/prevention/teachers/new/", views.teacher_new, name="teacher_new"),
    path("staff/prevention/teachers/<str:public_id>/", views.teacher_detail, name="teacher_detail"),
    path("staff/prevention/trainings/", views.session_list, name="session_list"),
    path("staff/prevention/trainings/new/", views.session_new, name="session_new"),
    path(
        "staff/prevention/trainings/<str:public_id>/", views.session_detail, name="session_detail"
    ),
    # one view per action, each with its own URL name
    path(
        "staff/prevention/trainings/<str:public_id>/do/attendance/",
        views.session_attendance,
        name="session_attendance",
    ),
    path(
        "staff/prevention/trainings/<str:public_id>/do/certify/",
        views.session_certify,
        name="session_certify",
    ),
    path(
        "staff/prevention/trainings/<str:public_id>/do/add/",
        views.session_add,
        name="session_add",
    ),
    path(
        "staff/prevention/certificates/<str:certificate_id>/",
        views.certificate,
        name="certificate",
    ),
    path("staff/prevention/rounds/", views.round_list, name="round_list"),
    path("staff/prevention/rounds/new/", views.round_new, name="round_new"),
    path("staff/prevention/rounds/<str:public_id>/", views.round_detail, name="round_detail"),
    path("staff/prevention/rounds/<str:public_id>/do/done/", views.round_done, name="round_done"),
    path(
        "staff/prevention/rounds/<str:public_id>/do/refer/", views.round_refer, name="round_refer"
    ),
    path("staff/partner-referrals/", views.referral_list, name="referral_list"),
    path("staff/partner-referrals/figures/", views.referral_figures, name="referral_figures"),
    path(
        "staff/partner-referrals/<str:public_id>/",
        views.referral_detail,
        name="referral_detail",
    ),
    path(
        "staff/reports/<str:public_id>/to-partner/",
        views.report_to_partner,
        name="report_to_partner",
    ),
    path("staff/cases/<str:public_id>/to-partner/", views.case_to_partner, name="case_to_partner"),
]
