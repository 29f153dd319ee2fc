""" "My work now": what is waiting for a member of staff, asked of every app.

Core may not import the apps above it, so each app that has work to show answers in its `work.py`
(core/registry.py finds it): `work_for(user, *, now) -> list[WorkList]`. A `WorkList` is one list of
the app (reports past their response deadline, meetings due today): how many there are, the first
`LIMIT` of them as `WorkItem`s, and the address of the app's own page filtered to show exactly those,
so that the count on the home page is the number of rows behind its link.

The sections (overdue, due today, due this week) are windows of time in the programme's time zone
(`Windows`); each app filters its lists with them, and `section_of` says, for any deadline, in
which window it falls: the same boundaries on both sides.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from qorgau.core.registry import contributions

# How many items of each list the home page shows; the rest are behind the list's link.
LIMIT = 20

OVERDUE, TODAY, WEEK = "overdue", "today", "week"
# Lists without a deadline: what the person holds (reports taken), answers asked of them.
WAITING = "waiting"
# A chief's: the region's open P1 reports.
REGION_P1 = "region_p1"
# A chief's: the stretches of the coming days when nobody of the region is on duty.
DUTY_GAPS = "duty_gaps"
DUE_WINDOWS = (OVERDUE, TODAY, WEEK)

SECTIONS: list[tuple[str, str | Promise]] = [
    (OVERDUE, _("Overdue")),
    (TODAY, _("Due today")),
    (WEEK, _("Due this week")),
    (REGION_P1, _("Open P1 reports of your region")),
    (WAITING, _("Waiting for you")),
    (DUTY_GAPS, _("Duty gaps")),
]


@dataclass(frozen=True)
class Windows:
    """The boundaries of the sections at `now`, in the programme's time zone (TIME_ZONE)."""

    now: datetime
    today: date
    tomorrow: datetime  # the start of tomorrow
    week_end: datetime  # the start of the eighth day: "this week" is the coming seven days

    @classmethod
    def at(cls, now: datetime | None = None) -> Windows:
        now = now or timezone.now()
        today = timezone.localdate(now)

        def start(day: date) -> datetime:
            return timezone.make_aware(datetime.combine(day, time.min))

        return cls(
            now=now,
            today=today,
            tomorrow=start(today + timedelta(days=1)),
            week_end=start(today + timedelta(days=7)),
        )

    def moments(self, window: str) -> tuple[datetime | None, datetime]:
        """[from, until) of a window, for a deadline that is a moment (None: no lower bound)."""
        return {
            OVERDUE: (None, self.now),
            TODAY: (self.now, self.tomorrow),
            WEEK: (self.tomorrow, self.week_end),
        }[window]

    def days(self, window: str) -> tuple[date | None, date]:
        """[from, until) of a window, for a deadline that is a day (None: no lower bound)."""
        tomorrow = self.today + timedelta(days=1)
        return {
            OVERDUE: (None, self.today),
            TODAY: (self.today, tomorrow),
            WEEK: (tomorrow, self.today + timedelta(days=7)),
        }[window]

    def moment_filter(self, field_name: str, window: str) -> dict[str, datetime]:
        """`filter(**…)` keywords selecting the rows whose `field_name` (a moment) is in the window."""
        low, high = self.moments(window)
        found = {f"{field_name}__lt": high}
        if low is not None:
            found[f"{field_name}__gte"] = low
        return found

    def moment_q(self, field_name: str, window: str) -> Q:
        return Q(**self.moment_filter(field_name, window))

    def day_q(self, field_name: str, window: str) -> Q:
        return Q(**self.day_filter(field_name, window))

    def day_filter(self, field_name: str, window: str) -> dict[str, date]:
        """`filter(**…)` keywords selecting the rows whose `field_name` (a day) is in the window."""
        low, high = self.days(window)
        found = {f"{field_name}__lt": high}
        if low is not None:
            found[f"{field_name}__gte"] = low
        return found


def section_of(due: date | datetime | None, now: datetime | None = None) -> str:
    """The section a deadline falls in at `now`: overdue, today, this week, or later ("")."""
    if due is None:
        return WAITING
    windows = Windows.at(now)
    for window in DUE_WINDOWS:
        if isinstance(due, datetime):
            low, high = windows.moments(window)
            if (low is None or due >= low) and due < high:
                return window
        else:
            low_day, high_day = windows.days(window)
            if (low_day is None or due >= low_day) and due < high_day:
                return window
    return ""


def window_named(value: str | None) -> str | None:
    """A window's name from a page's query string (`?due=today`), or None."""
    return value if value in DUE_WINDOWS else None


