"""The JSON API: /api/v1/, OpenAPI at /api/v1/openapi.json. Each app adds its router here.

Errors answer `{"detail": [{"field": "child.age", "message": "..."}]}` (or a string), in the
language the request asks for (Accept-Language; Russian by default).
"""

from __future__ import annotations

from typing import Any

import pydantic_core
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.parser import Parser
from ninja.security import HttpBearer

from qorgau.analytics.api import router as analytics_router
from qorgau.cases.api import router as cases_router
from qorgau.core.api import router as core_router
from qorgau.core.errors import ServiceError
from qorgau.core.services import api_token_authenticate
from qorgau.intake.api import router as intake_router
from qorgau.offenders.api import router as offenders_router
from qorgau.prevention.api import router as prevention_router


class StaffTokenAuth(HttpBearer):
    """A personal bearer token (`manage.py create_api_token USERNAME`); the request acts as its user."""

    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = api_token_authenticate(token=token)
        if user is None:
            return None
        request.user = user
        return user


# The error body every operation may answer (see the handlers below).
ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {
        "detail": {
            "anyOf": [
                {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "field": {"type": "string"},
                            "message": {"type": "string"},
                        },
                        "required": ["field", "message"],
                    },
                },
                {"type": "string"},
            ]
        }
    },
    "required": ["detail"],
}
GENERIC_ERRORS = {
    "400": "The body is not valid JSON",
    "401": "No valid bearer token",
    "413": "The body is larger than QORGAU_MAX_REQUEST_BYTES",
    "422": "A field is missing or not valid",
}


class BytesParser(Parser):
    """JSON parsed straight from the body's bytes (pydantic-core). `json.loads` first decodes the
    whole body into a str: with a large base64 file, a third copy of it (finding 6)."""

    def parse_body(self, request: HttpRequest) -> Any:
        return pydantic_core.from_json(request.body, cache_strings="keys")


class QorgauAPI(NinjaAPI):
    """NinjaAPI whose schema also documents the errors every operation can answer: 401 without a
    valid token, 422 for a parameter or body that does not parse, 400 for a body that is not JSON
    (found by schemathesis: the handlers below answered them, the schema did not say so)."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        reference = {"$ref": "#/components/schemas/Error"}
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                wanted = []
                if operation.get("security"):
                    wanted.append("401")
                if operation.get("parameters") or operation.get("requestBody"):
                    wanted.append("422")
                if operation.get("requestBody"):
                    wanted += ["400", "413"]
                for code in wanted:
                    if code not in responses and int(code) not in responses:
                        responses[code] = {
                            "description": GENERIC_ERRORS[code],
                            "content": {"application/json": {"schema": reference}},
                        }
        return schema


api = QorgauAPI(
    title="Qorgau API",
    version="1",
    description=(
        "The Qorgau JSON API. Platforms authenticate with a platform token, staff with a personal "
        "bearer token. Errors are answered in the language of Accept-Language."
    ),
    urls_namespace="api",
    auth=StaffTokenAuth(),
    parser=BytesParser(),
)
api.add_router("/", core_router)
api.add_router("/", intake_router)
api.add_router("/", cases_router)
api.add_router("/", offenders_router)
api.add_router("/", prevention_router)
api.add_router("/", analytics_router)


def _field_path(loc: list[Any]) -> str:
    parts = [str(p) for p in loc]
    # ninja prefixes body fields with ("body", "payload")
    while parts and parts[0] in {"body", "payload", "query", "path", "header"}:
        parts.pop(0)
    return ".".join(parts) or "body"


def _message(error: dict[str, Any]) -> str:
    kind = error.get("type", "")
    context = error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind == "literal_error":
        expected = str(context.get("expected", "")).replace("'", "")
        return _("Choose one of: %(choices)s.") % {"choices": expected}
    if kind in {"int_type", "int_parsing", "int_from_float"}:
        return _("Enter a whole number.")
    if kind in {"string_type", "string_unicode"}:
        return _("Enter text.")
    if kind.startswith("datetime") or kind.startswith("date"):
        return _("Enter a date and time in ISO 8601, like 2026-05-31T18:00:00+05:00.")
    if kind in {"bool_type", "bool_parsing"}:
        return _("Enter true or false.")
    if kind == "list_type":
        return _("Enter a list.")
    if kind in {"model_type", "dict_type", "model_attributes_type"}:
        return _("Enter an object.")
    return _("This value is not valid.")


@api.exception_handler(ValidationError)
def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = [{"field": _field_path(e.get("loc", [])), "message": _message(e)} for e in exc.errors]
    return api.create_response(request, {"detail": errors}, status=422)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    message = str(exc)
    if message.startswith("Cannot parse request body"):
        message = _("The body is not valid JSON.")
    return api.create_response(request, {"detail": message}, status=exc.status_code)


@api.exception_handler(ServiceError)
def service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    """Every service's refusal: field errors or a message, with the refusal's status (400, 403,
    404, 409, 422)."""
    return api.create_response(request, {"detail": exc.detail()}, status=exc.status)


@api.exception_handler(AuthenticationError)
def authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": _("A valid bearer token is needed (Authorization: Bearer <token>).")},
        status=401,
    )
