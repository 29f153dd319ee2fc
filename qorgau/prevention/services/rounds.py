"""School safeguarding rounds: planned, recorded as done, and their referrals to the Red Button."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.core.models import User
from qorgau.core.permissions import require, service
from qorgau.core.services import audit_append
from qorgau.core.transitions import transition
from qorgau.prevention import policies
from qorgau.prevention.enums import ROUND_TRANSITIONS, GuidanceLanguage, RoundStatus
from qorgau.prevention.models import RoundReferral, SafeguardingRound, School, school_year_label
from qorgau.prevention.services._common import PreventionRefused, _refuse_validation, _text
from qorgau.prevention.services.schools import school_year_bounds, school_year_of


@service
def round_plan(
    *,
    acting_user: User | None,
    school: School,
    planned_on: date,
    school_year: int | None = None,
) -> SafeguardingRound:
    """Plan the school's round of a school year: one per school and year."""
    require(acting_user, policies.PLAN_ROUND, school)
    year = school_year if school_year is not None else school_year_of(planned_on)
    start, end = school_year_bounds(year)
    if not start <= planned_on <= end:
        raise PreventionRefused(
            errors={
                "planned_on": [
                    _("The date is outside the school year %(year)s.")
                    % {"year": school_year_label(year)}
                ]
            }
        )
    round_ = SafeguardingRound(
        school=school,
        school_year=year,
        planned_on=planned_on,
        created_by=acting_user,
    )
    duplicate = _("%(school)s already has a round in the school year %(year)s.") % {
        "school": school.name,
        "year": school_year_label(year),
    }
    try:
        round_.full_clean()
    except ValidationError as exc:
        if SafeguardingRound.objects.filter(school=school, school_year=year).exists():
            raise PreventionRefused(errors={"school": [duplicate]}) from exc
        raise _refuse_validation(exc) from exc
    try:
        with transaction.atomic():
            round_.save(force_insert=True)
    except IntegrityError as exc:  # planned at the same moment by someone else
        raise PreventionRefused(errors={"school": [duplicate]}) from exc
    audit_append(
        actor=acting_user,
        action="round.plan",
        obj=round_,
        region=school.region,
        details={"school": school.pk, "year": year},
    )
    return round_


@service
def round_record_done(
    *,
    acting_user: User | None,
    round_: SafeguardingRound,
    done_on: date,
    conducted_by: str,
    pupils_seen: int,
    concerns_raised: int,
) -> SafeguardingRound:
    """Record the round as done, with counts only: who did it, pupils seen, concerns raised."""
    require(acting_user, policies.RECORD_ROUND, round_)
    school = round_.school
    if not ROUND_TRANSITIONS.allows(round_.status, RoundStatus.DONE):
        raise PreventionRefused(_("This round is already recorded as done."), conflict=True)
    errors: dict[str, list[str]] = {}
    conducted_by = _text(conducted_by)
    if not conducted_by:
        errors["conducted_by"] = [_("Say who did the round.")]
    elif len(conducted_by) > 300:
        errors["conducted_by"] = [_("This is too long.")]
    if done_on > timezone.localdate():
        errors["done_on"] = [_("This date is in the future.")]
    start, end = school_year_bounds(round_.school_year)
    if not start <= done_on <= end:
        errors.setdefault("done_on", []).append(
            _("The date is outside the school year %(year)s.") % {"year": round_.school_year_label}
        )
    if pupils_seen is None or pupils_seen < 0:
        errors["pupils_seen"] = [_("Give the number of pupils seen.")]
    elif pupils_seen > school.pupils:
        errors["pupils_seen"] = [
            _("The school has %(pupils)d pupils: correct the number or the school's figure.")
            % {"pupils": school.pupils}
        ]
    if concerns_raised is None or concerns_raised < 0:
        errors["concerns_raised"] = [_("Give the number of concerns raised (0 if none).")]
    if errors:
        raise PreventionRefused(errors=errors)
    return transition(
        round_,
        to=RoundStatus.DONE,
        table=ROUND_TRANSITIONS,
        acting_user=acting_user,
        updates={
            "done_on": done_on,
            "conducted_by": conducted_by,
            "pupils_seen": pupils_seen,
            "concerns_raised": concerns_raised,
        },
        details={"pupils_seen": pupils_seen, "concerns_raised": concerns_raised},
        region=school.region,
    )


def round_refer(
    *,
    acting_user: User,
    round_: SafeguardingRound,
    category: str,
    narrative: str,
    child_age: int | None = None,
    language: str = "ru",
    nonce: str = "",
) -> RoundReferral:
    """A concern from a round becomes a Red Button report in the queue of the school's region
    (source "school"), and follows the same path as any report. Only the report is kept here.

    Not a `@service` (one transaction) on purpose: `report_submit` commits durably by itself; the
    link to the round is written in a second, small one. The same `nonce` (one per form) never
    makes two reports. A refusal is written to the audit log by `require` itself.
    """
    from qorgau.intake import services as intake

    require(acting_user, policies.REFER_FROM_ROUND, round_)
    school = round_.school
    if round_.status != RoundStatus.DONE:
        raise PreventionRefused(_("Record the round as done first, then its referrals."))
    narrative = (narrative or "").strip()
    if not narrative:
        raise PreventionRefused(
            errors={"narrative": [_("Say what the referral is about, in a few words at least.")]}
        )
    intro = _("Referral from the school safeguarding round %(year)s, %(school)s, %(place)s.") % {
        "year": round_.school_year_label,
        "school": school.name,
        "place": school.settlement,
    }
    draft = intake.ReportDraft(
        category=category,
        narrative=f"{intro}\n\n{narrative}",
        language=language if language in GuidanceLanguage.values else "ru",
        region_code=school.region.code,
        child_age=child_age,
        reporter_relation="teacher",
        anonymous=True,
        town=school.settlement,
        school=school.name,
    )
    key = f"prevention-round:{round_.public_id}:{nonce[:64]}" if nonce else ""
    try:
        submission = intake.report_submit(
            draft=draft,
            submitter=intake.Submitter(source="school", user=acting_user),
            idempotency_key=key,
        )
    except intake.ReportInvalid as exc:
        errors = {("child_age" if k == "child.age" else k): v for k, v in exc.errors.items()}
        raise PreventionRefused(errors=errors) from exc
    return _round_referral_link(acting_user=acting_user, round_=round_, report=submission.report)


# The same form sent again writes nothing (the first one wrote its "round.refer" entry).
@service(audit=False)
def _round_referral_link(
    *, acting_user: User, round_: SafeguardingRound, report: Any
) -> RoundReferral:
    referral, created = RoundReferral.objects.get_or_create(
        report=report, defaults={"round": round_, "created_by": acting_user}
    )
    if created:
        audit_append(
            actor=acting_user,
            action="round.refer",
            obj=round_,
            region=round_.school.region,
            details={"report": report.public_id},
        )
    return referral
