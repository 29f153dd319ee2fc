"""The cases app's part of `manage.py tick`: handover deadlines, overdue proposals, the chief's queue."""

from __future__ import annotations

from qorgau.cases.services import handover_tick


def run() -> list[str]:
    stats = handover_tick()
    return [
        f"{stats.deadlines_set} handover deadlines set, {stats.done} handovers finished, "
        f"{stats.proposed} proposed for reassignment, {stats.reassigned} reassigned, "
        f"{stats.assigned_from_queue} assigned from the chiefs' queues"
    ]
