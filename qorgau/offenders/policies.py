"""Who may see and do what in the offender register: every role set of the app is here.

Who sees which rows is each model's `Visibility` (the models use these constants); who may act is
one named `Policy` per action, checked by its service with `require()` (core/permissions.py); the
role sets that choose whom the app lists or alerts are at the end. Views, templates, forms and the
API ask `may()` only to decide what to show.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qorgau.core.enums import Role
from qorgau.core.permissions import On, Policy, Scope, Visibility
from qorgau.offenders.enums import PersonStatus

# --- Who sees which rows --------------------------------------------------------------------------

# Clinicians see the inmates of their facilities, police supervisors the released people of their
# region; the regional chief everything of the region, the central office everything.
PERSON_VISIBILITY = Visibility(
    roles={
        Role.CENTRAL_OFFICE: Scope.ALL,
        Role.REGIONAL_CHIEF: Scope.REGION,
        Role.CLINICIAN: Scope.OWN,
        Role.POLICE_SUPERVISOR: Scope.REGION,
    },
    region_field="region",
    owner_field="facility__clinicians",
    conditions={
        Role.CLINICIAN: Q(status=PersonStatus.IN_CUSTODY),
        Role.POLICE_SUPERVISOR: Q(status=PersonStatus.SUPERVISED),
    },
)
EXAMINATION_VISIBILITY = Visibility(
    roles={
        Role.CENTRAL_OFFICE: Scope.ALL,
        Role.REGIONAL_CHIEF: Scope.REGION,
        Role.CLINICIAN: Scope.OWN,
    },
    region_field="person__region",
    owner_field="person__facility__clinicians",
    conditions={Role.CLINICIAN: Q(person__status=PersonStatus.IN_CUSTODY)},
)
SUPERVISION_VISIBILITY = Visibility(
    roles={
        Role.CENTRAL_OFFICE: Scope.ALL,
        Role.REGIONAL_CHIEF: Scope.REGION,
        Role.POLICE_SUPERVISOR: Scope.REGION,
    },
    region_field="person__region",
)
MEETING_VISIBILITY = Visibility(
    roles={
        Role.CENTRAL_OFFICE: Scope.ALL,
        Role.REGIONAL_CHIEF: Scope.REGION,
        Role.POLICE_SUPERVISOR: Scope.REGION,
    },
    region_field="plan__person__region",
)
# The facilities a user may name when registering someone: a clinician's own, the region's for the
# chief, all for the central office.
FACILITY_VISIBILITY = Visibility(
    roles={
        Role.CENTRAL_OFFICE: Scope.ALL,
        Role.REGIONAL_CHIEF: Scope.REGION,
        Role.CLINICIAN: Scope.OWN,
    },
    region_field="region",
    owner_field="clinicians",
)

# --- The register ---------------------------------------------------------------------------------

# The register is kept by the penitentiary service's clinicians (for their region) and by the
# central office (for every region); the same rule for the API, the import page and the import
# command. A regional chief sees everything of the region but does not add to the register: the
# entries come from the penitentiary service's records, and a second source of entries in every
# region would duplicate them. (The API used to let a chief register people while the import page
# did not; this policy is the one answer for both.) The object is the region the entry goes to.
REGISTER_OFFENDER = Policy(
    "offenders.register",
    {Role.CENTRAL_OFFICE: On.ANY, Role.CLINICIAN: On.OWN_REGION},
    message=_("Your role does not add register entries."),
)
ADD_CONVICTION = Policy(
    "offenders.add_conviction",
    {Role.CENTRAL_OFFICE: On.ANY, Role.CLINICIAN: On.OWN},
    message=_("Your role does not add register entries."),
)
# Read: names across alphabets. Analysts check the people named in reports against the whole
# register, as do the chief and the central office; a clinician's or a police supervisor's hits are
# only the people they see.
SEARCH_REGISTER = Policy(
    "offenders.search",
    {
        Role.ANALYST: On.ANY,
        Role.REGIONAL_CHIEF: On.ANY,
        Role.CENTRAL_OFFICE: On.ANY,
        Role.CLINICIAN: On.VISIBLE,
        Role.POLICE_SUPERVISOR: On.VISIBLE,
    },
    message=_("Your role does not search the register."),
)

# --- Examinations, risk and treatment: the clinicians of the person's facility --------------------

_CLINICAL = _("Only a clinician of the person's facility records examinations, risk and treatment.")
RECORD_EXAMINATION = Policy(
    "offenders.record_examination", {Role.CLINICIAN: On.OWN}, message=_CLINICAL
)
# A risk assessment, a treatment session: the clinician who made it is kept, so not the system.
ASSESS_RISK = Policy(
    "offenders.assess_risk", {Role.CLINICIAN: On.OWN}, system=False, message=_CLINICAL
)
START_TREATMENT = Policy("offenders.start_treatment", {Role.CLINICIAN: On.OWN}, message=_CLINICAL)
RECORD_TREATMENT_SESSION = Policy(
    "offenders.record_treatment_session", {Role.CLINICIAN: On.OWN}, system=False, message=_CLINICAL
)
END_TREATMENT = Policy("offenders.end_treatment", {Role.CLINICIAN: On.OWN}, message=_CLINICAL)
# Read: of N inmates, how many examined (the coverage page and the register's summary).
VIEW_COVERAGE = Policy(
    "offenders.view_coverage",
    {Role.CLINICIAN: On.ANY, Role.REGIONAL_CHIEF: On.ANY, Role.CENTRAL_OFFICE: On.ANY},
    message=_("Your role does not see the examination coverage."),
)

# --- Release and supervision ----------------------------------------------------------------------

# The release is recorded by the penitentiary service of the person's region (the inmate may have
# moved between facilities), by the regional chief, or by the central office. Drafting the plan
# ahead of it (the tick does it 90 days before) is part of the same work.
_RELEASE = _(
    "Only the penitentiary service, the regional chief and the central office record a release."
)
RELEASE = Policy(
    "offenders.release",
    {
        Role.CLINICIAN: On.OWN_REGION,
        Role.REGIONAL_CHIEF: On.OWN_REGION,
        Role.CENTRAL_OFFICE: On.ANY,
    },
    message=_RELEASE,
)
DRAFT_SUPERVISION = Policy(
    "offenders.draft_supervision",
    {
        Role.CLINICIAN: On.OWN_REGION,
        Role.REGIONAL_CHIEF: On.OWN_REGION,
        Role.CENTRAL_OFFICE: On.ANY,
    },
    message=_RELEASE,
)
# The supervision itself is the police's, with the regional chief: meetings, violations, its end.
_SUPERVISION = {Role.POLICE_SUPERVISOR: On.OWN_REGION, Role.REGIONAL_CHIEF: On.OWN_REGION}
RECORD_MEETING = Policy(
    "offenders.record_meeting",
    _SUPERVISION,
    message=_("Only the region's police supervisors and its chief record supervision meetings."),
)
RECORD_VIOLATION = Policy(
    "offenders.record_violation",
    _SUPERVISION,
    system=False,
    message=_("Only the region's police supervisors and its chief record violations."),
)
END_SUPERVISION = Policy(
    "offenders.end_supervision",
    _SUPERVISION,
    message=_("Only the region's police supervisors and its chief end a supervision."),
)
# The tick's bookkeeping: the meetings ahead, the alert about a missed one. Nobody does it by hand.
SCHEDULE_MEETINGS = Policy("offenders.schedule_meetings", set())
ALERT_MISSED_MEETING = Policy("offenders.alert_missed_meeting", set())
# Read: the meetings due (a police supervisor's calendar holds the plans they supervise).
VIEW_SUPERVISION_CALENDAR = Policy(
    "offenders.view_supervision_calendar",
    {Role.POLICE_SUPERVISOR: On.ANY, Role.REGIONAL_CHIEF: On.ANY, Role.CENTRAL_OFFICE: On.ANY},
    message=_("Your role does not see the supervision meetings."),
)

# --- Whom the app lists and alerts ----------------------------------------------------------------

# Who may work in a facility (the admin's choice of clinicians).
FACILITY_STAFF = {"role": Role.CLINICIAN}
# Who supervises released people: the officers offered in the release form.
SUPERVISOR_ROLES = frozenset({Role.POLICE_SUPERVISOR})
# Who hears of a missed meeting besides the plan's officer: the region's chief.
MISSED_MEETING_ALERTED_ROLES = frozenset({Role.REGIONAL_CHIEF})


def supervisors() -> Q:
    """The users who may be a plan's officer (filter Users with it)."""
    return Q(role__in=SUPERVISOR_ROLES, is_active=True)


