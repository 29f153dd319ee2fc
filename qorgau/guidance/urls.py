from django.urls import path

from qorgau.guidance import views

app_name = "guidance"

urlpatterns = [
    path("help/<slug:slug>/", views.page, name="page"),
    path("staff/guidance/", views.overview, name="overview"),
    path("staff/guidance/<slug:slug>/<str:language>/", views.edit, name="edit"),
    path(
        "staff/guidance/<slug:slug>/<str:language>/<int:number>/",
        views.version,
        name="version",
    ),
]
