from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PreventionConfig(AppConfig):
    name = "qorgau.prevention"
    label = "prevention"
    verbose_name = _("Prevention")

    def ready(self) -> None:
        from qorgau.prevention import panels

        panels.register()
