"""The offenders app's part of `manage.py tick`: release planning, the meeting calendar, missed
meetings, examinations and risk reassessments overdue."""

from __future__ import annotations

from qorgau.offenders.services import supervision_tick
from qorgau.offenders.services.due import clinical_overdue_alerts


def run() -> list[str]:
    stats = supervision_tick()
    exams, reassessments = clinical_overdue_alerts()
    return [
        f"{stats.drafted} supervision plans drafted, {stats.scheduled} meetings scheduled, "
        f"{stats.alerted} missed meetings alerted",
        f"{exams} overdue examinations and {reassessments} overdue risk reassessments alerted",
    ]
