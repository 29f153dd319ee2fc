"""Services of the test app, written the way the domain apps write theirs."""

from __future__ import annotations

from typing import Any

from qorgau.core.enums import Role
from qorgau.core.permissions import On, Policy, require, service
from qorgau.core.services import audit_append
from qorgau.core.transitions import Transitions, transition
from tests.testapp.models import Dossier

EDIT_DOSSIER = Policy(
    "testapp.edit_dossier",
    {Role.ANALYST: On.OWN_REGION, Role.REGIONAL_CHIEF: On.OWN_REGION, Role.PROSECUTOR: On.OWN},
    message="Only the region's staff edit a dossier.",
)
READ_DOSSIER = Policy(
    "testapp.read_dossier", {Role.CENTRAL_OFFICE: On.VISIBLE, Role.ANALYST: On.VISIBLE}
)
CREATE_DOSSIER = Policy("testapp.create_dossier", {Role.ANALYST}, system=False)

DOSSIER_STATUS = Transitions(
    {"open": {"closed"}, "closed": {"open"}},
    action="dossier.status",
    changed_at="status_changed_at",
)


@service
def dossier_rename(*, acting_user: Any, dossier: Dossier, title: str) -> Dossier:
    require(acting_user, EDIT_DOSSIER, dossier)
    Dossier.objects.filter(pk=dossier.pk).update(title=title)
    audit_append(actor=acting_user, action="dossier.rename", obj=dossier, region=dossier.region)
    return dossier


@service
def dossier_rename_twice(*, acting_user: Any, dossier: Dossier, title: str) -> Dossier:
    """Writes first, then calls a service that refuses: the write must not remain."""
    Dossier.objects.filter(pk=dossier.pk).update(title="half-done")
    return dossier_rename(acting_user=acting_user, dossier=dossier, title=title)


@service
def dossier_forget_audit(*, dossier: Dossier) -> None:
    Dossier.objects.filter(pk=dossier.pk).update(title="unaudited")


@service
def dossier_close(*, acting_user: Any, dossier: Dossier) -> Dossier:
    require(acting_user, EDIT_DOSSIER, dossier)
    return transition(dossier, to="closed", table=DOSSIER_STATUS, acting_user=acting_user)
