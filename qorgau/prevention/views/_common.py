"""What the prevention views share: the page size, role sets, the role check, pagination."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest

from qorgau.core.enums import Role

PAGE_SIZE = 50
COORDINATOR = {Role.EDUCATION_COORDINATOR}
SCHOOL_EDITORS = {Role.EDUCATION_COORDINATOR, Role.CENTRAL_OFFICE}


def _require(request: HttpRequest, roles: set[str]) -> None:
    if request.user.role not in roles:
        raise PermissionDenied


def _page(request: HttpRequest, qs: Any) -> Any:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
