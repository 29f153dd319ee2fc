"""Tags that bring the prevention app's reads into other apps' templates (no logic here: each calls
one selector)."""

from __future__ import annotations

from typing import Any

from django import template

from qorgau.core.permissions import may
from qorgau.prevention import policies, selectors
from qorgau.prevention.forms import PartnerReferralForm

register = template.Library()


@register.simple_tag
def guidance_links() -> list:
    """The published guidance pages, in the page's language: for /help/."""
    return selectors.guidance_list_published()


@register.simple_tag
def guidance_for_category(category: str) -> list:
    """The guidance pages that go with what was reported: for the advice after a report."""
    return selectors.guidance_for_category(category=category)


@register.simple_tag
def partner_referral_box(user: Any, source: Any, kind: str = "report") -> dict[str, Any] | None:
    """What the "refer to a partner" box on a report or case page needs, or None when the user may
    not refer this report or case (the box is then not shown)."""
    policy = (
        policies.REFER_REPORT_TO_PARTNER if kind == "report" else policies.REFER_CASE_TO_PARTNER
    )
    if user is None or not may(user, policy, source):
        return None
    organisations = list(selectors.partner_organisation_list())
    referrals = (
        selectors.partner_referrals_for_report(user=user, report=source)
        if kind == "report"
        else selectors.partner_referrals_for_case(user=user, case=source)
    )
    return {
        "form": PartnerReferralForm(organisations=organisations, auto_id=f"id_partner_{kind}_%s"),
        "has_partners": bool(organisations),
        "referrals": list(referrals),
    }
