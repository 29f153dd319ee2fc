"""The JSON API: /api/v1/, OpenAPI at /api/v1/openapi.json. Each app adds its router here."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import NinjaAPI
from ninja.security import HttpBearer

from qorgau.core.api import router as core_router
from qorgau.core.services import api_token_authenticate


class StaffTokenAuth(HttpBearer):
    """A personal bearer token (`manage.py create_api_token USERNAME`); the request acts as its user."""

    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token=token)
        if user is None:
            return None
        request.user = user
        return user


api = NinjaAPI(
    title="Qorgau API",
    version="1",
    description="The Qorgau JSON API. Staff authenticate with a personal bearer token.",
    urls_namespace="api",
    auth=StaffTokenAuth(),
)
api.add_router("/", core_router)
