"""What the prevention views share: the page size and pagination.

Who may act is not decided here: each view that takes a form asks `require()` with the action's
policy before reading it (so that a refused user gets 403, not a form error), and the service
checks again. Views catch `ServiceError` only to show it; `PermissionRefused` (403) and `NotFound`
(404) go through.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest

PAGE_SIZE = 50


def _page(request: HttpRequest, qs: Any) -> Any:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
