from django.urls import path

from qorgau.analytics import views

app_name = "analytics"

urlpatterns = [
    path("staff/dashboard/", views.dashboard, name="dashboard"),
    path("staff/dashboard/note/", views.note, name="note"),
    path("staff/dashboard/regions.<str:fmt>", views.export, name="export"),
    path("staff/dashboard/monthly/", views.monthly, name="monthly"),
]
