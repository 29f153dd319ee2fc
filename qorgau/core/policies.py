"""Who may see and do what in core: staff accounts, the audit log, duty, notifications.

Read rules are `Visibility` (which rows a role sees); action rules are `Policy` (who may act, on
which objects). Both live here and nowhere else; `core/permissions.py` says how they are applied.
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _

from qorgau.core.enums import Role
from qorgau.core.permissions import On, Policy, Scope, Visibility

# --- What each role sees --------------------------------------------------------------------------

# The security officer sees the staff and the audit log (whose access is what, who did what: ids,
# never personal values) to judge the access changes it approves; no report, case or register.
USER_VISIBILITY = Visibility(
    roles={
        Role.ADMIN: Scope.ALL,
        Role.CENTRAL_OFFICE: Scope.ALL,
        Role.SECURITY_OFFICER: Scope.ALL,
        Role.REGIONAL_CHIEF: Scope.REGION,
    },
    region_field="region",
)
AUDIT_VISIBILITY = Visibility(
    roles={
        Role.ADMIN: Scope.ALL,
        Role.CENTRAL_OFFICE: Scope.ALL,
        Role.SECURITY_OFFICER: Scope.ALL,
        Role.REGIONAL_CHIEF: Scope.REGION,
    },
    region_field="region",
)
ACCESS_CHANGE_VISIBILITY = Visibility(
    roles={Role.ADMIN: Scope.ALL, Role.SECURITY_OFFICER: Scope.ALL},
    region_field="user__region",
    owner_field="requested_by",
    parties=("requested_by", "user"),
)

# Each member of staff sees the alerts that reached them, nobody else's.
NOTIFICATION_VISIBILITY = Visibility(
    roles=dict.fromkeys(Role.values, Scope.OWN), region_field=None, owner_field="user"
)

# The duty rota: the analysts of a region see their region's shifts (and the chief plans them); the
# central office sees every region's and plans the national duty desk's (region None).
DUTY_VISIBILITY = Visibility(
    roles={
        Role.ANALYST: Scope.REGION,
        Role.REGIONAL_CHIEF: Scope.REGION,
        Role.CENTRAL_OFFICE: Scope.ALL,
    },
    region_field="region",
)

# --- Actions --------------------------------------------------------------------------------------

# Staff accounts are made by the administrators (in /admin/) and by the system (`seed_demo`, the
# command line); nobody else.
CREATE_USER = Policy(
    "core.create_user",
    {Role.ADMIN},
    on=On.ANY,
    message=_("Only an administrator creates accounts."),
)
SET_PASSWORD = Policy(
    "core.set_password", {Role.ADMIN}, on=On.ANY, message=_("Only an administrator sets passwords.")
)
# Separation of duties: an administrator sets passwords, the security officer removes a lost
# authenticator; nobody alone can sign in as somebody else (a password and a new authenticator
# together would let an administrator become a central-office account and read every report).
RESET_SECOND_FACTOR = Policy(
    "core.reset_second_factor",
    {Role.SECURITY_OFFICER},
    on=On.VISIBLE,
    message=_(
        "The security officer removes a lost authenticator: an administrator, who sets passwords, "
        "may not also reset the second factor."
    ),
)
# Duty: the analysts of a region and the national duty desk (central office) start and end their
# own duty by hand ("Start my duty": an override of the rota that expires); on-duty staff are
# alerted at once to P1 reports.
SET_ON_DUTY = Policy(
    "core.set_on_duty",
    {Role.ANALYST: On.ANY, Role.CENTRAL_OFFICE: On.ANY},
    message=_("Your role has no duty to start or end."),
)
# The rota: the regional chief plans their region's analysts (shifts, weekly patterns, swaps); the
# central office plans the national duty desk (its own members). Analysts read their region's rota
# and may not plan it.
PLAN_REGIONAL_DUTY = Policy(
    "core.plan_regional_duty",
    {Role.REGIONAL_CHIEF},
    on=On.OWN_REGION,
    message=_("The regional chief plans the duty rota of the region."),
)
PLAN_NATIONAL_DUTY = Policy(
    "core.plan_national_duty",
    {Role.CENTRAL_OFFICE},
    on=On.ANY,
    message=_("The central office plans the national duty desk."),
)
VIEW_DUTY_ROTA = Policy(
    "core.view_duty_rota",
    {Role.ANALYST: On.OWN_REGION, Role.REGIONAL_CHIEF: On.OWN_REGION, Role.CENTRAL_OFFICE: On.ANY},
    message=_("Your role has no duty rota."),
)
# Hours with nobody on duty: the chief for the region, the central office for every region and the
# national desk. `tick` warns the same people a day ahead of a gap.
VIEW_DUTY_COVERAGE = Policy(
    "core.view_duty_coverage",
    {Role.REGIONAL_CHIEF: On.OWN_REGION, Role.CENTRAL_OFFICE: On.ANY},
    message=_("Your role does not see the duty coverage."),
)


def duty_plan_policy(region: Any) -> Policy:
    """Who plans a desk's rota: the region's chief, or the central office for the national desk
    (`region` None)."""
    return PLAN_NATIONAL_DUTY if region is None else PLAN_REGIONAL_DUTY


# Who is on duty on the rota, by region (the national desk: None), and who is warned of its gaps.
DUTY_ROLE_IN_REGION = Role.ANALYST
DUTY_ROLE_NATIONAL = Role.CENTRAL_OFFICE
DUTY_GAP_WARNED_IN_REGION = frozenset({Role.REGIONAL_CHIEF})
DUTY_GAP_WARNED_NATIONAL = frozenset({Role.CENTRAL_OFFICE})
# Everyone signed in reads their own notifications.
READ_NOTIFICATIONS = Policy("core.read_notifications", set(Role.values), on=On.ANY)
# An unacknowledged alert that climbs goes to the region's chief, then to the national duty desk
# (the central office on duty per the rota, or all of it with nobody on duty there).
ALERTS_CLIMB_TO_IN_REGION = frozenset({Role.REGIONAL_CHIEF})
NATIONAL_DUTY_DESK = frozenset({Role.CENTRAL_OFFICE})
# "My work now" shows the region's chief the stretches of the coming days with nobody on duty.
SEES_DUTY_GAPS = frozenset({Role.REGIONAL_CHIEF})
# An alert is acknowledged by the one it reached (On.OWN: someone else's answers 404, audited): the
# click says "I have it", and the alert climbs no further.
ACKNOWLEDGE_ALERT = Policy(
    "core.acknowledge_alert",
    set(Role.values),
    on=On.OWN,
    message=_("You acknowledge the alerts that reached you, not someone else's."),
)
# Personal API tokens are made from the command line (`create_api_token`) or by an administrator.
MANAGE_API_TOKENS = Policy(
    "core.manage_api_tokens",
    {Role.ADMIN},
    on=On.ANY,
    message=_("Only an administrator manages tokens."),
)

# Four eyes on access: a change of a member of staff's role, region or facilities, or switching an
# account on, is asked for by an administrator and takes effect only when a second person approves
# it: the central office's security officer, or another administrator. Nobody decides a change they
# asked for, nor a change of their own access (On.NOT_OWN: the change's parties are refused, 403).
# Nothing automatic approves (`system=False`): demo data and `createsuperuser` make accounts, they
# do not change them.
REQUEST_ACCESS_CHANGE = Policy(
    "core.request_access_change",
    {Role.ADMIN},
    on=On.ANY,
    system=False,
    message=_("Only an administrator asks for a change of access."),
)
DECIDE_ACCESS_CHANGE = Policy(
    "core.decide_access_change",
    {Role.SECURITY_OFFICER, Role.ADMIN},
    on=On.NOT_OWN,
    system=False,
    message=_(
        "A second person decides a change of access: the security officer or an administrator "
        "who neither asked for it nor is the one it is for."
    ),
)
# The one who asked (On.OWN: `requested_by`) may withdraw a change while it waits.
CANCEL_ACCESS_CHANGE = Policy(
    "core.cancel_access_change",
    {Role.ADMIN},
    on=On.OWN,
    system=False,
    message=_("Only an administrator withdraws a change of access."),
)
VIEW_ACCESS_CHANGES = Policy(
    "core.view_access_changes",
    {Role.SECURITY_OFFICER, Role.ADMIN},
    on=On.ANY,
    message=_("Your role does not see changes of access."),
)
# Who may decide: their password and second factor are not another administrator's to reset (else
# an administrator would become the second person); the operator does it on the server's shell
# (`manage.py changepassword`; deleting a lost authenticator there).
ACCESS_DECIDING_ROLES = frozenset({Role.SECURITY_OFFICER, Role.ADMIN})


def credentials_guarded(actor: Any, target: Any) -> bool:
    """Whether `actor` may not reset `target`'s password or second factor in /admin/: `target`
    decides changes of access (or is a superuser) and is somebody else."""
    return bool(
        target is not None
        and getattr(actor, "pk", None) != target.pk
        and (target.is_superuser or target.role in ACCESS_DECIDING_ROLES)
    )


# The roles that open the administration (/admin/): users and reference data, never report contents.
ADMIN_ROLES = frozenset({Role.ADMIN})
# The assignment policy matches prosecutors by gender: a prosecutor's account must say it.
ROLE_NEEDING_GENDER = Role.PROSECUTOR

# What each role may do in the Django admin, for core's models (every app adds its own in its
# policies.py; core/auth.py takes the union). Administrators manage people and reference data.
ADMIN_PERMISSIONS = {
    Role.ADMIN: frozenset(
        {
            "core.view_user",
            "core.add_user",
            "core.change_user",
            "core.view_region",
            "core.change_region",
            "core.view_criminalarticle",
            "core.add_criminalarticle",
            "core.change_criminalarticle",
            "core.view_helpline",
            "core.add_helpline",
            "core.change_helpline",
            "core.view_apitoken",
            "core.change_apitoken",
            "core.view_auditentry",
            "core.view_accesschange",
            # alerts and their e-mails and SMS: what failed and why (numbers only, no addresses)
            "core.view_alert",
            "core.view_delivery",
            # a lost phone: see and delete the authenticator (never its key or codes)
            "core.view_stafftotpdevice",
            "core.delete_stafftotpdevice",
            "core.view_recoverycodeset",
            "core.delete_recoverycodeset",
        }
    ),
}
