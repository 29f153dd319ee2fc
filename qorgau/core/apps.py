from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "qorgau.core"
    label = "core"
    verbose_name = _("People and reference data")

    def ready(self) -> None:
        from qorgau.core import receivers  # noqa: F401  (Django's auth signals -> audit log)
