"""The offenders API (staff token): register entries and name search across alphabets.

Who may do what is the services' and selectors' policies (offenders/policies.py); their refusals
are answered by the API's one handler (qorgau/api.py)."""

from __future__ import annotations

from datetime import date
from typing import Literal

from ninja import Router, Schema, Status
from pydantic import Field

from qorgau.core.schemas import ErrorOut
from qorgau.core.types import AuthedRequest
from qorgau.offenders import selectors, services
from qorgau.offenders.enums import PersonStatus

router = Router(tags=["offenders"])


class PersonIdentifierIn(Schema):
    kind: str
    value: str


class PersonIn(Schema):
    full_name: str
    date_of_birth: date
    iin: str | None = Field(
        None, description="12 digits; its date part and check digit are validated"
    )
    full_name_latin: str | None = None
    aliases: list[str] = []
    identifiers: list[PersonIdentifierIn] = []
    status: Literal["in_custody", "supervised", "ended"] = "in_custody"
    region: str | None = Field(
        None, description="ISO 3166-2:KZ code; the facility's region if omitted"
    )
    facility: str | None = Field(None, description="the facility's name")


class PersonOut(Schema):
    id: str
    full_name: str
    date_of_birth: date
    status: str
    region: str


class SearchHitOut(Schema):
    id: str
    full_name: str
    date_of_birth: date
    status: str
    region: str
    score: float


def _out(person) -> dict:
    return {
        "id": person.public_id,
        "full_name": person.full_name,
        "date_of_birth": person.date_of_birth,
        "status": person.status,
        "region": person.region.code,
    }


@router.post(
    "/offenders",
    response={201: PersonOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut},
    summary="Create a register entry",
)
def person_create(request: AuthedRequest, payload: PersonIn):
    user = request.user
    facility = None
    if payload.facility:
        facility = selectors.facility_for_registering(user=user, name=payload.facility)
    region = payload.region or (user.region.code if user.region else "")
    person = services.person_create(
        acting_user=user,
        data=services.PersonInput(
            full_name=payload.full_name,
            date_of_birth=payload.date_of_birth,
            iin=payload.iin or "",
            full_name_latin=payload.full_name_latin or "",
            aliases=payload.aliases,
            identifiers=[i.model_dump() for i in payload.identifiers],
            status=payload.status or PersonStatus.IN_CUSTODY,
            region_code=region,
            facility=facility,
        ),
    )
    return Status(201, _out(person))


@router.get(
    "/offenders/search",
    response={200: list[SearchHitOut], 403: ErrorOut},
    summary="Register entries ranked by name similarity, across alphabets",
)
def person_search(request: AuthedRequest, name: str, limit: int = 20):
    hits = selectors.person_search(user=request.user, name=name, limit=max(1, min(limit, 100)))
    return Status(200, [{**_out(h.person), "score": h.score} for h in hits])
