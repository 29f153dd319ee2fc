"""What the cases ask of a member of staff on "my work now" (core/work.py): the cases they see
still to hand over, past the deadline, due today and this week. Each list is the cases page
filtered to exactly it (`?handover=<window>`)."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qorgau.cases import policies, selectors
from qorgau.cases.models import Case
from qorgau.core import work
from qorgau.core.models import User
from qorgau.core.permissions import in_roles

LABELS = {
    work.OVERDUE: _("Cases past their handover deadline"),
    work.TODAY: _("Cases to hand over today"),
    work.WEEK: _("Cases to hand over this week"),
}


def _item(case: Case) -> work.WorkItem:
    return work.WorkItem(
        title=gettext("Hand over case %(number)s") % {"number": case.registry_number},
        url=reverse("cases:detail", args=[case.public_id]),
        due=case.handover_deadline,
        kind="case",
    )


def _link(window: str) -> str:
    return f"{reverse('cases:list')}?{urlencode({'view': 'all', 'handover': window})}"


def work_for(user: User, *, now: datetime) -> list[work.WorkList | None]:
    if not in_roles(user, policies.WORK_ON_HANDOVERS):
        return []
    return list(
        work.from_windows(
            counts=work.window_counts(
                selectors.case_list_for_user(user=user),
                {window: selectors.handover_q(window, now) for window in LABELS},
            ),  # "All" of the cases page
            labels=LABELS,
            url=_link,
            listed=lambda window: selectors.case_list_for_user(user=user, handover=window),
            item=_item,
        )
    )
