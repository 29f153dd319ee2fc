from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "qorgau.core"
    label = "core"
    verbose_name = _("People and reference data")

    def ready(self) -> None:
        from qorgau.core import checks, receivers  # noqa: F401  (deploy checks; auth signals -> audit log)
        from qorgau.core.alert_kinds_duty import register_duty_alert_kinds

        register_duty_alert_kinds()
