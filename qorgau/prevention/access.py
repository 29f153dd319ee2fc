"""What core's four eyes on access asks of the prevention app: the partner organisation a partner
user belongs to.

A partner user sees the referrals sent to their organisation, so being added to one is a change of
access like a role: it is asked for in /admin/ (the organisation's members, or a partner member) and
applied by `core.services.access_change_approve` through these functions (core may not import
prevention). A partner user belongs to one organisation at most: the lists have 0 or 1 id.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from qorgau.core.errors import Conflict
from qorgau.core.models import User
from qorgau.prevention import policies
from qorgau.prevention.models import PartnerMember, PartnerOrganisation


def belongs_to_partners(role: str) -> bool:
    """Whether an account of `role` may be asked into a partner organisation (partner users)."""
    return role == policies.PARTNER_MEMBER_ROLE


def partner_organisation_ids_of(user: User) -> list[int]:
    """The ids of the partner organisations `user` belongs to (none or one)."""
    return sorted(PartnerMember.objects.filter(user=user).values_list("organisation_id", flat=True))


def partner_organisations_set(user: User, ids: list[int]) -> None:
    """Make `user` belong to exactly these organisations (called by the approval, in its
    transaction; core refused more than one when it was asked)."""
    if not ids:
        PartnerMember.objects.filter(user=user).delete()
        return
    if not PartnerOrganisation.objects.filter(pk=ids[0]).exists():
        raise Conflict(
            _("The partner organisation asked for no longer exists: reject this change.")
        )
    PartnerMember.objects.update_or_create(user=user, defaults={"organisation_id": ids[0]})


def partner_organisation_choices() -> QuerySet[PartnerOrganisation]:
    """The partner organisations a partner user may be asked into."""
    return PartnerOrganisation.objects.all()
