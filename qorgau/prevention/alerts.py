"""Prevention's alert kinds: a referral to a partner left unanswered."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from qorgau.core.alerts import AlertKind, register

REFERRAL_UNANSWERED_KIND = "referral_unanswered"

register(
    AlertKind(
        REFERRAL_UNANSWERED_KIND,
        title=_("Referral %(referral)s unanswered"),
        body=_(
            "The partner has not answered referral %(referral)s, sent on %(sent_on)s, for "
            "%(days)s days. Ask them, or refer elsewhere."
        ),
    ),
)
