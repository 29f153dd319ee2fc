"""One draft of a report for the API, the form and the service: one set of limits and checks, the
API's shape unchanged, and the phone rule (a number is never a reason to lose a report)."""

import base64
import json

import pytest

from qorgau.intake import services
from qorgau.intake.enums import Source
from qorgau.intake.forms import ReportForm
from qorgau.intake.models import Report
from qorgau.intake.services.drafts import (
    NAME_MAX,
    NARRATIVE_MAX,
    ChildIn,
    ReportDraft,
    ReporterIn,
    SuspectIn,
    phone_as_given,
    validate,
)
from qorgau.linking.selectors import identifiers_of_owner
from tests.intake.conftest import EXE, PNG

pytestmark = pytest.mark.django_db

WEB = services.Submitter(source=Source.WEB)


def test_the_flat_names_and_the_apis_make_the_same_draft():
    flat = ReportDraft(
        category="grooming",
        narrative="Synthetic",
        region_code="KZ-75",
        child_age=12,
        child_gender="f",
        reporter_relation="parent",
        anonymous=False,
        reporter_phone="8 701 123 45 67",
        suspect_name="Synthetic Name",
        identifiers=[services.Identifier(kind="telegram", value="@x_synthetic")],
    )
    nested = ReportDraft(
        category="grooming",
        narrative="Synthetic",
        region="KZ-75",
        child=ChildIn(age=12, gender="f"),
        reporter=ReporterIn(relation="parent", anonymous=False, phone="8 701 123 45 67"),
        suspect=SuspectIn(
            name="Synthetic Name",
            identifiers=[services.Identifier(kind="telegram", value="@x_synthetic")],
        ),
    )
    assert flat == nested


def test_a_misspelt_name_is_an_error_not_a_field_dropped():
    with pytest.raises(ValueError, match="reporter_phon"):
        ReportDraft(category="other", narrative="Synthetic", reporter_phon="8 701 123 45 67")


def test_without_a_reporter_the_reporter_is_anonymous_and_someone_else(reference_data):
    clean, errors = validate(ReportDraft(category="other", narrative="Synthetic"))
    assert not errors
    assert clean["anonymous"] and clean["reporter_relation"] == "other"
    assert clean["reporter_contact"] is None and clean["language"] == "ru"


def test_the_api_body_is_the_contract_and_keeps_its_shape(client, reference_data):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    body = schemas["ReportIn"]
    assert body["required"] == ["category", "narrative"]
    assert set(body["properties"]) == {
        "category",
        "narrative",
        "language",
        "region",
        "occurred_at",
        "child",
        "reporter",
        "suspect",
        "evidence",
    }
    assert body["properties"]["category"]["enum"][0] == "grooming"
    assert schemas["ReporterIn"]["properties"]["relation"]["default"] == "platform"
    assert "town" not in body["properties"] and "files" not in body["properties"]


