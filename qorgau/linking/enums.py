from django.db import models
from django.utils.translation import gettext_lazy as _


class OwnerType(models.TextChoices):
    """What an identifier or a name was seen on: the owning model's label. Linking keeps these
    strings in `IdentifierUse.owner_type` and `NameEntry.owner_type`; every app names its owners
    through this enum, never by writing the string."""

    REPORT = "intake.report", _("Red Button report")
    SUSPECT = "cases.suspect", _("case suspect")
    PERSON = "offenders.person", _("register entry")
