"""What the prevention programme asks of a member of staff on "my work now" (core/work.py): the
planned school rounds past their date, today and this week (an education coordinator, a chief),
and the referrals sent to a partner and not answered yet. Each list is the rounds or referrals
page filtered to exactly it."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qorgau.core import work
from qorgau.core.models import User
from qorgau.core.permissions import in_roles
from qorgau.prevention import policies, selectors
from qorgau.prevention.enums import ReferralStatus
from qorgau.prevention.models import PartnerReferral, SafeguardingRound

ROUNDS = {
    work.OVERDUE: _("Planned school rounds past their date"),
    work.TODAY: _("School rounds today"),
    work.WEEK: _("School rounds this week"),
}


def _round(round_: SafeguardingRound) -> work.WorkItem:
    return work.WorkItem(
        title=gettext("Safeguarding round: %(school)s") % {"school": round_.school.name},
        url=reverse("prevention:round_detail", args=[round_.public_id]),
        due=round_.planned_on,
        kind="round",
    )


def _referral(referral: PartnerReferral) -> work.WorkItem:
    return work.WorkItem(
        title=gettext("Referral %(number)s: waiting for your answer")
        % {"number": referral.public_id},
        url=reverse("prevention:referral_detail", args=[referral.public_id]),
        kind="referral",
    )


def work_for(user: User, *, now: datetime) -> list[work.WorkList | None]:
    found: list[work.WorkList | None] = []
    if in_roles(user, policies.WORK_ON_ROUNDS):
        found += work.from_windows(
            counts=work.window_counts(
                selectors.round_calendar_for_user(user=user),
                {window: selectors.round_due_q(window) for window in ROUNDS},
            ),
            labels=ROUNDS,
            url=lambda window: f"{reverse('prevention:round_list')}?{urlencode({'due': window})}",
            listed=lambda window: selectors.round_list_for_user(user=user, due=window),
            item=_round,
        )
    if in_roles(user, policies.WORK_ON_REFERRALS):
        found.append(
            work.from_queryset(
                section=work.WAITING,
                label=_("Referrals waiting for your answer"),
                rows=selectors.partner_referral_list_for_user(
                    user=user, status=ReferralStatus.SENT
                ),
                url=f"{reverse('prevention:referral_list')}?"
                f"{urlencode({'status': ReferralStatus.SENT.value})}",
                item=_referral,
            )
        )
    return found
