from django.urls import path

from qorgau.offenders import views

app_name = "offenders"

PERSON = "staff/offenders/<str:public_id>/"

urlpatterns = [
    path("staff/offenders/", views.person_list, name="list"),
    path("staff/offenders/coverage/", views.coverage, name="coverage"),
    path("staff/offenders/import/", views.import_csv, name="import"),
    path("staff/supervision/", views.supervision_today, name="supervision"),
    path(PERSON, views.person_detail, name="detail"),
    # one view per action on a register entry (POST only)
    path(PERSON + "do/examination/", views.person_examination, name="person_examination"),
    path(PERSON + "do/risk/", views.person_risk, name="person_risk"),
    path(PERSON + "do/treatment/", views.person_treatment, name="person_treatment"),
    path(PERSON + "do/session/", views.person_session, name="person_session"),
    path(PERSON + "do/treatment_end/", views.person_treatment_end, name="person_treatment_end"),
    path(PERSON + "do/release/", views.person_release, name="person_release"),
    path(PERSON + "do/meeting/", views.person_meeting, name="person_meeting"),
    path(PERSON + "do/violation/", views.person_violation, name="person_violation"),
    path(
        PERSON + "do/end_supervision/",
        views.person_end_supervision,
        name="person_end_supervision",
    ),
]
