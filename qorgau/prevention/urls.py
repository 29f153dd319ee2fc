from django.urls import path  # noqa: F401

from qorgau.prevention import views  # noqa: F401

app_name = "prevention"

urlpatterns: list = []
