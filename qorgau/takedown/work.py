"""What requests to platforms ask of a member of staff on "my work now" (core/work.py): the
region's requests past their deadline (a preservation not done by it, a removal unanswered), the
list page filtered to exactly them."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from qorgau.core import work
from qorgau.core.models import User
from qorgau.core.permissions import in_roles
from qorgau.takedown import policies, selectors
from qorgau.takedown.enums import RequestKind
from qorgau.takedown.models import TakedownRequest


def _due(request: TakedownRequest) -> date | datetime | None:
    """By when the platform was to act: a preservation's deadline, a removal's answer."""
    if request.kind == RequestKind.PRESERVATION or request.sent_at is None:
        return request.legal_deadline
    return request.sent_at + timedelta(days=settings.QORGAU_TAKEDOWN_REMOVAL_ANSWER_DAYS)


def _item(request: TakedownRequest) -> work.WorkItem:
    return work.WorkItem(
        title=gettext("%(kind)s, %(platform)s: request %(request)s")
        % {
            "kind": request.get_kind_display(),
            "platform": request.platform_label,
            "request": request.public_id,
        },
        url=reverse("takedown:detail", args=[request.public_id]),
        due=_due(request),
        kind="takedown",
    )


def work_for(user: User, *, now: datetime) -> list[work.WorkList | None]:
    if not in_roles(user, policies.WORK_ON_OVERDUE_REQUESTS):
        return []
    rows = selectors.takedown_list_for_user(
        user=user, filters=selectors.RequestFilters(overdue=True), now=now
    )
    return [
        work.from_queryset(
            section=work.OVERDUE,
            label=_("Requests to platforms past their deadline"),
            rows=rows,
            url=f"{reverse('takedown:list')}?overdue=on",
            item=_item,
        )
    ]
