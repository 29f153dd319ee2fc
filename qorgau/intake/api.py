"""The platform API of the Red Button (a contract: extend it, never rename what is here)."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Any, Literal

from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Header, Router, Schema, Status
from ninja.errors import HttpError
from ninja.security import HttpBearer
from pydantic import Field

from qorgau.core.enums import Role
from qorgau.core.schemas import ErrorOut
from qorgau.core.services import api_token_authenticate
from qorgau.intake import selectors, services
from qorgau.intake.enums import Source
from qorgau.intake.evidence import IncomingFile

router = Router(tags=["Red Button"])

CategoryLiteral = Literal[
    "grooming", "suspicious_contact", "sextortion", "abuse", "abuse_images", "other"
]
IdentifierKindLiteral = Literal[
    "phone",
    "email",
    "telegram",
    "instagram",
    "tiktok",
    "whatsapp",
    "vk",
    "snapchat",
    "discord",
    "youtube",
    "url",
    "other",
]


class ReportAuth(HttpBearer):
    """A platform token (`manage.py create_platform_token NAME`) or a staff member's personal token."""

    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str) -> services.Submitter | None:
        platform = services.platform_authenticate(token=token)
        if platform is not None:
            return services.Submitter(source=Source.PLATFORM, platform=platform)
        user = api_token_authenticate(token=token)
        if user is not None and user.role != Role.ADMIN:
            request.user = user
            return services.Submitter(source=Source.STAFF, user=user)
        return None


class ChildIn(Schema):
    age: int | None = Field(None, description="0–17")
    gender: Literal["f", "m"] | None = None


class ReporterIn(Schema):
    relation: Literal["child", "parent", "teacher", "witness", "platform", "other"] = "platform"
    anonymous: bool = True
    name: str | None = None
    phone: str | None = None
    email: str | None = None


class IdentifierIn(Schema):
    kind: IdentifierKindLiteral
    value: str


class SuspectIn(Schema):
    name: str | None = None
    identifiers: list[IdentifierIn] = []


class EvidenceIn(Schema):
    filename: str = ""
    sha256: str | None = Field(None, description="hex SHA-256; required when no content is sent")
    content_base64: str | None = None


class ReportIn(Schema):
    category: CategoryLiteral
    narrative: str
    language: Literal["kk", "ru", "en"] | None = None
    region: str | None = Field(None, description="ISO 3166-2:KZ code, e.g. KZ-75")
    occurred_at: datetime | None = None
    child: ChildIn | None = None
    reporter: ReporterIn | None = None
    suspect: SuspectIn | None = None
    evidence: list[EvidenceIn] = []


class ReportCreated(Schema):
    id: str
    priority: Literal["P1", "P2", "P3", "P4"]
    status: Literal["received", "in_review", "referred", "closed"]
    received_at: datetime
    region: str | None
    replayed: bool = Field(description="true when the Idempotency-Key returned an earlier report")


class ReportStatusOut(Schema):
    id: str
    status: Literal["received", "in_review", "referred", "closed"]
    priority: Literal["P1", "P2", "P3", "P4"]
    received_at: datetime
    status_changed_at: datetime | None
    region: str | None


def _decode_evidence(items: list[EvidenceIn]) -> list[IncomingFile]:
    files = []
    for index, item in enumerate(items):
        content = None
        if item.content_base64:
            try:
                content = base64.b64decode(item.content_base64, validate=True)
            except (binascii.Error, ValueError) as exc:
                raise services.ReportInvalid(
                    {f"evidence.{index}": [_("The file content is not valid base64.")]}
                ) from exc
        files.append(
            IncomingFile(filename=item.filename, content=content, sha256=item.sha256 or "")
        )
    return files


def _draft(payload: ReportIn, request: HttpRequest) -> services.ReportDraft:
    child = payload.child or ChildIn()
    reporter = payload.reporter or ReporterIn()
    suspect = payload.suspect or SuspectIn()
    return services.ReportDraft(
        category=payload.category,
        narrative=payload.narrative,
        language=payload.language or (getattr(request, "LANGUAGE_CODE", "ru") or "ru")[:2],
        region_code=payload.region,
        occurred_at=payload.occurred_at,
        child_age=child.age,
        child_gender=child.gender,
        reporter_relation=reporter.relation,
        anonymous=reporter.anonymous,
        reporter_name=reporter.name or "",
        reporter_phone=reporter.phone or "",
        reporter_email=reporter.email or "",
        suspect_name=suspect.name or "",
        identifiers=[services.Identifier(kind=i.kind, value=i.value) for i in suspect.identifiers],
        files=_decode_evidence(payload.evidence),
    )


