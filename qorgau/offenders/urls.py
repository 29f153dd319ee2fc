from django.urls import path

from qorgau.offenders import views

app_name = "offenders"

urlpatterns = [
    path("staff/offenders/", views.person_list, name="list"),
    path("staff/offenders/coverage/", views.coverage, name="coverage"),
    path("staff/offenders/import/", views.import_csv, name="import"),
    path("staff/supervision/", views.supervision_today, name="supervision"),
    path("staff/offenders/<str:public_id>/", views.person_detail, name="detail"),
    path("staff/offenders/<str:public_id>/do/<slug:action>/", views.person_action, name="action"),
]
