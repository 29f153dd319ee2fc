"""Issue 18, finding 11: every staff token could file Red Button reports into any region.

A prosecutor's, a clinician's, a partner's... personal token filed reports through POST
/api/v1/reports, into any region. Now the API files reports for platform tokens (as before) and for
the staff roles a policy names (`intake.file_through_api`: analysts, into their own region); any
other staff token answers 403, another region 404 (the region is the object the analyst acts in,
as for cases), and a refusal writes nothing but its audit entry.
"""

import json

import pytest

from qorgau.core.models import AuditEntry
from qorgau.core.services import api_token_create
from qorgau.intake import services as intake_services
from qorgau.intake.models import Report

pytestmark = pytest.mark.django_db


def file_report(client, token: str, region: str | None = "KZ-75"):
    body = {"category": "grooming", "narrative": "Synthetic: a man writes to a pupil."}
    if region:
        body["region"] = region
    return client.post(
        "/api/v1/reports",
        json.dumps(body),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


@pytest.mark.parametrize(
    "persona", ["prosecutor", "chief", "central", "clinician", "police", "educator", "partner"]
)
def test_staff_tokens_of_other_roles_are_refused_and_write_nothing(client, personas, persona):
    user = personas[persona]
    token = api_token_create(acting_user=None, user=user)[1]
    response = file_report(client, token)
    assert response.status_code == 403, response.content
    assert not Report.objects.exists()
    refused = AuditEntry.objects.filter(action="refused", actor=user).latest("pk")
    assert refused.details == {"policy": "intake.file_through_api", "reason": "role"}


def test_an_analyst_files_into_their_own_region(client, analyst):
    token = api_token_create(acting_user=None, user=analyst)[1]
    response = file_report(client, token)
    assert response.status_code == 201, response.content
    assert response.json()["region"] == "KZ-75"
    assert Report.objects.get().submitted_by == analyst


def test_an_analysts_report_without_a_region_goes_to_their_region(client, analyst):
    token = api_token_create(acting_user=None, user=analyst)[1]
    response = file_report(client, token, region=None)
    assert response.status_code == 201
    assert Report.objects.get().region.code == "KZ-75"


def test_an_analyst_cannot_file_into_another_region(client, analyst):
    token = api_token_create(acting_user=None, user=analyst)[1]
    response = file_report(client, token, region="KZ-71")
    assert response.status_code == 404, response.content
    assert not Report.objects.exists()
    refused = AuditEntry.objects.filter(action="refused", actor=analyst).latest("pk")
    assert refused.details == {"policy": "intake.file_through_api", "reason": "scope"}


def test_platform_tokens_file_into_any_region_as_before(client, reference_data):
    token = intake_services.platform_token_create(acting_user=None, platform_name="Synthetic")[1]
    for region in ("KZ-75", "KZ-71", None):
        assert file_report(client, token, region=region).status_code == 201
    assert Report.objects.count() == 3
