"""What the offender register asks of a member of staff on "my work now" (core/work.py): the
supervision meetings due of their plans (a police supervisor) or region (a chief), and the
examinations and risk reassessments due of the people they see (a clinician, a chief); overdue,
today and this week. Each list is the supervision page or the register filtered to exactly it.
Items name register numbers, not people."""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qorgau.core import work
from qorgau.core.models import User
from qorgau.offenders import policies, selectors
from qorgau.offenders.models import Meeting, Person

MEETINGS = {
    work.OVERDUE: _("Supervision meetings not recorded"),
    work.TODAY: _("Supervision meetings today"),
    work.WEEK: _("Supervision meetings this week"),
}
EXAMINATIONS = {
    work.OVERDUE: _("Examinations past their date"),
    work.TODAY: _("Examinations today"),
    work.WEEK: _("Examinations this week"),
}
REASSESSMENTS = {
    work.OVERDUE: _("Risk reassessments past their date"),
    work.TODAY: _("Risk reassessments due today"),
    work.WEEK: _("Risk reassessments due this week"),
}


def _meeting(meeting: Meeting) -> work.WorkItem:
    return work.WorkItem(
        title=gettext("Supervision meeting, register entry %(number)s")
        % {"number": meeting.plan.person.public_id},
        url=reverse("offenders:detail", args=[meeting.plan.person.public_id]),
        due=meeting.due_on,
        kind="meeting",
    )


def _person(text: str, kind: str):  # type: ignore[no-untyped-def]
    def item(person: Person) -> work.WorkItem:
        return work.WorkItem(
            title=text % {"number": person.public_id},
            url=reverse("offenders:detail", args=[person.public_id]),
            due=getattr(person, "due_on", None),
            kind=kind,
        )

    return item


def work_for(user: User, *, now: datetime) -> list[work.WorkList | None]:
    found: list[work.WorkList | None] = []
    if user.role in policies.WORK_ON_MEETINGS:
        found += [
            work.from_queryset(
                section=window,
                label=label,
                rows=selectors.meetings_due_for_user(user=user, window=window),
                url=f"{reverse('offenders:supervision')}?{urlencode({'due': window})}",
                item=_meeting,
            )
            for window, label in MEETINGS.items()
        ]
    if user.role in policies.WORK_ON_CLINICAL:
        examination = _person(gettext("Examination, register entry %(number)s"), "examination")
        reassessment = _person(
            gettext("Risk reassessment, register entry %(number)s"), "reassessment"
        )
        for window in work.DUE_WINDOWS:
            found += [
                work.from_queryset(
                    section=window,
                    label=EXAMINATIONS[window],
                    rows=selectors.person_list_for_user(user=user, examination=window),
                    url=f"{reverse('offenders:list')}?{urlencode({'examination': window})}",
                    item=examination,
                ),
                work.from_queryset(
                    section=window,
                    label=REASSESSMENTS[window],
                    rows=selectors.person_list_for_user(user=user, reassessment=window),
                    url=f"{reverse('offenders:list')}?{urlencode({'reassessment': window})}",
                    item=reassessment,
                ),
            ]
    return found
