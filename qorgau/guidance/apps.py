from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GuidanceConfig(AppConfig):
    name = "qorgau.guidance"
    label = "guidance"
    verbose_name = _("Guidance")

    def ready(self) -> None:
        from qorgau.guidance import panels

        panels.register()
