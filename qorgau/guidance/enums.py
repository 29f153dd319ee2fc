from django.db import models
from django.utils.translation import gettext_lazy as _


class GuidanceSlug(models.TextChoices):
    PICTURES = "pictures", _("If someone online asks you for pictures")
    BLACKMAIL = "blackmail", _("If you are being blackmailed")
    RIGHTS = "rights", _("Your rights as a victim")
    PARENTS = "parents", _("For parents")
    TEACHERS = "teachers", _("For teachers")


GUIDANCE_ORDER = [s.value for s in GuidanceSlug]


class GuidanceLanguage(models.TextChoices):
    KAZAKH = "kk", "Қазақша"
    RUSSIAN = "ru", "Русский"
    ENGLISH = "en", "English"


class VersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    SUPERSEDED = "superseded", _("Replaced by a newer version")
