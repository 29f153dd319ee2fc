"""What the Red Button asks of a member of staff on "my work now" (core/work.py): the queue's
reports past their response deadline, due today and this week, the reports they took and, for a
chief, the region's open P1 reports. Each list is the queue page with the filter that shows exactly
it: built by the queue's own form from the link's query string, so both count the same rows."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qorgau.core import work
from qorgau.core.models import User
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
    user: User, *, section: str, label: object, query: dict[str, str]
) -> work.WorkList | None:
    filters = QueueFilterForm(data=query).to_filters()
    return work.from_queryset(
        section=section,
        label=label,  # type: ignore[arg-type]
        rows=selectors.report_list_for_user(user=user, filters=filters),
        url=f"{reverse('intake:staff_list')}?{urlencode(query)}",
        item=_item,
    )


def work_for(user: User, *, now: datetime) -> list[work.WorkList | None]:
    found: list[work.WorkList | None] = []
    if user.role in policies.WORK_ON_QUEUE:
        found += [
            _queue_list(
                user,
                section=work.OVERDUE,
                label=_("Reports past their response deadline"),
                query={"overdue": "on", "sort": "deadline"},
            ),
            _queue_list(
                user,
                section=work.TODAY,
                label=_("Reports to answer today"),
                query={"due": work.TODAY, "sort": "deadline"},
            ),
            _queue_list(
                user,
                section=work.WEEK,
                label=_("Reports to answer this week"),
                query={"due": work.WEEK, "sort": "deadline"},
            ),
            _queue_list(
                user,
                section=work.WAITING,
                label=_("Open reports you took"),
                query={"mine": "on"},
            ),
        ]
    if user.role in policies.WORK_ON_REGION_P1 and user.region_id:
        found.append(
            _queue_list(
                user,
                section=work.REGION_P1,
                label=_("Open P1 reports"),
                query={"priority": "P1"},
            )
        )
    return found
