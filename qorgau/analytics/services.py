"""Writes of the analytics app: pre-aggregated counts, spike alerts, regional notes."""

from __future__ import annotations

import math
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models.functions import TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.analytics import policies
from qorgau.analytics.alerts import SPIKE_KIND
from qorgau.analytics.models import DailyCount, FillState, RegionalNote, SpikeAlert
from qorgau.core.alerts import raise_alert
from qorgau.core.errors import ServiceError
from qorgau.core.models import Region, User
from qorgau.core.permissions import require, service
from qorgau.core.services import audit_append
from qorgau.intake.models import Report

REFILL_DAYS = 30  # reports change (first actions, breaches) for a while: refill this many days back
TTFA_BUCKETS = [15, 30, 60, 120, 240, 480, 1440, 2880, 4320, 10080, 20160, 43200]  # minutes


def ttfa_bucket(minutes: float) -> int:
    for bound in TTFA_BUCKETS:
        if minutes <= bound:
            return bound
    return 10**6


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime.combine(day, time.min))
    return start, start + timedelta(days=1)


@transaction.atomic
def fill_report_counts(*, until: date | None = None, since: date | None = None) -> int:
    """(Re)compute the daily report counts from the checkpoint (less a margin) up to `until`.

    Idempotent and safe on several workers: the FillState row is locked for the refill."""
    until = until or timezone.localdate()
    state, _created = FillState.objects.select_for_update().get_or_create(
        metric="reports", defaults={"final_until": date(2000, 1, 1)}
    )
    start = since or max(state.final_until - timedelta(days=REFILL_DAYS), date(2000, 1, 1))
    first_report = (
        Report.objects.order_by("created_at").values_list("created_at", flat=True).first()
    )
    if first_report is None:
        state.final_until = until
        state.filled_to = min(_day_bounds(until)[1], timezone.now())
        state.save(update_fields=["final_until", "filled_to", "updated_at"])
        return 0
    start = max(start, timezone.localdate(first_report))
    lo, _ = _day_bounds(start)
    _, hi = _day_bounds(until)
    now = timezone.now()
    # Up to this moment, not the end of the day: later reports are counted live by the dashboard
    # (selectors.report_counts), from `filled_to` on, so that none is counted twice or missed.
    hi = min(hi, now)
    rows: dict[tuple, int] = defaultdict(int)
    qs = (
        Report.objects.filter(created_at__gte=lo, created_at__lt=hi)
        .annotate(day=TruncDate("created_at"))
        .values_list(
            "day",
            "region__code",
            "category",
            "priority",
            "source",
            "created_at",
            "first_action_at",
            "respond_by",
        )
    )
    for day, region, category, priority, source, created, first, respond_by in qs.iterator(
        chunk_size=10000
    ):
        region = region or ""
        for key in ("all", f"category:{category}", f"priority:{priority}", f"source:{source}"):
            rows[(day, region, key)] += 1
        if first is not None:
            rows[
                (
                    day,
                    region,
                    f"ttfa:{priority}:{ttfa_bucket((first - created).total_seconds() / 60)}",
                )
            ] += 1
        breached = respond_by is not None and (
            (first is None and respond_by < now) or (first is not None and first > respond_by)
        )
        if breached:
            rows[(day, region, f"breach:{priority}")] += 1
    # From `start` on, days after `until` too: what lies after `filled_to` is counted live.
    DailyCount.objects.filter(metric="reports", day__gte=start).delete()
    DailyCount.objects.bulk_create(
        [
            DailyCount(day=d, region_code=r, metric="reports", key=k, value=v)
            for (d, r, k), v in rows.items()
        ],
        batch_size=5000,
    )
    state.final_until = until
    state.filled_to = hi
    state.save(update_fields=["final_until", "filled_to", "updated_at"])
    return len(rows)


# --- Spikes ---------------------------------------------------------------------------------------


def poisson_upper_tail(k: int, mean: float) -> float:
    """P(X >= k) for X ~ Poisson(mean)."""
    if k <= 0:
        return 1.0
    if mean <= 0:
        return 0.0
    term = math.exp(-mean)
    cumulative = term
    for i in range(1, k):
        term *= mean / i
        cumulative += term
    return max(0.0, 1.0 - cumulative)


SPIKE_P = 0.01
SPIKE_MIN = 5
BASELINE_WEEKS = 8


def detect_spikes(*, today: date | None = None) -> list[SpikeAlert]:
    """Each region's reports of the last full week against its own previous 8 weeks: a one-sided
    Poisson test (alert when P(X ≥ count | baseline mean) < 0.01 and at least 5 reports).
    Idempotent per region and week; alerts the central office."""
    today = today or timezone.localdate()
    week_start = today - timedelta(days=today.weekday() + 7)  # Monday of the last full week
    weeks = [week_start - timedelta(weeks=n) for n in range(BASELINE_WEEKS + 1)]
    counts: dict[tuple[str, date], int] = defaultdict(int)
    rows = (
        DailyCount.objects.filter(
            metric="reports", key="all", day__gte=weeks[-1], day__lt=week_start + timedelta(days=7)
        )
        .exclude(region_code="")
        .values_list("region_code", "day", "value")
    )
    for region_code, day, value in rows:
        monday = day - timedelta(days=day.weekday())
        counts[(region_code, monday)] += value
    made = []
    regions = {r.code: r for r in Region.objects.all()}
    for code, region in regions.items():
        current = counts.get((code, week_start), 0)
        baseline = sum(counts.get((code, w), 0) for w in weeks[1:]) / BASELINE_WEEKS
        p = poisson_upper_tail(current, max(baseline, 0.5))
        if current >= SPIKE_MIN and p < SPIKE_P:
            alert, created = SpikeAlert.objects.get_or_create(
                region=region,
                week_start=week_start,
                defaults={"count": current, "baseline": baseline, "p_value": p},
            )
            if created:
                made.append(alert)
                raise_alert(
                    kind=SPIKE_KIND,
                    object_ref=f"{code}:{week_start}",
                    recipients=User.objects.filter(
                        role__in=policies.NOTIFIED_OF_SPIKES, is_active=True
                    ),
                    url=reverse("analytics:dashboard"),
                    params={
                        "region": code,
                        "week_on": week_start.isoformat(),
                        "count": current,
                        "baseline": round(baseline, 1),  # written in the reader's language
                    },
                    region=region,
                )
    return made


# --- Regional notes -------------------------------------------------------------------------------


class NoteRefused(ServiceError):
    """A note that cannot be saved as written; the message says why."""


@service
def note_save(*, acting_user: User, month: date, text: str) -> RegionalNote:
    """The chief's note on their region's month (one per month; rewriting it replaces it)."""
    require(acting_user, policies.WRITE_NOTE, acting_user.region)
    text = (text or "").strip()
    if not text:
        raise NoteRefused(_("Write the note first."))
    if len(text) > 4000:
        raise NoteRefused(_("The note is too long: at most 4000 characters."))
    note, _created = RegionalNote.objects.update_or_create(
        region_id=acting_user.region_id,
        month=month.replace(day=1),
        defaults={"text": text, "author": acting_user},
    )
    audit_append(actor=acting_user, action="analytics.note", obj=note, region=acting_user.region)
    return note
