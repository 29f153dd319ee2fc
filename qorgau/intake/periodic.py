"""The Red Button's part of `manage.py tick`."""

from __future__ import annotations

from qorgau.intake import known_material
from qorgau.intake.fingerprints import fingerprint_stale
from qorgau.intake.notifications import deadline_alerts
from qorgau.intake.services import purge_expired_reports


def run() -> list[str]:
    purged = purge_expired_reports()
    late = deadline_alerts()
    queued = fingerprint_stale()
    matched = known_material.rematch()
    return [
        f"{late} reports past their deadline alerted",
        f"{purged} unfounded reports purged after their retention period",
        f"{queued} evidence files queued again to be fingerprinted",
        f"{matched} stored files matched against new hash-list versions",
    ]
