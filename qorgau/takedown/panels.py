"""What the takedown app shows in other apps' pages (core/panels.py): the requests to platforms of
a report, a subject or a case's report, with "Request to a platform" for whoever may draft one."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from qorgau.core.panels import register_panel
from qorgau.core.permissions import may, visibility_of
from qorgau.takedown import policies, selectors
from qorgau.takedown.models import TakedownRequest


def _user(request: HttpRequest | None) -> Any:
    # A page never acts as the system: without a signed-in user the box is not shown.
    user = getattr(request, "user", None)
    if user is None or visibility_of(TakedownRequest).scope_for(user) is None:
        return None
    return user


def _box(requests: list[TakedownRequest], new_url: str) -> dict[str, Any] | None:
    if not requests and not new_url:
        return None
    return {"requests": requests, "new_url": new_url}


def report_box(request: HttpRequest | None, report: Any) -> dict[str, Any] | None:
    """On a report's page: its requests, and the link to draft one (the analysts, the chief)."""
    user = _user(request)
    if user is None:
        return None
    can_draft = may(user, policies.REQUEST_FROM_REPORT, report)
    return _box(
        list(selectors.takedowns_for_report(user=user, report=report)),
        reverse("takedown:new_for_report", args=[report.public_id]) if can_draft else "",
    )


def subject_box(request: HttpRequest | None, subject: Any) -> dict[str, Any] | None:
    """On a subject's page: the requests about it, and the link to draft one for one's region."""
    user = _user(request)
    if user is None:
        return None
    can_draft = may(user, policies.REQUEST_FROM_SUBJECT, user.region) and bool(
        user.region_id and selectors.subject_report_ids(subject=subject, region_id=user.region_id)
    )
    return _box(
        list(selectors.takedowns_for_subject(user=user, subject=subject)),
        reverse("takedown:new_for_subject", args=[subject.public_id]) if can_draft else "",
    )


def case_box(request: HttpRequest | None, case: Any) -> dict[str, Any] | None:
    """On a case's page: the requests of the report the case was opened on (read only)."""
    user = _user(request)
    if user is None or case.report_id is None:
        return None
    return _box(list(selectors.takedowns_for_report(user=user, report=case.report)), "")


def register() -> None:
    template = "takedown/_box.html"
    register_panel("report_detail", "takedown.report", template=template, context=report_box)
    register_panel("subject_detail", "takedown.subject", template=template, context=subject_box)
    register_panel("case_detail", "takedown.case", template=template, context=case_box)
