"""Demo data of the national picture: a spike in one region, counts filled, a chief's note."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.utils import timezone

from qorgau.analytics import services
from qorgau.analytics.models import SpikeAlert
from qorgau.core.models import User
from qorgau.intake import services as intake
from qorgau.intake.enums import Category, Source
from qorgau.intake.models import Report

SPIKE_REGION = "KZ-19"  # Almaty Region


def _report(rng: random.Random, when: datetime) -> None:
    report = intake.report_submit(
        draft=intake.ReportDraft(
            category=rng.choice(list(Category)),
            narrative="[DEMO] Synthetic report for the national picture.",
            region_code=SPIKE_REGION,
            language="ru",
        ),
        submitter=intake.Submitter(source=Source.WEB),
    ).report
    Report.objects.filter(pk=report.pk).update(created_at=when)


def seed(*, rng: random.Random) -> list[str]:
    if SpikeAlert.objects.exists():
        return []
    today = timezone.localdate()
    last_monday = today - timedelta(days=today.weekday() + 7)
    # eight quiet weeks, then a week with many more reports
    for week in range(1, 9):
        for _n in range(rng.randint(1, 3)):
            day = last_monday - timedelta(weeks=week) + timedelta(days=rng.randint(0, 6))
            _report(rng, timezone.make_aware(datetime.combine(day, time(rng.randint(8, 20), 0))))
    for n in range(16):
        day = last_monday + timedelta(days=n % 7)
        _report(rng, timezone.make_aware(datetime.combine(day, time(10 + n % 8, 0))))
    services.fill_report_counts(since=last_monday - timedelta(weeks=12))
    spikes = services.detect_spikes(today=today)
    chief = User.objects.filter(username="chief").first()
    if chief is not None:
        services.note_save(
            acting_user=chief,
            month=today,
            text="[DEMO] Reports rose after the school talks in October; we need a second female prosecutor.",
        )
    return [f"# national picture: {len(spikes)} demo spike alert(s) in {SPIKE_REGION}"]
