"""Referrals to partner organisations, their answers, and who belongs to a partner."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.core.models import AccessChange, User
from qorgau.core.permissions import require, service
from qorgau.core.services import access_change_request, audit_append
from qorgau.core.transitions import transition
from qorgau.prevention import policies
from qorgau.prevention.enums import REFERRAL_TRANSITIONS, ReferralKind
from qorgau.prevention.models import (
    PartnerFeedback,
    PartnerMember,
    PartnerOrganisation,
    PartnerReferral,
)
from qorgau.prevention.services._common import NOTE_MAX, PreventionRefused, _refuse_validation


def _clean_note(note: str) -> str:
    note = (note or "").strip()
    if not note:
        raise PreventionRefused(errors={"note": [_("Write a note for the partner.")]})
    if len(note) > NOTE_MAX:
        raise PreventionRefused(
            errors={
                "note": [_("This is too long: at most %(max)d characters.") % {"max": NOTE_MAX}]
            }
        )
    return note


def _create_referral(
    *, acting_user: User, organisation: PartnerOrganisation, **fields: Any
) -> PartnerReferral:
    if not organisation.is_active:
        raise PreventionRefused(
            errors={"organisation": [_("This partner does not receive referrals now.")]}
        )
    referral = PartnerReferral(
        organisation=organisation,
        created_by=acting_user,
        status_changed_at=timezone.now(),
        **fields,
    )
    try:
        referral.full_clean()
    except ValidationError as exc:
        raise _refuse_validation(exc) from exc
    try:
        with transaction.atomic():
            referral.save(force_insert=True)
    except IntegrityError as exc:
        raise PreventionRefused(_("This was already referred to this partner.")) from exc
    audit_append(
        actor=acting_user,
        action="partner_referral.create",
        obj=referral,
        region=referral.region,
        details={
            "organisation": organisation.pk,
            "kind": referral.kind,
            "report": referral.report.public_id if referral.report else None,
            "case": referral.case.public_id if referral.case else None,
        },
    )
    return referral


@service
def partner_referral_from_report(
    *, acting_user: User, report: Any, organisation: PartnerOrganisation, note: str
) -> PartnerReferral:
    """An analyst (or the chief) refers a report to a partner with a note written for them; the
    partner sees the category, the region, the date and the note, never the report itself."""
    require(acting_user, policies.REFER_REPORT_TO_PARTNER, report)
    return _create_referral(
        acting_user=acting_user,
        organisation=organisation,
        kind=ReferralKind.REPORT,
        report=report,
        region=report.region,
        category=report.category,
        note=_clean_note(note),
    )


@service
def partner_referral_from_case(
    *, acting_user: User, case: Any, organisation: PartnerOrganisation, note: str
) -> PartnerReferral:
    """A prosecutor or the chief refers a case (say, for the child's support) to a partner."""
    require(acting_user, policies.REFER_CASE_TO_PARTNER, case)
    return _create_referral(
        acting_user=acting_user,
        organisation=organisation,
        kind=ReferralKind.CASE,
        case=case,
        region=case.region,
        category="",
        note=_clean_note(note),
    )


@service
def partner_referral_respond(
    *, acting_user: User, referral: PartnerReferral, status: str = "", text: str = ""
) -> PartnerFeedback:
    """The partner answers a referral sent to their organisation: a new status and/or a text."""
    require(acting_user, policies.RESPOND_TO_REFERRAL, referral)
    text = (text or "").strip()
    if len(text) > NOTE_MAX:
        raise PreventionRefused(
            errors={
                "text": [_("This is too long: at most %(max)d characters.") % {"max": NOTE_MAX}]
            }
        )
    old = referral.status
    status = status if status and status != old else ""
    if status and not REFERRAL_TRANSITIONS.allows(old, status):
        labels = {
            "from": REFERRAL_TRANSITIONS.label(old),
            "to": REFERRAL_TRANSITIONS.label(status)[:20],
        }
        raise PreventionRefused(
            errors={"status": [_("A referral cannot go from “%(from)s” to “%(to)s”.") % labels]}
        )
    if not status and not text:
        raise PreventionRefused(errors={"text": [_("Write your answer or choose a new status.")]})
    if status:
        transition(
            referral,
            to=status,
            table=REFERRAL_TRANSITIONS,
            acting_user=acting_user,
            details={"text": bool(text)},
        )
    else:
        audit_append(
            actor=acting_user,
            action=REFERRAL_TRANSITIONS.action,
            obj=referral,
            region=referral.region,
            details={"from": old, "to": old, "text": True},
        )
    return PartnerFeedback.objects.create(
        referral=referral,
        created_at=timezone.now(),
        author=acting_user,
        from_status=old if status else "",
        to_status=status,
        text=text or None,
    )


@service
def partner_member_set(
    *, acting_user: User | None, user: User, organisation: PartnerOrganisation
) -> PartnerMember | AccessChange:
    """Link a partner user to their organisation. The system (demo data, commands) links them at
    once; an administrator's link is a change of access that waits for a second person (four eyes:
    the pending `AccessChange` is returned, applied by `core.services.access_change_approve`)."""
    require(acting_user, policies.SET_PARTNER_MEMBER)
    if not policies.may_belong_to_partner(user):
        raise PreventionRefused(_("Only users with the partner role belong to a partner."))
    if acting_user is not None:
        return access_change_request(
            acting_user=acting_user,
            user=user,
            role=user.role,
            region=user.region,
            is_active=user.is_active,
            partner_organisation_ids=[organisation.pk],
        )
    member, _created = PartnerMember.objects.update_or_create(
        user=user, defaults={"organisation": organisation}
    )
    audit_append(
        actor=acting_user,
        action="partner_member.set",
        obj=member,
        details={"user": user.pk, "organisation": organisation.pk},
    )
    return member
