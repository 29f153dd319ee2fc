"""The Red Button's part of `manage.py tick`."""

from __future__ import annotations

from qorgau.intake.notifications import deadline_alerts
from qorgau.intake.services import purge_expired_reports


def run() -> list[str]:
    purged = purge_expired_reports()
    late = deadline_alerts()
    return [
        f"{late} reports past their deadline alerted",
        f"{purged} unfounded reports purged after their retention period",
    ]
