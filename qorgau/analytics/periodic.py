"""The national picture's part of `manage.py tick`: daily counts up to today, and spike alerts."""

from __future__ import annotations

from qorgau.analytics.services import detect_spikes, fill_report_counts


def run() -> list[str]:
    rows = fill_report_counts()
    spikes = detect_spikes()
    return [f"{rows} daily counts refilled, {len(spikes)} new spike alerts"]