@dataclass(frozen=True)
class WorkItem:
    """One thing to do: what (translated; numbers, no personal data), where, and by when."""

    title: str
    url: str
    due: date | datetime | None = None
    # What it is, for the page's marker: report, case, meeting, examination, round, referral.
    kind: str = ""

    @property
    def due_is_moment(self) -> bool:
        return isinstance(self.due, datetime)


@dataclass
class WorkList:
    """One list of an app behind a section: `count` rows, the first of them in `items`, and `url`,
    the app's page that lists exactly those `count` rows."""

    section: str
    label: str | Promise
    count: int
    url: str
    items: list[WorkItem] = field(default_factory=list)

    @property
    def more(self) -> int:
        return self.count - len(self.items)


def from_queryset(
    *,
    section: str,
    label: str | Promise,
    rows: QuerySet[Any],
    url: str,
    item: Callable[[Any], WorkItem],
    limit: int = LIMIT,
) -> WorkList | None:
    """A list from the query of the app's list page: its count, then (if any) its first rows; None
    when there is nothing in it. Two queries at most."""
    count = rows.count()
    if not count:
        return None
    return WorkList(
        section=section,
        label=label,
        count=count,
        url=url,
        items=[item(row) for row in rows[:limit]],
    )


def window_counts(rows: QuerySet[Any], windows: Mapping[str, Q]) -> dict[str, int]:
    """How many of `rows` fall in each window (its `Q`): one query."""
    return rows.order_by().aggregate(
        **{window: Count("pk", filter=q) for window, q in windows.items()}
    )


def from_windows(
    *,
    counts: Mapping[str, int],
    labels: Mapping[str, str | Promise],
    url: Callable[[str], str],
    listed: Callable[[str], QuerySet[Any]],
    item: Callable[[Any], WorkItem],
    limit: int = LIMIT,
) -> list[WorkList]:
    """One list per window of the same rows (overdue, today, this week), from their `counts` (one
    query: `window_counts`), then one query per window that has something, for its first rows in
    the order of the app's page for it (`listed(window)`: the rows behind `url(window)`, the very
    rows counted)."""
    return [
        WorkList(
            section=window,
            label=labels[window],
            count=counts[window],
            url=url(window),
            items=[item(row) for row in listed(window)[:limit]],
        )
        for window in labels
        if counts.get(window)
    ]


def present(lists: Iterable[WorkList | None]) -> list[WorkList]:
    return [found for found in lists if found is not None and found.count]


def work_lists_for(user: Any, *, now: datetime | None = None) -> list[WorkList]:
    """Every app's lists of work waiting for `user` (core's own too), in INSTALLED_APPS order."""
    now = now or timezone.now()
    found: list[WorkList] = []
    for contribute in contributions("work", "work_for"):
        found.extend(present(contribute(user, now=now)))
    return found


# --- Core's own: the duty gaps of a chief's region --------------------------------------------------


def duty_gaps_for(user: Any, *, now: datetime) -> WorkList | None:
    """The stretches of the coming seven days when nobody of the chief's region is on duty, from
    the rota (`core.duty.coverage_gaps`), each a link to the rota where a shift is planned."""
    from qorgau.core import policies
    from qorgau.core.permissions import in_roles

    if not in_roles(user, policies.SEES_DUTY_GAPS) or not user.region_id:
        return None
    from django.urls import reverse
    from django.utils.translation import get_language, gettext

    from qorgau.core.dates import format_datetime

    language = get_language() or "en"
    windows = Windows.at(now)
    from qorgau.core.duty import coverage_gaps

    gaps = coverage_gaps(region_id=user.region_id, start=now, end=windows.week_end)
    url = reverse("core:duty_rota")
    items = [
        WorkItem(
            title=gettext("Nobody on duty from %(start)s to %(end)s")
            % {
                "start": format_datetime(start, language),
                "end": format_datetime(end, language),
            },
            url=url,
            due=start,
            kind="duty",
        )
        for start, end in gaps
    ]
    return WorkList(
        section=DUTY_GAPS,
        label=_("Nobody on duty in your region"),
        count=len(items),
        url=url,
        items=items,
    )


def work_for(user: Any, *, now: datetime) -> list[WorkList | None]:
    """Core's contribution to "my work now" (this module is core's `work` hook too)."""
    return [duty_gaps_for(user, now=now)]


@dataclass
class Section:
    code: str
    label: str | Promise
    lists: list[WorkList]

    @property
    def count(self) -> int:
        return sum(found.count for found in self.lists)


def sections_for(user: Any, *, now: datetime | None = None) -> list[Section]:
    """The home page's sections that have something in them, in their order."""
    lists = work_lists_for(user, now=now)
    sections = []
    for code, label in SECTIONS:
        mine = [found for found in lists if found.section == code]
        if mine:
            sections.append(Section(code=code, label=label, lists=mine))
    return sections
