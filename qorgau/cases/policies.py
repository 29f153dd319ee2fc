"""Who may see and do what with criminal cases: every role set of the cases app is here.

Who sees which rows is each model's `Visibility` (the models use these constants); who may act is
one named `Policy` per action, checked by its service with `require()` first (core/permissions.py);
the pages of the chiefs (handover board, workload, staffing gap, assignment policy) have a read
policy that their selectors require; the role set told of overdue handovers is at the end. Views,
templates and the API ask `may()` / `scope_of()` only to decide what to show.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from qorgau.core.enums import Role
from qorgau.core.permissions import On, Policy, Scope, Visibility

# --- Who sees which rows --------------------------------------------------------------------------

# The regional chief sees the region's cases, the central office every case, a prosecutor the
# cases assigned to them, an analyst the cases they registered (a report turned into a case), of
# the region they work in: read-only, since no action below names the analyst.
CASE_VISIBILITY = Visibility(
    roles={
        Role.REGIONAL_CHIEF: Scope.REGION,
        Role.CENTRAL_OFFICE: Scope.ALL,
        Role.PROSECUTOR: Scope.OWN,
        Role.ANALYST: Scope.OWN_IN_REGION,
    },
    region_field="region",
    owner_field="prosecutor__user",
    role_owner_fields={Role.ANALYST: "registered_by"},
)
# A prosecutor's working profile: the region's chief, the central office, and the prosecutor.
PROSECUTOR_VISIBILITY = Visibility(
    roles={
        Role.REGIONAL_CHIEF: Scope.REGION,
        Role.CENTRAL_OFFICE: Scope.ALL,
        Role.PROSECUTOR: Scope.OWN,
    },
    region_field="user__region",
    owner_field="user",
)

# --- Registering a case ---------------------------------------------------------------------------

# The page (a report turned into a case) and the API register cases under the same rule. The object
# is the Region the case goes to: a regional role registers cases of its own region only, and is
# told so (403: regions are public, so another region is refused, not hidden).
REGISTER_CASE = Policy(
    "cases.register",
    {
        Role.ANALYST: On.OWN_REGION,
        Role.PROSECUTOR: On.OWN_REGION,
        Role.REGIONAL_CHIEF: On.OWN_REGION,
        Role.CENTRAL_OFFICE: On.ANY,
    },
    message=_("Your role does not register cases."),
)
REGISTER_OWN_REGION_ONLY = _("You can register cases of your own region only.")
# "Turn into a criminal case" on a report's page: those who work on reports, on a report of their
# region (the object is the report). The case it registers is then checked by REGISTER_CASE.
CREATE_CASE_FROM_REPORT = Policy(
    "cases.create_from_report",
    {
        Role.ANALYST: On.OWN_REGION,
        Role.REGIONAL_CHIEF: On.OWN_REGION,
        Role.CENTRAL_OFFICE: On.ANY,
    },
    message=_("Your role does not register cases."),
)

# --- Working on a case (the object is the case) ---------------------------------------------------

# The chief of the case's region decides who holds it: a reassignment by hand, and the one-click
# confirmation of an overdue handover the tick proposed.
_CHIEF_ONLY = _("Only the region's chief reassigns cases.")
REASSIGN_CASE = Policy(
    "cases.reassign", {Role.REGIONAL_CHIEF}, on=On.OWN_REGION, message=_CHIEF_ONLY
)
CONFIRM_HANDOVER = Policy(
    "cases.confirm_handover", {Role.REGIONAL_CHIEF}, on=On.OWN_REGION, message=_CHIEF_ONLY
)
# The prosecutor who holds the case and the region's chief move its stage and tick the victim care
# checklist; the central office reads. A tick keeps who made it, so it is never the system's.
_HOLDER_OR_CHIEF = {Role.PROSECUTOR: On.OWN, Role.REGIONAL_CHIEF: On.OWN_REGION}
MOVE_STAGE = Policy(
    "cases.move_stage",
    _HOLDER_OR_CHIEF,
    message=_("Only the case's prosecutor and the region's chief move its stage."),
)
TICK_CARE = Policy(
    "cases.tick_care",
    _HOLDER_OR_CHIEF,
    system=False,
    message=_("Only the case's prosecutor and the region's chief tick its checklist."),
)

# --- The assignment policy ------------------------------------------------------------------------

PUBLISH_POLICY = Policy(
    "cases.publish_policy",
    {Role.CENTRAL_OFFICE},
    on=On.ANY,
    message=_("Only the central office sets the assignment policy."),
)

# --- Reads: the chiefs' pages ---------------------------------------------------------------------

# A regional chief sees their own region's figures (On.OWN_REGION), the central office every
# region's (On.ANY): the selectors choose the regions by `scope_of()`.
_CHIEFS = {Role.REGIONAL_CHIEF: On.OWN_REGION, Role.CENTRAL_OFFICE: On.ANY}
_NO_ACCESS = _("Your role does not give access to this page.")
VIEW_HANDOVER = Policy("cases.view_handover", _CHIEFS, message=_NO_ACCESS)
VIEW_WORKLOAD = Policy("cases.view_workload", _CHIEFS, message=_NO_ACCESS)
VIEW_STAFFING = Policy("cases.view_staffing", _CHIEFS, message=_NO_ACCESS)
VIEW_POLICY = Policy("cases.view_policy", _CHIEFS, message=_NO_ACCESS)

# --- Whom the app alerts --------------------------------------------------------------------------

# Handovers proposed for reassignment (overdue) are told, once a day, to the region's chiefs.
NOTIFIED_OF_HANDOVER = frozenset({Role.REGIONAL_CHIEF})
# Who hears that a report links to a suspect of an open case: the case's prosecutor (the region's
# chief while it has none). A handover near its deadline: the chief and the holding prosecutor.
LINKED_SUSPECT_FALLBACK_ROLES = frozenset({Role.REGIONAL_CHIEF})
WARNED_OF_HANDOVER = frozenset({Role.REGIONAL_CHIEF})
# Who hears, once a week, that the region is short of eligible prosecutors.
NOTIFIED_OF_STAFFING_GAP = frozenset({Role.REGIONAL_CHIEF})

# --- "My work now" (core/work.py) ---------------------------------------------------------------

# Whose home page lists the cases (they see) still to hand over, by their deadline: the prosecutor
# holding them, the region's chief who confirms the reassignment.
WORK_ON_HANDOVERS = frozenset({Role.PROSECUTOR, Role.REGIONAL_CHIEF})
