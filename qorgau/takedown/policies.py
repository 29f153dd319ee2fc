"""Who may see and do what with requests to platforms (preservation, removal): every role set of
the app is here.

A request belongs to the region of the report (or, from a subject's page, of the analyst who makes
it). Its region's analysts and chief work it; the central office reads every region; a prosecutor
reads the requests of the reports behind the cases they hold (a preservation request is evidence
for their case) and may take the hashes to a platform. Everyone else sees nothing: another
region's request answers 404, as if it did not exist. Services call `require()` first; views,
templates and the menu ask `may()` only to decide what to show.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from qorgau.core.enums import Role
from qorgau.core.permissions import On, Policy, Scope, Visibility

# --- Who sees which requests ----------------------------------------------------------------------

TAKEDOWN_VISIBILITY = Visibility(
    roles={
        Role.ANALYST: Scope.REGION,
        Role.REGIONAL_CHIEF: Scope.REGION,
        Role.CENTRAL_OFFICE: Scope.ALL,
        Role.PROSECUTOR: Scope.OWN,
    },
    region_field="region",
    # a prosecutor: the requests of a report of a case they hold
    role_owner_fields={Role.PROSECUTOR: "report__cases__prosecutor__user"},
)
# A request's timeline is seen by whoever sees the request.
TAKEDOWN_EVENT_VISIBILITY = Visibility(
    roles=TAKEDOWN_VISIBILITY.roles, region_field="request__region"
)

# --- Reading --------------------------------------------------------------------------------------

_NO_ACCESS = _("Your role does not see requests to platforms.")
# The list of a region's requests (and the menu's entry): those who work reports, and the central
# office. A prosecutor opens their cases' requests from the case's page.
BROWSE_REQUESTS = Policy(
    "takedown.browse",
    {Role.ANALYST: On.ANY, Role.REGIONAL_CHIEF: On.ANY, Role.CENTRAL_OFFICE: On.ANY},
    message=_NO_ACCESS,
)
# The CSV of the evidence hashes for a platform's matching (hashes and public ids, never a file):
# whoever sees the request. A person's download, audited (`system=False`).
EXPORT_HASHES = Policy(
    "takedown.export_hashes",
    {
        Role.ANALYST: On.OWN_REGION,
        Role.REGIONAL_CHIEF: On.OWN_REGION,
        Role.CENTRAL_OFFICE: On.ANY,
        Role.PROSECUTOR: On.VISIBLE,
    },
    system=False,
    message=_NO_ACCESS,
)

# --- Working on requests --------------------------------------------------------------------------

# The analysts and the chief of the region draft requests and record what the platform answers;
# the central office and the prosecutors read. The system never drafts or sends one.
_WORKERS = {Role.ANALYST: On.OWN_REGION, Role.REGIONAL_CHIEF: On.OWN_REGION}
_WORKERS_ONLY = _("Only the region's analysts and chief work on requests to platforms.")

# On the report.
REQUEST_FROM_REPORT = Policy(
    "takedown.request_from_report", _WORKERS, system=False, message=_WORKERS_ONLY
)
# On the Region the request is for (the analyst's own): a subject has no region of its own. The
# service checks that the subject has a report of that region (else 404).
REQUEST_FROM_SUBJECT = Policy(
    "takedown.request_from_subject", _WORKERS, system=False, message=_WORKERS_ONLY
)
# On the request: sent, acknowledged, done, refused; its deadline and the platform's reference.
SEND_REQUEST = Policy("takedown.send", _WORKERS, system=False, message=_WORKERS_ONLY)
RECORD_ANSWER = Policy("takedown.record_answer", _WORKERS, system=False, message=_WORKERS_ONLY)
SET_DEADLINE = Policy("takedown.set_deadline", _WORKERS, system=False, message=_WORKERS_ONLY)
SET_REFERENCE = Policy("takedown.set_reference", _WORKERS, system=False, message=_WORKERS_ONLY)

# --- Whom an overdue request alerts ---------------------------------------------------------------

# Besides the request's author: the region's chiefs, and its analysts on duty (the rota) now.
OVERDUE_ALERTED_IN_REGION = frozenset({Role.REGIONAL_CHIEF})
OVERDUE_ALERTED_ON_DUTY = frozenset({Role.ANALYST})

# --- "My work now" (core/work.py) ---------------------------------------------------------------

# Whose home page lists the region's requests to platforms past their deadline: those who chase the
# platforms (the region's analysts and chief).
WORK_ON_OVERDUE_REQUESTS = frozenset({Role.ANALYST, Role.REGIONAL_CHIEF})
