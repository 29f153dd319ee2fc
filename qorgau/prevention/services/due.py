"""What falls due in prevention, alerted by `tick`: a referral to a partner still "sent" with no
answer at all after QORGAU_REFERRAL_ANSWER_DAYS tells, once, whoever sent it and the region's
chief."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from django.conf import settings
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from qorgau.core.alerts import alerted, raise_alert
from qorgau.core.models import User
from qorgau.prevention import policies
from qorgau.prevention.alerts import REFERRAL_UNANSWERED_KIND
from qorgau.prevention.enums import ReferralKind, ReferralStatus
from qorgau.prevention.models import PartnerFeedback, PartnerReferral

BATCH = 500


# The system's periodic work: no policy to require, nothing audited.
def unanswered_referral_alerts(*, now: datetime | None = None) -> int:
    """Raise the alerts of referrals unanswered for QORGAU_REFERRAL_ANSWER_DAYS not raised yet.
    Returns how many were raised."""
    now = now or timezone.now()
    days = settings.QORGAU_REFERRAL_ANSWER_DAYS
    answered = PartnerFeedback.objects.filter(referral_id=OuterRef("pk"))
    rows = list(
        PartnerReferral.objects.filter(
            status=ReferralStatus.SENT, created_at__lte=now - timedelta(days=days)
        )
        .exclude(Exists(answered))
        .exclude(alerted(REFERRAL_UNANSWERED_KIND))
        .order_by("created_at", "pk")
        .values_list(
            "pk", "public_id", "kind", "case__public_id", "region_id", "created_at", "created_by_id"
        )[:BATCH]
    )
    if not rows:
        return 0
    chiefs: dict[int, list[int]] = defaultdict(list)
    for pk, region_id in User.objects.filter(
        is_active=True,
        role__in=list(policies.REFERRAL_UNANSWERED_ALERTED_ROLES),
        region_id__in={r[4] for r in rows if r[4]},
    ).values_list("pk", "region_id"):
        chiefs[region_id].append(pk)
    for pk, public_id, kind, case_id, region_id, sent_at, referrer in rows:
        # where it is dealt with: a case's referral from the case (its prosecutor sees that page)
        url = (
            reverse("cases:detail", args=[case_id])
            if kind == ReferralKind.CASE and case_id
            else reverse("prevention:referral_detail", args=[public_id])
        )
        raise_alert(
            kind=REFERRAL_UNANSWERED_KIND,
            object_ref=str(pk),
            recipients=[referrer, *chiefs.get(region_id or 0, [])],
            url=url,
            params={
                "referral": public_id,
                "sent_on": timezone.localdate(sent_at).isoformat(),
                "days": (now - sent_at).days,
            },
            region=region_id,
        )
    return len(rows)
