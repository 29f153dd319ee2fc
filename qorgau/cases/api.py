"""The cases API (staff token): register a case, read it, move its stage.

Who may do each is the services' (cases/policies.py); their refusals are answered by the API's one
handler for `ServiceError` (qorgau/api.py): 403 with the policy's message, 404, 409, 422 by field."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Router, Schema, Status
from pydantic import Field

from qorgau.cases import selectors, services
from qorgau.cases.models import Case
from qorgau.core.schemas import ErrorOut
from qorgau.core.types import AuthedRequest

router = Router(tags=["criminal cases"])

StageLiteral = Literal["pretrial", "in_court", "convicted", "acquitted", "closed"]


class VictimIn(Schema):
    age: int | None = None
    gender: Literal["f", "m"] | None = None
    preferred_prosecutor_gender: Literal["f", "m"] | None = None


class CaseSuspectIn(Schema):
    name: str | None = None
    identifiers: list[dict[str, str]] = []


class CaseIn(Schema):
    registry_number: str
    articles: list[str]
    region: str = Field(description="ISO 3166-2:KZ code, e.g. KZ-75")
    victims: list[VictimIn] = []
    suspects: list[CaseSuspectIn] = []
    opened_on: date | None = None
    report: str | None = Field(None, description="id of the Red Button report the case comes from")


class CasePatch(Schema):
    stage: StageLiteral
    on: date | None = None
    reason: str = ""


class ProsecutorOut(Schema):
    id: int
    name: str
    gender: Literal["f", "m"]


class VictimOut(Schema):
    age: int | None
    gender: str | None
    preferred_prosecutor_gender: str | None


class CaseOut(Schema):
    id: str
    registry_number: str
    articles: list[str]
    region: str
    stage: StageLiteral
    prosecutor: ProsecutorOut | None
    unassigned_reason: str | None
    covered: bool
    victims: list[VictimOut]
    report: str | None
    handover_deadline: datetime | None


def case_out(case: Case) -> dict:
    holder = case.prosecutor
    return {
        "id": case.public_id,
        "registry_number": case.registry_number,
        "articles": sorted(a.number for a in case.articles.all()),
        "region": case.region.code,
        "stage": case.stage,
        "prosecutor": (
            {"id": holder.pk, "name": holder.user.get_full_name(), "gender": holder.user.gender}
            if holder
            else None
        ),
        "unassigned_reason": case.unassigned_reason or None,
        "covered": case.covered,
        "victims": [
            {
                "age": v.age,
                "gender": v.gender or None,
                "preferred_prosecutor_gender": v.preferred_prosecutor_gender or None,
            }
            for v in case.victims.all()
        ],
        "report": case.report.public_id if case.report is not None else None,
        "handover_deadline": case.handover_deadline,
    }


@router.post(
    "/cases",
    response={201: CaseOut, 403: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Register a criminal case",
)
def case_create(request: AuthedRequest, payload: CaseIn):
    data = services.CaseInput(
        registry_number=payload.registry_number,
        articles=payload.articles,
        region_code=payload.region,
        victims=[
            services.VictimInput(
                age=v.age,
                gender=v.gender or "",
                preferred_prosecutor_gender=v.preferred_prosecutor_gender or "",
            )
            for v in payload.victims
        ],
        suspects=[
            services.SuspectInput(name=s.name or "", identifiers=s.identifiers)
            for s in payload.suspects
        ],
        opened_on=payload.opened_on,
        report_id=payload.report or "",
    )
    case = services.case_create(acting_user=request.user, data=data)
    case = (
        Case.objects.select_related("region", "prosecutor__user", "report")
        .prefetch_related("articles", "victims")
        .get(pk=case.pk)
    )
    return Status(201, case_out(case))


@router.get(
    "/cases/{case_id}", response={200: CaseOut, 404: ErrorOut}, summary="A case you may see"
)
def case_get(request: AuthedRequest, case_id: str):
    case = selectors.case_get_for_user(user=request.user, public_id=case_id)
    return Status(200, case_out(case))


@router.patch(
    "/cases/{case_id}",
    response={200: CaseOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut},
    summary="Move the stage of a case",
)
def case_patch(request: AuthedRequest, case_id: str, payload: CasePatch):
    case = selectors.case_get_for_user(user=request.user, public_id=case_id)
    services.case_move_stage(
        case=case,
        stage=payload.stage,
        on=payload.on,
        reason=payload.reason,
        acting_user=request.user,
    )
    return Status(200, case_out(selectors.case_get_for_user(user=request.user, public_id=case_id)))
