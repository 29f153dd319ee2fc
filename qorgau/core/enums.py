from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ANALYST = "analyst", _("Analyst (duty officer)")
    PROSECUTOR = "prosecutor", _("Prosecutor")
    REGIONAL_CHIEF = "regional_chief", _("Regional chief")
    CENTRAL_OFFICE = "central_office", _("Central office")
    CLINICIAN = "clinician", _("Clinician (penitentiary)")
    POLICE_SUPERVISOR = "police_supervisor", _("Police supervisor")
    EDUCATION_COORDINATOR = "education_coordinator", _("Education coordinator")
    PARTNER = "partner", _("Partner organisation")
    ADMIN = "admin", _("Administrator")


# Roles whose every view is limited to one region: a user of these roles must have one.
REGIONAL_ROLES = frozenset(
    {
        Role.ANALYST,
        Role.PROSECUTOR,
        Role.REGIONAL_CHIEF,
        Role.CLINICIAN,
        Role.POLICE_SUPERVISOR,
        Role.EDUCATION_COORDINATOR,
    }
)


# Roles that must pass a second factor (TOTP or a recovery code) after the password. All of them:
# each sees personal data (reports, cases, offenders, the people of schools and partners) or, for
# administrators, can create accounts and reset passwords, i.e. become anyone. docs/security-auth.md.
SECOND_FACTOR_ROLES = frozenset(Role)


class Gender(models.TextChoices):
    FEMALE = "f", _("Female")
    MALE = "m", _("Male")


class Language(models.TextChoices):
    KAZAKH = "kk", "Қазақша"
    RUSSIAN = "ru", "Русский"
    ENGLISH = "en", "English"


class RegionKind(models.TextChoices):
    OBLAST = "oblast", _("Region")
    CITY = "city", _("City of republican significance")


class HelplineAudience(models.TextChoices):
    CHILDREN = "children", _("Children and young people")
    FAMILIES = "families", _("Families")
    EMERGENCY = "emergency", _("Emergency")