def supervises_in(user: Any, region: Any) -> bool:
    """Whether `user` may be the officer of a plan in `region`."""
    return bool(
        user is not None
        and user.is_active
        and user.role in SUPERVISOR_ROLES
        and user.region_id == getattr(region, "pk", None)
    )


def missed_meeting_alerted(region_id: int) -> Q:
    """The users told of a missed meeting in a region, besides the plan's officer."""
    return Q(role__in=MISSED_MEETING_ALERTED_ROLES, region_id=region_id, is_active=True)


def calendar_of(user: Any) -> Q:
    """The meetings of a user's calendar among those they see: a police supervisor's own plans."""
    return Q(plan__officer=user) if user.role in SUPERVISOR_ROLES else Q()


def search_limited_to_visible(user: Any) -> bool:
    """Whether a user's name search shows only the people they see (else the whole register)."""
    return SEARCH_REGISTER.roles.get(user.role) is On.VISIBLE


# Who hears that a report links to a person under supervision, besides the plan's officer: the
# region's chief. An inmate: the clinicians of his facility (the chief where it has none).
LINKED_SUPERVISED_ALERTED_ROLES = frozenset({Role.REGIONAL_CHIEF})
LINKED_INMATE_FALLBACK_ROLES = frozenset({Role.REGIONAL_CHIEF})
# Who hears of an examination or a risk reassessment past its date: the clinicians of the person's
# facility, or the region's chief where it has none.
CLINICAL_OVERDUE_FALLBACK_ROLES = frozenset({Role.REGIONAL_CHIEF})
# --- "My work now" (core/work.py) ---------------------------------------------------------------

# Whose home page lists the supervision meetings due (of their own plans, for a police supervisor;
# of the region, for its chief).
WORK_ON_MEETINGS = frozenset({Role.POLICE_SUPERVISOR, Role.REGIONAL_CHIEF})
# Whose home page lists the examinations and risk reassessments due of the people they see.
WORK_ON_CLINICAL = frozenset({Role.CLINICIAN, Role.REGIONAL_CHIEF})
