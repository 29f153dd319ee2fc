"""The cases app's part of `manage.py tick`: handover deadlines, overdue proposals, the chief's
queue, handovers near their deadline, the weekly staffing gap."""

from __future__ import annotations

from qorgau.cases.due import handover_due_soon_alerts, staffing_gap_alerts
from qorgau.cases.services import handover_tick


def run() -> list[str]:
    stats = handover_tick()
    return [
        f"{stats.deadlines_set} handover deadlines set, {stats.done} handovers finished, "
        f"{stats.proposed} proposed for reassignment, {stats.reassigned} reassigned, "
        f"{stats.assigned_from_queue} assigned from the chiefs' queues",
        f"{handover_due_soon_alerts()} handovers near their deadline alerted, "
        f"{staffing_gap_alerts()} regions short of prosecutors alerted",
    ]
