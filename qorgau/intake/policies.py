"""Who may see and do what on Red Button reports: every role set of the app is here.

Who sees which rows is each model's `Visibility` (models.py uses these constants); who may act is one
named `Policy` per action, checked by its service with `require()` before it reads or writes
anything (core/permissions.py says how). Views, templates, forms and the API ask `may()` only to
decide what to show. The role sets that choose whom a P1 report alerts are at the end.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from qorgau.core.enums import Role
from qorgau.core.permissions import On, Policy, Scope, Visibility

# --- Who sees which reports -----------------------------------------------------------------------

# The analysts and the chief of a region see its reports; the central office sees every region and
# the central queue (reports with no region).
REPORT_VISIBILITY = Visibility(
    roles={
        Role.ANALYST: Scope.REGION,
        Role.REGIONAL_CHIEF: Scope.REGION,
        Role.CENTRAL_OFFICE: Scope.ALL,
    },
    region_field="region",
)
# A report's files and messages are seen by whoever sees the report.
EVIDENCE_VISIBILITY = Visibility(roles=REPORT_VISIBILITY.roles, region_field="report__region")
MESSAGE_VISIBILITY = Visibility(roles=REPORT_VISIBILITY.roles, region_field="report__region")

# --- Sending a report -----------------------------------------------------------------------------

# The public form (web, widget) and the platforms send reports with no staff user behind them: they
# are always let in (`system=True` is what `require` answers for no user). A member of staff sends
# one with their personal API token, or from a school round: every staff role but the administrator
# (who never sees report contents). Through the API, `FILE_THROUGH_API` below narrows it (issue 18).
SUBMIT_REPORT = Policy(
    "intake.submit_report",
    {
        Role.ANALYST: On.ANY,
        Role.PROSECUTOR: On.ANY,
        Role.REGIONAL_CHIEF: On.ANY,
        Role.CENTRAL_OFFICE: On.ANY,
        Role.CLINICIAN: On.ANY,
        Role.POLICE_SUPERVISOR: On.ANY,
        Role.EDUCATION_COORDINATOR: On.ANY,
        Role.PARTNER: On.ANY,
    },
)

# Filing one through the API with a personal token (POST /api/v1/reports, `Source.STAFF`): the
# analysts (the duty officers, who take reports by telephone), into their own region only; every
# other staff token is refused (403), and another region is as if it did not exist (404: the
# region is the object the analyst acts in, as for `cases.register`). Issue 18: every staff token
# used to file into any region. Platforms have their own token and no staff user: let in as before.
FILE_THROUGH_API = Policy(
    "intake.file_through_api",
    {Role.ANALYST: On.OWN_REGION},
    message=_("Your role does not file reports through the API."),
)

# --- The analyst's work on a report ---------------------------------------------------------------

# The reports of a region are worked by its analysts (the duty officers) and its chief; the central
# office (the national duty desk) works the central queue and may act on any report, as it could
# before these policies. These actions are a person's: the system never takes, answers or closes
# a report (`system=False`).
_WORKS_REPORTS = {
    Role.ANALYST: On.OWN_REGION,
    Role.REGIONAL_CHIEF: On.OWN_REGION,
    Role.CENTRAL_OFFICE: On.ANY,
}
_WORKS_REPORTS_MESSAGE = _("Your role does not give access to reports.")


def _report_action(name: str) -> Policy:
    return Policy(name, _WORKS_REPORTS, system=False, message=_WORKS_REPORTS_MESSAGE)


TAKE_REPORT = _report_action("intake.take")
SET_PRIORITY = _report_action("intake.set_priority")
MESSAGE_REPORTER = _report_action("intake.message_reporter")
ASK_MORE_INFORMATION = _report_action("intake.ask_more_information")
LINK_SUBJECT = _report_action("intake.link_subject")
REMOVE_LINK = _report_action("intake.remove_link")
MARK_DUPLICATE = _report_action("intake.mark_duplicate")
REFER_REPORT = _report_action("intake.refer")
CLOSE_REPORT = _report_action("intake.close")
# Deciding whether a similar file (a PDQ candidate, issue 22) is the same picture: on the report
# whose page shows it; confirming links the report to the other file's subject.
DECIDE_FILE_MATCH = _report_action("intake.decide_file_match")
# The cases app records the criminal case it opened on the report (cases:from_report), under the
# same rule as its own `cases.create_from_report` (the system too: the case number is a fact).
RECORD_CASE = Policy("intake.record_case", _WORKS_REPORTS, message=_WORKS_REPORTS_MESSAGE)
# Opening a report shows its personal fields (narrative, contact, the other person): audited.
VIEW_PERSONAL = _report_action("intake.view_personal")
# An evidence file is downloaded deliberately, never shown: audited.
DOWNLOAD_EVIDENCE = _report_action("intake.download_evidence")
# A status move on its own (taking, referring and closing move it too, under their own policy).
# The system may move one (`acting_user=None`), as `report_transition` always allowed.
CHANGE_STATUS = Policy("intake.change_status", _WORKS_REPORTS, message=_WORKS_REPORTS_MESSAGE)

# Read: a subject's page (and GET /api/v1/subjects): those who see one of its reports; the central
# office every subject, even one of cases or register entries only.
VIEW_SUBJECT = Policy(
    "intake.view_subject",
    {
        Role.ANALYST: On.VISIBLE,
        Role.REGIONAL_CHIEF: On.VISIBLE,
        Role.CENTRAL_OFFICE: On.ANY,
    },
    message=_WORKS_REPORTS_MESSAGE,
)

# --- Configuration --------------------------------------------------------------------------------

# Triage rules and platform tokens are the administrators' (in /admin/) and the system's (the
# `create_platform_token` command, the demo data, the shipped default rules).
PUBLISH_TRIAGE_RULES = Policy(
    "intake.publish_triage_rules",
    {Role.ADMIN},
    on=On.ANY,
    message=_("Only an administrator publishes triage rules."),
)
MANAGE_PLATFORM_TOKENS = Policy(
    "intake.manage_platform_tokens",
    {Role.ADMIN},
    on=On.ANY,
    message=_("Only an administrator manages tokens."),
)

# What the administrators may do in the Django admin: platforms and their tokens, triage rules.
ADMIN_PERMISSIONS = {
    Role.ADMIN: frozenset(
        {
            "intake.view_platform",
            "intake.add_platform",
            "intake.change_platform",
            "intake.view_platformtoken",
            "intake.change_platformtoken",
            "intake.view_triageruleset",
            "intake.add_triageruleset",
        }
    ),
}

# --- Whom a P1 report alerts at once --------------------------------------------------------------

# A P1 report of a region: its analysts on duty. A P1 report of the central queue (no region): the
# central office on duty (the national duty desk). Nobody else is alerted at once.
P1_ALERTED_IN_REGION = frozenset({Role.ANALYST})
P1_ALERTED_CENTRAL = frozenset({Role.CENTRAL_OFFICE})
# Nobody on duty for it: a P1 report never alerts nobody. It goes to the region's chiefs and to the
# national duty desk (the central office on duty, or, with nobody on duty there either, every active
# member of the central office).
P1_FALLBACK_IN_REGION = frozenset({Role.REGIONAL_CHIEF})

# --- Whom a report past its deadline alerts --------------------------------------------------------

# A P1 report with no first action by its deadline: the region's chiefs (the central queue's: the
# national duty desk), climbing to the desk unacknowledged. A P2 at its deadline: the region's
# analysts and chiefs.
DEADLINE_ALERTED_P1 = frozenset({Role.REGIONAL_CHIEF})
DEADLINE_ALERTED_P2 = frozenset({Role.ANALYST, Role.REGIONAL_CHIEF})

# --- "My work now" (core/work.py) ---------------------------------------------------------------

# Whose home page lists the queue's reports past or near their response deadline and those they took.
WORK_ON_QUEUE = frozenset({Role.ANALYST, Role.REGIONAL_CHIEF, Role.CENTRAL_OFFICE})
# Whose home page lists the region's open P1 reports.
WORK_ON_REGION_P1 = frozenset({Role.REGIONAL_CHIEF})
