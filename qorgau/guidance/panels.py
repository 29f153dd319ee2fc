"""What the guidance app shows in other apps' pages (core/panels.py): its pages on the help page, and
the pages that go with what was reported after a report."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from qorgau.core.panels import register_panel
from qorgau.guidance import selectors


def help_pages(request: HttpRequest | None, obj: Any = None) -> dict[str, Any] | None:
    """Every published page, in the request's language."""
    pages = selectors.guidance_list_published()
    return {"guidance_pages": pages} if pages else None


def pages_for_report(request: HttpRequest | None, report: Any) -> dict[str, Any] | None:
    """The published pages for the report's category (`report.category`, a Category value)."""
    pages = selectors.guidance_for_category(category=report.category)
    return {"guidance_pages": pages} if pages else None


def register() -> None:
    register_panel(
        "help", "guidance.pages", template="guidance/_help_panel.html", context=help_pages
    )
    register_panel(
        "report_sent",
        "guidance.read_more",
        template="guidance/_report_sent_panel.html",
        context=pages_for_report,
    )
