"""The offenders app's part of `manage.py tick`: release planning, the meeting calendar, missed meetings."""

from __future__ import annotations

from qorgau.offenders.services import supervision_tick


def run() -> list[str]:
    stats = supervision_tick()
    return [
        f"{stats.drafted} supervision plans drafted, {stats.scheduled} meetings scheduled, "
        f"{stats.alerted} missed meetings alerted"
    ]
