"""The national picture's background work."""

from __future__ import annotations

from qorgau.analytics.services import detect_spikes, fill_report_counts
from qorgau.core.tasks import retried_task


@retried_task()
def refresh_figures() -> dict[str, int]:
    """Daily counts up to today, then spike detection (what `tick` does for analytics)."""
    rows = fill_report_counts()
    return {"daily_counts": rows, "spike_alerts": len(detect_spikes())}
