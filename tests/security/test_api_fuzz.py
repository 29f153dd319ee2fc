"""Schemathesis fuzzes every operation of /api/v1/openapi.json: no 5xx, every answer in the schema.

It calls the Django application in-process (WSGI, on the test database), once with a regional chief's
personal token and once with a platform token, with a bounded number of examples per operation.
"""

import json

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from schemathesis.specs.openapi import checks as openapi_checks

from qorgau.api import api
from qorgau.core import services as core_services
from qorgau.intake import services as intake_services
from qorgau.wsgi import application

pytestmark = pytest.mark.django_db

CHECKS = [
    schemathesis.checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_headers_conformance,
    openapi_checks.response_schema_conformance,
]

# The document /api/v1/openapi.json serves (checked below), called through the WSGI application.
# (schemathesis' from_fixture loader does not work with pytest 9, so the schema is built here.)
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(path_prefix="/api/v1"))
schema.app = application

BOUNDED = hypothesis_settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)


@pytest.fixture(autouse=True)
def _in_process(settings):
    settings.ALLOWED_HOSTS = ["localhost", "testserver"]
    # As django.test.Client does: the test's database connection stays open between requests.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def staff_token(chief):
    return core_services.api_token_create(acting_user=None, user=chief, name="fuzz")[1]


@pytest.fixture
def platform_token(reference_data):
    return intake_services.platform_token_create(acting_user=None, platform_name="Fuzz")[1]


def test_the_fuzzed_schema_is_the_one_the_api_serves(client):
    served = client.get("/api/v1/openapi.json")
    assert served.status_code == 200
    assert json.loads(served.content) == schema.raw_schema


@schema.parametrize()
@BOUNDED
def test_no_operation_fails_or_leaves_its_schema_with_a_staff_token(case, staff_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {staff_token}"}, checks=CHECKS)


@schema.parametrize()
@BOUNDED
def test_no_operation_fails_or_leaves_its_schema_with_a_platform_token(case, platform_token):
    case.call_and_validate(headers={"Authorization": f"Bearer {platform_token}"}, checks=CHECKS)


def test_every_error_shape_has_one_name_in_the_schema():
    """Routers once each declared their own `ErrorOut` and `IdentifierIn`: the document kept only the
    last one, so 422 bodies of the Red Button did not match the schema it published."""
    components = schema.raw_schema["components"]["schemas"]
    detail = components["ErrorOut"]["properties"]["detail"]
    assert {"type": "string"} in detail["anyOf"]
    assert any(option.get("type") == "array" for option in detail["anyOf"])
    kinds = components["IdentifierIn"]["properties"]["kind"]
    assert "telegram" in kinds["enum"]
