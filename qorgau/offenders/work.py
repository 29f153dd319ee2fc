"""What the offender register asks of a member of staff on "my work now" (core/work.py): the
supervision meetings due of their plans (a police supervisor) or region (a chief), and the
examinations and risk reassessments due of the people they see (a clinician, a chief); overdue,
today and this week. Each list is the supervision page or the register filtered to exactly it.
Items name register numbers, not people."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qorgau.core import work
from qorgau.core.models import User
from qorgau.core.permissions import in_roles
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


def _person(text: str, kind: str) -> Callable[[Person], work.WorkItem]:
    def item(person: Person) -> work.WorkItem:
        return work.WorkItem(
            title=text % {"number": person.public_id},
            url=reverse("offenders:detail", args=[person.public_id]),
            due=getattr(person, "due_on", None),
            kind=kind,
        )

    return item


def _link(name: str, key: str) -> Callable[[str], str]:
    return lambda window: f"{reverse(name)}?{urlencode({key: window})}"


def work_for(user: User, *, now: datetime) -> list[work.WorkList | None]:
    found: list[work.WorkList | None] = []
    if in_roles(user, policies.WORK_ON_MEETINGS):
        found += work.from_windows(
            counts=work.window_counts(
                selectors.meeting_calendar_for_user(user=user),
                {window: selectors.meeting_due_q(window) for window in MEETINGS},
            ),
            labels=MEETINGS,
            url=_link("offenders:supervision", "due"),
            listed=lambda window: selectors.meetings_due_for_user(user=user, window=window),
            item=_meeting,
        )
    if in_roles(user, policies.WORK_ON_CLINICAL):
        found += work.from_windows(
            counts=selectors.clinical_due_counts(user=user, what="examination"),
            labels=EXAMINATIONS,
            url=_link("offenders:list", "examination"),
            listed=lambda window: selectors.person_list_for_user(user=user, examination=window),
            item=_person(gettext("Examination, register entry %(number)s"), "examination"),
        )
        found += work.from_windows(
            counts=selectors.clinical_due_counts(user=user, what="reassessment"),
            labels=REASSESSMENTS,
            url=_link("offenders:list", "reassessment"),
            listed=lambda window: selectors.person_list_for_user(user=user, reassessment=window),
            item=_person(gettext("Risk reassessment, register entry %(number)s"), "reassessment"),
        )
    return found
