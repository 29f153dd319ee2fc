"""Who may see and do what in the prevention programme: every rule of the app in one place.

Who sees which rows (the models' `Visibility`), and one named `Policy` per action that changes data
(core/permissions.py). Services call `require(user, POLICY, obj)` first; views, templates and the
tags only ask `may()` to decide what to show. This module imports no model.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from qorgau.core.enums import Role
from qorgau.core.permissions import On, Policy, Scope, Visibility

# --- Who sees which rows --------------------------------------------------------------------------

# Schools, teachers, trainings and rounds: the coordinator works in their region, the chief reads it,
# the central office reads every region.
PROGRAMME_ROLES: dict[str, Scope] = {
    Role.EDUCATION_COORDINATOR: Scope.REGION,
    Role.REGIONAL_CHIEF: Scope.REGION,
    Role.CENTRAL_OFFICE: Scope.ALL,
}
SCHOOL_VISIBILITY = Visibility(roles=PROGRAMME_ROLES, region_field="region")
TEACHER_VISIBILITY = Visibility(roles=PROGRAMME_ROLES, region_field="region")
SESSION_VISIBILITY = Visibility(roles=PROGRAMME_ROLES, region_field="region")
ATTENDANCE_VISIBILITY = Visibility(roles=PROGRAMME_ROLES, region_field="session__region")
ROUND_VISIBILITY = Visibility(roles=PROGRAMME_ROLES, region_field="school__region")
ROUND_REFERRAL_VISIBILITY = Visibility(roles=PROGRAMME_ROLES, region_field="round__school__region")

# A referral to a partner: the partner sees what was sent to their organisation; the region's
# analysts and chief what their region sent; the central office every referral.
PARTNER_REFERRAL_VISIBILITY = Visibility(
    roles={
        Role.PARTNER: Scope.OWN,
        Role.ANALYST: Scope.REGION,
        Role.REGIONAL_CHIEF: Scope.REGION,
        Role.CENTRAL_OFFICE: Scope.ALL,
    },
    region_field="region",
    owner_field="organisation__members__user",
)

# Who can belong to a partner organisation (the user linked, not the one who links them).
PARTNER_MEMBER_ROLE = Role.PARTNER


def may_belong_to_partner(user: Any) -> bool:
    return getattr(user, "role", None) == PARTNER_MEMBER_ROLE


# --- Reading --------------------------------------------------------------------------------------

READ_PROGRAMME = Policy(
    "prevention.read_programme",
    dict.fromkeys(PROGRAMME_ROLES, On.VISIBLE),
    message=_("Your role does not see the prevention programme."),
)
READ_PARTNER_REFERRALS = Policy(
    "prevention.read_partner_referrals",
    dict.fromkeys(PARTNER_REFERRAL_VISIBILITY.roles, On.VISIBLE),
    message=_("Your role does not see referrals to partners."),
)

# --- The programme: schools, the cascade, rounds --------------------------------------------------
#
# The education coordinator runs the programme of their region; the central office registers
# schools too (any region). The chief and the central office otherwise only read.

_COORDINATOR_ONLY = _("Only the education coordinator of the region can do this.")
_COORDINATOR = {Role.EDUCATION_COORDINATOR: On.OWN_REGION}
_SCHOOL_REGISTRARS = {Role.EDUCATION_COORDINATOR: On.OWN_REGION, Role.CENTRAL_OFFICE: On.ANY}

# The object is the school's Region (checked per school, as a field or row error).
CREATE_SCHOOL = Policy("prevention.create_school", _SCHOOL_REGISTRARS, message=_COORDINATOR_ONLY)
IMPORT_SCHOOLS = Policy("prevention.import_schools", _SCHOOL_REGISTRARS, message=_COORDINATOR_ONLY)
# On the teacher's school (or Region).
CREATE_TEACHER = Policy("prevention.create_teacher", _COORDINATOR, message=_COORDINATOR_ONLY)
# On the teacher.
DESIGNATE_MASTER_TRAINER = Policy(
    "prevention.designate_master_trainer", _COORDINATOR, message=_COORDINATOR_ONLY
)
# On the session's Region.
CREATE_SESSION = Policy("prevention.create_session", _COORDINATOR, message=_COORDINATOR_ONLY)
# On the session.
ADD_ATTENDEE = Policy("prevention.add_attendee", _COORDINATOR, message=_COORDINATOR_ONLY)
RECORD_ATTENDANCE = Policy("prevention.record_attendance", _COORDINATOR, message=_COORDINATOR_ONLY)
CERTIFY = Policy("prevention.certify", _COORDINATOR, message=_COORDINATOR_ONLY)
# On the school.
PLAN_ROUND = Policy("prevention.plan_round", _COORDINATOR, message=_COORDINATOR_ONLY)
# On the round.
RECORD_ROUND = Policy("prevention.record_round", _COORDINATOR, message=_COORDINATOR_ONLY)
REFER_FROM_ROUND = Policy("prevention.refer_from_round", _COORDINATOR, message=_COORDINATOR_ONLY)

# --- Partners -------------------------------------------------------------------------------------

# A report or a case passed on to a partner organisation (the "refer to a partner" box).
REFER_REPORT_TO_PARTNER = Policy(
    "prevention.refer_report_to_partner",
    {Role.ANALYST: On.OWN_REGION, Role.REGIONAL_CHIEF: On.OWN_REGION},
    message=_("Your role does not refer reports to partners."),
)
REFER_CASE_TO_PARTNER = Policy(
    "prevention.refer_case_to_partner",
    {Role.PROSECUTOR: On.OWN, Role.REGIONAL_CHIEF: On.OWN_REGION},
    message=_("Your role does not refer cases to partners."),
)
# On the referral: only a member of the organisation it was sent to answers it.
RESPOND_TO_REFERRAL = Policy(
    "prevention.respond_to_referral",
    {Role.PARTNER: On.OWN},
    message=_("Only the partner the referral was sent to answers it."),
)
# Administrators ask for a partner user's link to their organisation (four eyes: a second person
# approves it); the system (demo data) links them at once.
SET_PARTNER_MEMBER = Policy("prevention.set_partner_member", {Role.ADMIN: On.ANY})

# Who hears that a referral to a partner went unanswered, besides whoever sent it: the region's chief.
REFERRAL_UNANSWERED_ALERTED_ROLES = frozenset({Role.REGIONAL_CHIEF})

# What the administrators may do in the Django admin with prevention's reference data.
ADMIN_PERMISSIONS = {
    Role.ADMIN: frozenset(
        {
            "prevention.view_school",
            "prevention.add_school",
            "prevention.change_school",
            "prevention.view_partnerorganisation",
            "prevention.add_partnerorganisation",
            "prevention.change_partnerorganisation",
            "prevention.view_partnermember",
            "prevention.add_partnermember",
            "prevention.change_partnermember",
            "prevention.delete_partnermember",
        }
    ),
}


# --- "My work now" (core/work.py) ---------------------------------------------------------------

# Whose home page lists the planned school rounds of their region by date: the education
# coordinator who records them, the region's chief.
WORK_ON_ROUNDS = frozenset({Role.EDUCATION_COORDINATOR, Role.REGIONAL_CHIEF})
# Whose home page lists the referrals waiting for their answer (sent, not yet answered).
WORK_ON_REFERRALS = frozenset({Role.PARTNER})
