"""The platform API of the Red Button (a contract: extend it, never rename what is here)."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Header, Router, Schema, Status
from ninja.security import HttpBearer
from pydantic import Field

from qorgau.core.schemas import ErrorOut
from qorgau.core.services import api_token_authenticate
from qorgau.core.types import AuthedRequest
from qorgau.intake import selectors, services
from qorgau.intake.enums import Source
from qorgau.intake.services import ReportIn

router = Router(tags=["Red Button"])


class ReportAuth(HttpBearer):
    """A platform token (`manage.py create_platform_token NAME`) or a member of staff's personal
    token. Who of the staff may file a report, and into which region, is the service's to say
    (`policies.FILE_THROUGH_API`: 403 for the other roles); any other token is not one (401)."""

    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> services.Submitter | None:
        platform = services.platform_authenticate(token=token)
        if platform is not None:
            return services.Submitter(source=Source.PLATFORM, platform=platform)
        user = api_token_authenticate(token=token)
        if user is not None:
            request.user = user
            return services.Submitter(source=Source.STAFF, user=user)
        return None


class SubmitterRequest(HttpRequest):
    """The request of an operation behind `ReportAuth`: its `auth` is who sends the report. Only an
    annotation, as `AuthedRequest` is (django-ninja sets `auth` on the same `HttpRequest`)."""

    auth: services.Submitter


class ReportCreated(Schema):
    id: str
    priority: Literal["P1", "P2", "P3", "P4"]
    status: Literal["received", "in_review", "referred", "closed"]
    received_at: datetime
    region: str | None
    replayed: bool = Field(description="true when the Idempotency-Key returned an earlier report")
    notes: list[str] = Field(
        default=[],
        description="what else to know, in the request's language: a file sent twice (the same "
        "SHA-256) is kept once",
    )


class ReportStatusOut(Schema):
    id: str
    status: Literal["received", "in_review", "referred", "closed"]
    priority: Literal["P1", "P2", "P3", "P4"]
    received_at: datetime
    status_changed_at: datetime | None
    region: str | None


def _created(report: Any, replayed: bool, notes: list[str] | None = None) -> dict:
    return {
        "id": report.public_id,
        "priority": report.priority,
        "status": report.status,
        "received_at": report.created_at,
        "region": report.region.code if report.region_id else None,
        "replayed": replayed,
        "notes": notes or [],
    }


@router.post(
    "/reports",
    auth=ReportAuth(),
    response={
        201: ReportCreated,
        400: ErrorOut,
        403: ErrorOut,
        404: ErrorOut,
        409: ErrorOut,
        422: ErrorOut,
    },
    summary="Submit a report",
    description=(
        "Only `category` and `narrative` are required. Send an `Idempotency-Key` header: the same key "
        "returns the same report, never a duplicate. Errors come in the language of Accept-Language. "
        "A platform token files into any region; a staff token only an analyst's, into their own "
        "region (the default when `region` is left out): 403 for other roles, 404 for another "
        "region."
    ),
)
def report_create(
    request: SubmitterRequest,
    payload: ReportIn,
    idempotency_key: str = Header("", alias="Idempotency-Key"),
):
    language = (getattr(request, "LANGUAGE_CODE", "ru") or "ru")[:2]
    submission = services.report_submit(
        draft=services.ReportDraft.from_api(payload, language=language),
        submitter=request.auth,
        idempotency_key=idempotency_key,
        digest=services.request_digest(request.body),
    )
    return Status(201, _created(submission.report, submission.replayed, submission.notes))


@router.get(
    "/reports/{report_id}/status",
    auth=ReportAuth(),
    response={200: ReportStatusOut, 404: ErrorOut},
    summary="The status of a report you sent",
)
def report_status(request: SubmitterRequest, report_id: str):
    submitter = request.auth
    report = selectors.report_get_for_submitter(
        platform=submitter.platform, user=submitter.user, public_id=report_id
    )
    return Status(
        200,
        {
            "id": report.public_id,
            "status": report.status,
            "priority": report.priority,
            "received_at": report.created_at,
            "status_changed_at": report.status_changed_at,
            "region": report.region.code if report.region is not None else None,
        },
    )


class IdentifierOut(Schema):
    kind: str
    value: str
    normalised: bool
    # the reports it was seen in (a file's hash: "the same file in N reports")
    reports: int = 0


class SubjectOut(Schema):
    id: str
    reports: list[str] = Field(description="ids of the subject's reports that the caller may see")
    other_reports: int = Field(
        description="reports of the subject in regions the caller may not see"
    )
    cases: int
    register_entries: int
    identifiers: list[IdentifierOut]
    regions: list[str]
    first_seen: datetime
    last_seen: datetime


@router.get(
    "/subjects",
    response={200: SubjectOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="The subject behind an identifier",
    description=(
        "`identifier` is KIND:VALUE written any way a person would: `telegram:@Some_Name`, "
        "`phone:8 701 123 45 67`, `email:…`, `url:https://…`, an evidence file's "
        "`sha256:<hex>` or `md5:<hex>`. Staff token."
    ),
)
def subject_by_identifier(request: AuthedRequest, identifier: str):
    page = selectors.subject_page_for_identifier(user=request.user, identifier=identifier)
    subject = page["subject"]
    return Status(
        200,
        {
            "id": subject.public_id,
            "reports": [r.public_id for r in page["reports"]],
            "other_reports": page["hidden_reports"],
            "cases": page["cases"],
            "register_entries": page["register_entries"],
            "identifiers": [
                {
                    "kind": i.kind,
                    "value": i.value,
                    "normalised": i.normalised,
                    "reports": i.reports,
                }
                for i in page["identifiers"]
            ],
            "regions": page["region_codes"],
            "first_seen": page["first_seen"],
            "last_seen": page["last_seen"],
        },
    )
