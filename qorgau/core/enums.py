from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Role(models.TextChoices):
    ANALYST = "analyst", _("Analyst (duty officer)")
    PROSECUTOR = "prosecutor", _("Prosecutor")
    REGIONAL_CHIEF = "regional_chief", _("Regional chief")
    CENTRAL_OFFICE = "central_office", _("Central office")
    CLINICIAN = "clinician", _("Clinician (penitentiary)")
    POLICE_SUPERVISOR = "police_supervisor", _("Police supervisor")
    EDUCATION_COORDINATOR = "education_coordinator", _("Education coordinator")
    PARTNER = "partner", _("Partner organisation")
    SECURITY_OFFICER = "security_officer", _("Security officer (central office)")
    ADMIN = "admin", _("Administrator")


# What a member of staff of each role sees, in a sentence (the staff home page).
ROLE_SUMMARY: dict[str, StrOrPromise] = {
    Role.ANALYST: _("Reports from your region: you triage them, link them, and pass them on."),
    Role.PROSECUTOR: _("The criminal cases assigned to you."),
    Role.REGIONAL_CHIEF: _("Everything of your region: reports, cases, assignment and handover."),
    Role.CENTRAL_OFFICE: _("Every region, read only, and the national picture."),
    Role.CLINICIAN: _(
        "Offenders in your facilities: examinations, risk assessments and treatment."
    ),
    Role.POLICE_SUPERVISOR: _(
        "Released offenders of your region: supervision plans and check-ins."
    ),
    Role.EDUCATION_COORDINATOR: _("Trainings and school safeguarding rounds of your region."),
    Role.PARTNER: _("Referrals sent to your organisation, and figures without personal data."),
    Role.SECURITY_OFFICER: _(
        "Changes of staff access (role, region, facilities, administrators) waiting for a second "
        "person, and the audit log. You never see the contents of reports or cases."
    ),
    Role.ADMIN: _(
        "Users and reference data. You never see the contents of reports or cases; a change of "
        "anyone's access waits for a second person's approval."
    ),
}


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


class AccessChangeStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    CANCELLED = "cancelled", _("Cancelled")


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


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")
