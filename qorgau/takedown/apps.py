from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TakedownConfig(AppConfig):
    name = "qorgau.takedown"
    label = "takedown"
    verbose_name = _("Requests to platforms")

    def ready(self) -> None:
        from qorgau.takedown import panels

        panels.register()
