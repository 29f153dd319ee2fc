"""Pre-aggregated counts, spike detection, regional notes."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from qorgau.analytics import selectors, services
from qorgau.analytics.models import DailyCount, SpikeAlert
from qorgau.core.models import Notification
from qorgau.intake import services as intake
from qorgau.intake.enums import Source
from qorgau.intake.models import Report

pytestmark = pytest.mark.django_db


def submit(region="KZ-75", category="grooming", when=None, narrative="Synthetic"):
    report = intake.report_submit(
        draft=intake.ReportDraft(category=category, narrative=narrative, region_code=region),
        submitter=intake.Submitter(source=Source.WEB),
    ).report
    if when is not None:
        Report.objects.filter(pk=report.pk).update(created_at=when)
    return report


def test_daily_counts_match_the_reports_and_refilling_is_idempotent(central):
    submit()
    submit(category="abuse")
    submit(region=None, category="other")
    services.fill_report_counts()
    services.fill_report_counts()
    today = timezone.localdate()
    assert DailyCount.objects.get(day=today, region_code="KZ-75", key="all").value == 2
    assert DailyCount.objects.get(day=today, region_code="", key="all").value == 1
    figures = selectors.summary(
        scope=selectors.scope_for(user=central, year=today.year, region_code=None)
    )
    assert figures["reports"] == 3 and figures["reports_by_category"]["abuse"] == 1


def test_median_time_to_first_action_comes_from_the_buckets(analyst, central):
    report = submit(narrative="Он сказал, что завтра встретит её после школы.")
    Report.objects.filter(pk=report.pk).update(
        first_action_at=report.created_at + timedelta(minutes=20)
    )
    services.fill_report_counts()
    figures = selectors.summary(
        scope=selectors.scope_for(user=central, year=timezone.localdate().year, region_code=None)
    )
    assert figures["median_minutes_to_first_action"]["P1"] == 30


def test_a_spike_against_the_regions_baseline_alerts_the_central_office(central):
    today = timezone.localdate()
    last_monday = today - timedelta(days=today.weekday() + 7)
    for week in range(1, 9):
        for n in range(2):
            submit(
                when=timezone.make_aware(
                    timezone.datetime.combine(
                        last_monday - timedelta(weeks=week, days=-n), timezone.datetime.min.time()
                    )
                )
            )
    for n in range(14):
        submit(
            when=timezone.make_aware(
                timezone.datetime.combine(
                    last_monday + timedelta(days=n % 7), timezone.datetime.min.time()
                )
            )
        )
    services.fill_report_counts(since=last_monday - timedelta(weeks=10))
    made = services.detect_spikes(today=today)
    assert [(a.region.code, a.count) for a in made] == [("KZ-75", 14)]
    assert made[0].baseline == 2 and made[0].p_value < 0.01
    assert services.detect_spikes(today=today) == []  # once per region and week
    assert Notification.objects.filter(user=central, kind="spike").exists()


def test_no_spike_without_a_significant_rise(central):
    today = timezone.localdate()
    last_monday = today - timedelta(days=today.weekday() + 7)
    for week in range(0, 9):
        for n in range(3):
            submit(
                when=timezone.make_aware(
                    timezone.datetime.combine(
                        last_monday - timedelta(weeks=week, days=-n), timezone.datetime.min.time()
                    )
                )
            )
    services.fill_report_counts(since=last_monday - timedelta(weeks=10))
    assert services.detect_spikes(today=today) == [] and not SpikeAlert.objects.exists()


def test_poisson_tail():
    assert services.poisson_upper_tail(0, 3) == 1.0
    assert abs(services.poisson_upper_tail(1, 2) - (1 - 0.1353352832)) < 1e-9


def test_only_a_chief_writes_the_regions_note_and_missing_ones_are_listed(chief, central):
    from qorgau.analytics.models import RegionalNote
    from qorgau.core.errors import PermissionRefused
    from qorgau.core.models import AuditEntry

    with pytest.raises(
        PermissionRefused, match=r"Only a regional chief writes the region.s note\."
    ):
        services.note_save(acting_user=central, month=date.today(), text="x")
    assert not RegionalNote.objects.exists()
    assert AuditEntry.objects.order_by("-seq").first().details == {
        "policy": "analytics.write_note",
        "reason": "role",
    }
    services.note_save(
        acting_user=chief, month=date(2026, 11, 20), text="Two schools asked for trainings."
    )
    missing = selectors.regions_missing_note(user=central, today=date(2026, 11, 6))
    assert chief.region not in missing and len(missing) == 19
    assert selectors.regions_missing_note(user=central, today=date(2026, 11, 5)) == []
    # a chief is shown their own note, not the list of the regions without one
    assert selectors.regions_missing_note(user=chief, today=date(2026, 11, 6)) == []
