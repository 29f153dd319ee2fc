"""The prevention app's part of `manage.py tick`: referrals to partners left unanswered."""

from __future__ import annotations

from qorgau.prevention.services.due import unanswered_referral_alerts


def run() -> list[str]:
    return [f"{unanswered_referral_alerts()} unanswered referrals to partners alerted"]
