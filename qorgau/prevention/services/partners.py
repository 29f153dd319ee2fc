"""Referrals to partner organisations, their answers, and who belongs to a partner."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.core.enums import Role
from qorgau.core.models import User
from qorgau.core.services import audit_append
from qorgau.prevention.enums import REFERRAL_TRANSITIONS, ReferralKind, ReferralStatus
from qorgau.prevention.models import (
    PartnerFeedback,
    PartnerMember,
    PartnerOrganisation,
    PartnerReferral,
)
from qorgau.prevention.services._common import NOTE_MAX, PreventionRefused, _refuse_validation

REFER_FROM_REPORT = {Role.ANALYST, Role.REGIONAL_CHIEF}
REFER_FROM_CASE = {Role.PROSECUTOR, Role.REGIONAL_CHIEF}


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
            "report": referral.report.public_id if referral.report_id else None,
            "case": referral.case.public_id if referral.case_id else None,
        },
    )
    return referral


@transaction.atomic
def partner_referral_from_report(
    *, acting_user: User, report: Any, organisation: PartnerOrganisation, note: str
) -> PartnerReferral:
    """An analyst (or the chief) refers a report to a partner with a note written for them; the
    partner sees the category, the region, the date and the note, never the report itself."""
    if acting_user.role not in REFER_FROM_REPORT:
        raise PreventionRefused(_("Your role does not refer reports to partners."))
    return _create_referral(
        acting_user=acting_user,
        organisation=organisation,
        kind=ReferralKind.REPORT,
        report=report,
        region=report.region,
        category=report.category,
        note=_clean_note(note),
    )


@transaction.atomic
def partner_referral_from_case(
    *, acting_user: User, case: Any, organisation: PartnerOrganisation, note: str
) -> PartnerReferral:
    """A prosecutor or the chief refers a case (say, for the child's support) to a partner."""
    if acting_user.role not in REFER_FROM_CASE:
        raise PreventionRefused(_("Your role does not refer cases to partners."))
    return _create_referral(
        acting_user=acting_user,
        organisation=organisation,
        kind=ReferralKind.CASE,
        case=case,
        region=case.region,
        category="",
        note=_clean_note(note),
    )


@transaction.atomic
def partner_referral_respond(
    *, acting_user: User, referral: PartnerReferral, status: str = "", text: str = ""
) -> PartnerFeedback:
    """The partner answers a referral sent to their organisation: a new status and/or a text."""
    member = PartnerMember.objects.filter(user=acting_user).first()
    if member is None or member.organisation_id != referral.organisation_id:
        raise PreventionRefused(_("Only the partner the referral was sent to answers it."))
    text = (text or "").strip()
    if len(text) > NOTE_MAX:
        raise PreventionRefused(
            errors={
                "text": [_("This is too long: at most %(max)d characters.") % {"max": NOTE_MAX}]
            }
        )
    old = referral.status
    status = status if status and status != old else ""
    if status:
        if status not in REFERRAL_TRANSITIONS.get(old, set()):
            labels = (
                {"from": ReferralStatus(old).label, "to": ReferralStatus(status).label}
                if (status in ReferralStatus.values)
                else {"from": ReferralStatus(old).label, "to": status[:20]}
            )
            raise PreventionRefused(
                errors={"status": [_("A referral cannot go from “%(from)s” to “%(to)s”.") % labels]}
            )
        now = timezone.now()
        if not PartnerReferral.objects.filter(pk=referral.pk, status=old).update(
            status=status, status_changed_at=now, updated_at=now
        ):
            raise PreventionRefused(
                _("Someone else changed this referral meanwhile. Reload the page.")
            )
        referral.status, referral.status_changed_at = status, now
    elif not text:
        raise PreventionRefused(errors={"text": [_("Write your answer or choose a new status.")]})
    feedback = PartnerFeedback.objects.create(
        referral=referral,
        created_at=timezone.now(),
        author=acting_user,
        from_status=old if status else "",
        to_status=status,
        text=text or None,
    )
    audit_append(
        actor=acting_user,
        action="partner_referral.respond",
        obj=referral,
        region=referral.region,
        details={"from": old, "to": status or old, "text": bool(text)},
    )
    return feedback


@transaction.atomic
def partner_member_set(
    *, acting_user: User | None, user: User, organisation: PartnerOrganisation
) -> PartnerMember:
    """Link a partner user to their organisation (administrators do it in the admin)."""
    if user.role != Role.PARTNER:
        raise PreventionRefused(_("Only users with the partner role belong to a partner."))
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
