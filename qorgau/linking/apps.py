from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LinkingConfig(AppConfig):
    name = "qorgau.linking"
    label = "linking"
    verbose_name = _("Identifiers and subjects")