def _created(report: Any, replayed: bool) -> dict:
    return {
        "id": report.public_id,
        "priority": report.priority,
        "status": report.status,
        "received_at": report.created_at,
        "region": report.region.code if report.region_id else None,
        "replayed": replayed,
    }


@router.post(
    "/reports",
    auth=ReportAuth(),
    response={201: ReportCreated, 400: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Submit a report",
    description=(
        "Only `category` and `narrative` are required. Send an `Idempotency-Key` header: the same key "
        "returns the same report, never a duplicate. Errors come in the language of Accept-Language."
    ),
)
def report_create(
    request: HttpRequest,
    payload: ReportIn,
    idempotency_key: str = Header("", alias="Idempotency-Key"),
):
    submitter: services.Submitter = request.auth
    try:
        submission = services.report_submit(
            draft=_draft(payload, request),
            submitter=submitter,
            idempotency_key=idempotency_key,
            digest=services.request_digest(request.body),
        )
    except services.ReportInvalid as exc:
        errors = [{"field": k, "message": " ".join(v)} for k, v in exc.errors.items()]
        return Status(409 if "idempotency_key" in exc.errors else 422, {"detail": errors})
    return Status(201, _created(submission.report, submission.replayed))


@router.get(
    "/reports/{report_id}/status",
    auth=ReportAuth(),
    response={200: ReportStatusOut, 404: ErrorOut},
    summary="The status of a report you sent",
)
def report_status(request: HttpRequest, report_id: str):
    submitter: services.Submitter = request.auth
    try:
        report = selectors.report_get_for_submitter(
            platform=submitter.platform, user=submitter.user, public_id=report_id
        )
    except Http404 as exc:
        raise HttpError(404, _("No such report.")) from exc
    return Status(
        200,
        {
            "id": report.public_id,
            "status": report.status,
            "priority": report.priority,
            "received_at": report.created_at,
            "status_changed_at": report.status_changed_at,
            "region": report.region.code if report.region_id else None,
        },
    )


class IdentifierOut(Schema):
    kind: str
    value: str
    normalised: bool


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
        "`phone:8 701 123 45 67`, `email:…`, `url:https://…`. Staff token."
    ),
)
def subject_by_identifier(request: HttpRequest, identifier: str):
    from qorgau.core.permissions import visibility_of
    from qorgau.intake.models import Report
    from qorgau.linking import identifiers as ids
    from qorgau.linking.selectors import subject_by_identifier as find

    if visibility_of(Report).scope_for(request.user) is None:
        return Status(403, {"detail": _("Your role does not give access to reports.")})
    found = ids.parse_query(identifier)
    if found is None:
        return Status(
            422,
            {
                "detail": [
                    {
                        "field": "identifier",
                        "message": _("Write it as KIND:VALUE, for example telegram:some_name."),
                    }
                ]
            },
        )
    subject = find(found=found)
    if subject is None:
        return Status(404, {"detail": _("No subject has this identifier.")})
    try:
        page = selectors.subject_page_for_user(user=request.user, public_id=subject.public_id)
    except Http404:
        return Status(404, {"detail": _("No subject has this identifier.")})
    codes = sorted({u.region.code for u in _uses(subject) if u.region is not None})
    return Status(
        200,
        {
            "id": subject.public_id,
            "reports": [r.public_id for r in page["reports"]],
            "other_reports": page["hidden_reports"],
            "cases": page["cases"],
            "register_entries": page["register_entries"],
            "identifiers": [
                {"kind": i.kind, "value": i.value, "normalised": i.normalised}
                for i in page["identifiers"]
            ],
            "regions": codes,
            "first_seen": page["first_seen"],
            "last_seen": page["last_seen"],
        },
    )


def _uses(subject):
    from qorgau.linking.selectors import uses_of_subject

    return uses_of_subject(subject=subject)
