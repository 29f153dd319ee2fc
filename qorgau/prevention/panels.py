"""What the prevention app shows in other apps' pages (core/panels.py): the "refer to a partner" box
on the staff page of a report and on the page of a case."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from qorgau.core.panels import register_panel
from qorgau.core.permissions import Policy, may
from qorgau.prevention import selectors
from qorgau.prevention.forms import PartnerReferralForm
from qorgau.prevention.policies import REFER_CASE_TO_PARTNER, REFER_REPORT_TO_PARTNER


def _box(
    request: HttpRequest | None, source: Any, *, policy: Policy, kind: str
) -> dict[str, Any] | None:
    # A page never acts as the system: without a signed-in user the box is not shown.
    user = getattr(request, "user", None)
    if user is None or not may(user, policy, source):
        return None
    organisations = list(selectors.partner_organisation_list())
    if kind == "report":
        referrals = selectors.partner_referrals_for_report(user=user, report=source)
        action = reverse("prevention:report_to_partner", args=[source.public_id])
    else:
        referrals = selectors.partner_referrals_for_case(user=user, case=source)
        action = reverse("prevention:case_to_partner", args=[source.public_id])
    return {
        "box": {
            "form": PartnerReferralForm(
                organisations=organisations, auto_id=f"id_partner_{kind}_%s"
            ),
            "has_partners": bool(organisations),
            "referrals": list(referrals),
        },
        "action": action,
    }


def refer_report(request: HttpRequest | None, report: Any) -> dict[str, Any] | None:
    """The box on a report's page, for whoever may refer that report to a partner."""
    return _box(request, report, policy=REFER_REPORT_TO_PARTNER, kind="report")


def refer_case(request: HttpRequest | None, case: Any) -> dict[str, Any] | None:
    """The box on a case's page, for whoever may refer that case to a partner."""
    return _box(request, case, policy=REFER_CASE_TO_PARTNER, kind="case")


def register() -> None:
    register_panel(
        "report_detail",
        "prevention.refer_report",
        template="prevention/_partner_box.html",
        context=refer_report,
    )
    register_panel(
        "case_detail",
        "prevention.refer_case",
        template="prevention/_partner_box.html",
        context=refer_case,
    )
