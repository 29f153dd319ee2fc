"""Issue 19, part 5: a spike alert reads in words (the region's name), never as the code `spike`."""

from datetime import timedelta

import pytest
from django.utils import timezone

from qorgau.analytics import services
from qorgau.core.alerts import texts
from qorgau.core.models import Alert, Notification
from tests.analytics.test_services import submit

pytestmark = pytest.mark.django_db


def at(day):
    return timezone.make_aware(timezone.datetime.combine(day, timezone.datetime.min.time()))


def last_week_above_its_baseline(count: int):
    """Two reports a week for eight weeks, then `count` last week, counted; returns today."""
    today = timezone.localdate()
    last_monday = today - timedelta(days=today.weekday() + 7)
    for week in range(1, 9):
        for n in range(2):
            submit(when=at(last_monday - timedelta(weeks=week, days=-n)))
    for n in range(count):
        submit(when=at(last_monday + timedelta(days=n % 7)))
    services.fill_report_counts(since=last_monday - timedelta(weeks=10))
    return today


def test_a_spike_alert_names_the_region_and_the_counts_in_words(central, chief):
    today = last_week_above_its_baseline(14)
    services.detect_spikes(today=today)
    services.detect_spikes(today=today)
    alert = Alert.objects.get(kind="spike")
    assert list(Notification.objects.filter(alert=alert).values_list("user", flat=True)) == [
        central.pk
    ]
    assert set(alert.params) <= {"region", "week_on", "count", "baseline"}
    for language in ("en", "kk", "ru"):
        title, body = texts(alert.kind, alert.params, language=language)
        assert "spike" not in title.lower() and "KZ-75" not in title and "%(" not in title
        assert "14" in body and "KZ-75" not in body
    title, _body = texts(alert.kind, alert.params, language="en")
    assert title.startswith("Unusually many reports in Almaty")
