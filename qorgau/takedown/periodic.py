"""The takedown app's part of `manage.py tick`: requests to platforms past their deadline."""

from __future__ import annotations

from qorgau.takedown.due import takedown_overdue_alerts


def run() -> list[str]:
    return [f"{takedown_overdue_alerts()} overdue requests to platforms alerted"]
