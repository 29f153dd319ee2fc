"""Four eyes on access: a change of a member of staff's role, region, facilities or partner
organisation, or switching an account on, is asked for by an administrator and applied only when a second person approves it.

Who may ask, approve and withdraw is in core/policies.py, with the two rules about people (nobody
decides a change they asked for, nor a change of their own access: `On.NOT_OWN`). A refused decision
writes nothing but its "refused" audit entry. Approval applies the change in its own transaction, and only while the account
still has the values the request recorded (else `Conflict`: someone changed it meanwhile).

The audit entries hold the old and the new values: a role, region, facility and partner
organisation ids and the flag are not personal data (they say what an account may open, not who the person is); the reason typed
by the administrator is free text and stays in the request's row only.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from qorgau.core import policies
from qorgau.core.enums import AccessChangeStatus, Role
from qorgau.core.errors import Conflict, InvalidInput
from qorgau.core.models import AccessChange, Region, User
from qorgau.core.permissions import require, service
from qorgau.core.selectors import (
    facility_hooks,
    facility_ids_of,
    partner_hooks,
    partner_organisation_ids_of,
)
from qorgau.core.services.audit import audit_append
from qorgau.core.transitions import Transitions, transition


def _current(user: User) -> dict[str, Any]:
    return {"role": user.role, "region_id": user.region_id, "is_active": user.is_active}


@service
def access_change_request(
    *,
    acting_user: User,
    user: User,
    role: Role | str,
    region: Region | None,
    is_active: bool,
    facility_ids: Iterable[int] | None = None,
    partner_organisation_ids: Iterable[int] | None = None,
    reason: str = "",
) -> AccessChange:
    """An administrator asks for `user`'s access to become these values: recorded, not applied.

    `facility_ids` (`partner_organisation_ids`) None leaves the facilities (the partner
    organisation) alone. A change of one's own access may be asked for
    (it still needs a second person); another change of the same account may not wait beside it.
    """
    require(acting_user, policies.REQUEST_ACCESS_CHANGE)
    locked = User.objects.select_for_update().get(pk=user.pk)
    old_facilities = facility_ids_of(locked) if facility_ids is not None else None
    new_facilities = sorted(set(facility_ids)) if facility_ids is not None else None
    asked_partners = partner_organisation_ids
    old_partners = partner_organisation_ids_of(locked) if asked_partners is not None else None
    new_partners = sorted(set(asked_partners)) if asked_partners is not None else None
    change = AccessChange(
        user=locked,
        requested_by=acting_user,
        reason=reason.strip()[:500],
        old_role=locked.role,
        new_role=str(role),
        old_region=locked.region,
        new_region=region,
        old_is_active=locked.is_active,
        new_is_active=is_active,
        old_facilities=old_facilities,
        new_facilities=new_facilities,
        old_partner_organisations=old_partners,
        new_partner_organisations=new_partners,
    )
    hooks = facility_hooks()
    if new_facilities and hooks is not None and not hooks.works_in_facilities(str(role)):
        raise InvalidInput({"facilities": [_("Only clinicians work in facilities.")]})
    _check_partners(str(role), new_partners)
    if change.values("old") == change.values("new"):
        raise InvalidInput({"role": [_("This changes nothing of the account's access.")]})
    _check_possible(locked, change)
    if AccessChange.objects.pending().filter(user=locked).exists():
        raise Conflict(
            _(
                "A change of this account's access is already waiting for approval: it must be "
                "decided or withdrawn first."
            )
        )
    change.full_clean()
    change.save(force_insert=True)
    _audit(change, acting_user, "access.request")
    return change


def _check_partners(role: str, ids: list[int] | None) -> None:
    """Only partner users are asked into a partner organisation, and into one at most."""
    hooks = partner_hooks()
    if not ids or hooks is None:
        return
    if not hooks.belongs_to_partners(role):
        raise InvalidInput(
            {"partner_organisations": [_("Only users with the partner role belong to a partner.")]}
        )
    if len(ids) > 1:
        raise InvalidInput(
            {"partner_organisations": [_("A partner user belongs to one partner organisation.")]}
        )
    if hooks.partner_organisation_choices().filter(pk__in=ids).count() != len(ids):
        raise InvalidInput({"partner_organisations": [_("Choose a known partner organisation.")]})


def _check_possible(user: User, change: AccessChange) -> None:
    """The account with the new values must be a valid account (a regional role has a region, a
    prosecutor a gender...): said when it is asked for, not found out when it is approved."""
    candidate = User(
        pk=user.pk,
        username=user.username,
        role=change.new_role,
        region=change.new_region,
        gender=user.gender,
        is_active=change.new_is_active,
    )
    try:
        candidate.validate_constraints()
        candidate.clean_fields(exclude=[f.name for f in User._meta.fields if f.name != "role"])
    except ValidationError as error:
        raise InvalidInput(
            {"role": [str(m) for messages in error.message_dict.values() for m in messages]}
        ) from error


def _details(change: AccessChange) -> dict[str, Any]:
    return {
        "user_id": change.user_id,
        "requested_by_id": change.requested_by_id,
        "old": change.values("old"),
        "new": change.values("new"),
    }


def _audit(change: AccessChange, actor: User, action: str) -> None:
    audit_append(
        actor=actor, action=action, obj=change, region=change.user.region, details=_details(change)
    )


# Each decision is its own move out of "pending", with its own audit action.
_APPROVE = Transitions(
    {AccessChangeStatus.PENDING: {AccessChangeStatus.APPROVED}},
    action="access.approve",
    changed_at="decided_at",
    labels=AccessChangeStatus,
)
_REJECT = Transitions(
    {AccessChangeStatus.PENDING: {AccessChangeStatus.REJECTED}},
    action="access.reject",
    changed_at="decided_at",
    labels=AccessChangeStatus,
)
_CANCEL = Transitions(
    {AccessChangeStatus.PENDING: {AccessChangeStatus.CANCELLED}},
    action="access.cancel",
    changed_at="decided_at",
    labels=AccessChangeStatus,
)


def _decide(change: AccessChange, acting_user: User, table: Transitions, to: str) -> None:
    transition(
        change,
        to=to,
        table=table,
        acting_user=acting_user,
        updates={"decided_by": acting_user},
        details=_details(change),
        region=change.user.region,
    )


def _decidable(acting_user: User, change: AccessChange) -> AccessChange:
    """The change, locked, if `acting_user` may decide it now; else the refusal."""
    # the role, and that `acting_user` neither asked for it nor is the one it is for (On.NOT_OWN)
    require(acting_user, policies.DECIDE_ACCESS_CHANGE, change)
    locked = AccessChange.objects.select_for_update().select_related("user").get(pk=change.pk)
    if locked.status != AccessChangeStatus.PENDING:
        raise Conflict(_("This change has already been decided or withdrawn. Reload the page."))
    return locked


@service
def access_change_approve(*, acting_user: User, change: AccessChange) -> AccessChange:
    """A second person approves: the account gets the new values now, if it still has the old."""
    locked = _decidable(acting_user, change)
    user = User.objects.select_for_update().get(pk=locked.user_id)
    now_values = _current(user)
    if locked.old_facilities is not None:
        now_values["facility_ids"] = facility_ids_of(user)
    if locked.old_partner_organisations is not None:
        now_values["partner_organisation_ids"] = partner_organisation_ids_of(user)
    old = locked.values("old")
    if now_values != old:
        raise Conflict(
            _(
                "The account changed since this was asked for: reject it and ask again with its "
                "present values."
            )
        )
    user.role = locked.new_role
    user.region = locked.new_region
    user.is_active = locked.new_is_active
    user.full_clean(exclude=["password"])
    user.save(update_fields=["role", "region", "is_active", "updated_at"])
    if locked.new_facilities is not None:
        hooks = facility_hooks()
        if hooks is not None:
            hooks.facilities_set(user, locked.new_facilities)
    if locked.new_partner_organisations is not None:
        partners = partner_hooks()
        if partners is not None:
            partners.partner_organisations_set(user, locked.new_partner_organisations)
    _decide(locked, acting_user, _APPROVE, AccessChangeStatus.APPROVED)
    return locked


@service
def access_change_reject(*, acting_user: User, change: AccessChange) -> AccessChange:
    """A second person rejects: nothing of the account changes."""
    locked = _decidable(acting_user, change)
    _decide(locked, acting_user, _REJECT, AccessChangeStatus.REJECTED)
    return locked


@service
def access_change_cancel(*, acting_user: User, change: AccessChange) -> AccessChange:
    """The administrator who asked withdraws the change while it waits."""
    require(acting_user, policies.CANCEL_ACCESS_CHANGE, change)  # On.OWN: the one who asked
    locked = AccessChange.objects.select_for_update().select_related("user").get(pk=change.pk)
    if locked.status != AccessChangeStatus.PENDING:
        raise Conflict(_("This change has already been decided or withdrawn. Reload the page."))
    _decide(locked, acting_user, _CANCEL, AccessChangeStatus.CANCELLED)
    return locked
