"""What the Red Button asks of a member of staff on "my work now" (core/work.py): the queue's
reports past their response deadline, due today and this week, the reports they took and, for a
chief, the region's open P1 reports. Each list is the queue page with the filter that shows exactly
it: built by the queue's own form from the link's query string, so both count the same rows."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qorgau.core import work
from qorgau.core.models import User
from qorgau.core.permissions import in_roles
from qorgau.intake import policies, selectors
from qorgau.intake.forms import QueueFilterForm
from qorgau.intake.models import Report


def _item(report: Report) -> work.WorkItem:
    return work.WorkItem(
        title=gettext("Report %(number)s, %(priority)s: %(what)s")
        % {
            "number": report.public_id,
            "priority": report.priority,
            "what": report.get_category_display(),
        },
        url=reverse("intake:staff_detail", args=[report.public_id]),
        due=report.respond_by,
        kind="report",
    )


def _queue_list(
    user: User, *, label: str | Promise, query: dict[str, str], section: str = work.WAITING
) -> work.WorkList | None:
    return work.from_queryset(
        section=section, label=label, rows=_listed(user, query), url=_link(query), item=_item
    )


DUE = {
    work.OVERDUE: _("Reports past their response deadline"),
    work.TODAY: _("Reports to answer today"),
    work.WEEK: _("Reports to answer this week"),
}


def _query(window: str) -> dict[str, str]:
    return {"overdue": "on"} if window == work.OVERDUE else {"due": window}


def _link(query: dict[str, str]) -> str:
    return f"{reverse('intake:staff_list')}?{urlencode(query)}"


def _listed(user: User, query: dict[str, str]) -> QuerySet[Report]:
    """The queue page's rows for the link's query string, as its own form reads it."""
    return selectors.report_list_for_user(
        user=user, filters=QueueFilterForm(data=query).to_filters()
    )


def work_for(user: User, *, now: datetime) -> list[work.WorkList | None]:
    found: list[work.WorkList | None] = []
    if in_roles(user, policies.WORK_ON_QUEUE):
        by_deadline = {window: {**_query(window), "sort": "deadline"} for window in DUE}
        found += work.from_windows(
            # the open queue, as the page shows it without a filter
            counts=work.window_counts(
                _listed(user, {}), {window: selectors.due_q(window, now) for window in DUE}
            ),
            labels=DUE,
            url=lambda window: _link(by_deadline[window]),
            listed=lambda window: _listed(user, by_deadline[window]),
            item=_item,
        )
        found.append(_queue_list(user, label=_("Open reports you took"), query={"mine": "on"}))
    if in_roles(user, policies.WORK_ON_REGION_P1) and user.region_id:
        found.append(
            _queue_list(
                user, section=work.REGION_P1, label=_("Open P1 reports"), query={"priority": "P1"}
            )
        )
    return found
