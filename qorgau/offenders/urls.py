from django.urls import path  # noqa: F401

from qorgau.offenders import views  # noqa: F401

app_name = "offenders"

urlpatterns: list = []