def test_a_platforms_reporter_is_the_platform_unless_the_body_says(client, platform_token):
    response = client.post(
        "/api/v1/reports",
        json.dumps({"category": "other", "narrative": "Synthetic"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {platform_token}",
        HTTP_ACCEPT_LANGUAGE="kk",
    )
    assert response.status_code == 201
    report = Report.objects.get()
    assert report.reporter_relation == "platform" and report.language == "kk"


def test_the_forms_limit_is_the_drafts_and_its_message_is_the_services(client, reference_data):
    form = ReportForm()
    assert form.fields["narrative"].widget.attrs["maxlength"] == NARRATIVE_MAX
    assert form.fields["town"].widget.attrs["maxlength"] == NAME_MAX
    response = client.post(
        "/report/?lang=en",
        {
            "category": "other",
            "relation": "parent",
            "narrative": "x" * (NARRATIVE_MAX + 1),
            "contact": "anonymous",
            "town": "t" * (NAME_MAX + 1),
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f"at most {NARRATIVE_MAX} characters" in html and "This is too long." in html
    assert not Report.objects.exists()


def test_a_date_in_the_future_is_refused_by_the_service_beside_the_forms_field(
    client, reference_data
):
    response = client.post(
        "/report/?lang=en",
        {
            "category": "other",
            "relation": "parent",
            "narrative": "Synthetic",
            "contact": "anonymous",
            "occurred_on": "2999-01-01",
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["occurred_on"] == ["This date is in the future."]


def test_every_bad_file_of_the_api_is_named_by_its_place(client, platform_token, reference_data):
    evidence = [
        {"filename": "a.png", "content_base64": base64.b64encode(PNG).decode()},
        {"filename": "b", "content_base64": "!!"},
        {"filename": "c.jpg", "content_base64": base64.b64encode(EXE).decode()},
    ]
    response = client.post(
        "/api/v1/reports",
        json.dumps({"category": "other", "narrative": "Synthetic", "evidence": evidence}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {platform_token}",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 422
    fields = {e["field"] for e in response.json()["detail"]}
    assert fields == {"evidence.1", "evidence.2"}


# --- Phones ---------------------------------------------------------------------------------------

KAZAKH_SPELLINGS = [
    "+7 701 123 45 67",
    "8 701 123 45 67",
    "8(701)123-45-67",
    "8 (701) 1234567",
    "77011234567",
    "87011234567",
    "7011234567",
]


@pytest.mark.parametrize("typed", KAZAKH_SPELLINGS)
def test_every_kazakh_spelling_of_a_phone_is_one_number(typed):
    assert phone_as_given(typed) == ("+77011234567", True)


@pytest.mark.parametrize("typed", KAZAKH_SPELLINGS)
def test_the_reporters_phone_is_kept_in_e164(reference_data, typed):
    report = services.report_submit(
        draft=ReportDraft(
            category="other", narrative="Synthetic", anonymous=False, reporter_phone=typed
        ),
        submitter=WEB,
    ).report
    assert Report.objects.get(pk=report.pk).reporter_contact == {"phone": "+77011234567"}


@pytest.mark.parametrize("typed", ["8 701 123 45 6", "+7 (701) 12-34", "00 123 456 789 012"])
def test_a_phone_that_is_not_a_valid_number_never_refuses_nor_loses_a_report(reference_data, typed):
    report = services.report_submit(
        draft=ReportDraft(
            category="other",
            narrative="Synthetic",
            anonymous=False,
            reporter_phone=typed,
            identifiers=[services.Identifier(kind="phone", value=typed)],
        ),
        submitter=WEB,
    ).report
    report = Report.objects.get(pk=report.pk)
    assert report.reporter_contact == {"phone": typed, "phone_normalised": False}
    assert report.suspect["identifiers"] == [{"kind": "phone", "value": typed}]
    [identifier] = identifiers_of_owner(owner_type="intake.report", owner_id=report.pk)
    assert identifier.kind == "phone" and not identifier.normalised


@pytest.mark.parametrize("typed", ["hello", "12", "call me", "7 01"])
def test_what_is_not_a_phone_number_at_all_is_refused_with_an_example(reference_data, typed):
    with pytest.raises(services.ReportInvalid) as caught:
        services.report_submit(
            draft=ReportDraft(
                category="other", narrative="Synthetic", anonymous=False, reporter_phone=typed
            ),
            submitter=WEB,
        )
    assert "8 701 123 45 67" in caught.value.errors["reporter.phone"][0]


def test_the_staff_page_flags_a_phone_kept_as_written(client, analyst):
    report = services.report_submit(
        draft=ReportDraft(
            category="other",
            narrative="Synthetic",
            region_code="KZ-75",
            anonymous=False,
            reporter_phone="8 701 123 45 6",
        ),
        submitter=WEB,
    ).report
    client.force_login(analyst)
    html = client.get(f"/staff/reports/{report.public_id}/?lang=en").content.decode()
    assert "8 701 123 45 6" in html and "as written" in html
