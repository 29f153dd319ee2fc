from __future__ import annotations

from ninja import Router, Schema

from qorgau.core import selectors
from qorgau.core.types import AuthedRequest

router = Router(tags=["people and reference data"])


class RegionOut(Schema):
    code: str
    name_kk: str
    name_ru: str
    name_en: str
    kind: str


class MeOut(Schema):
    username: str
    full_name: str
    role: str
    region: str | None
    gender: str | None
    language: str


@router.get("/me", response=MeOut, summary="The member of staff this token belongs to")
def me(request: AuthedRequest) -> MeOut:
    user = request.user
    return MeOut(
        username=user.username,
        full_name=user.full_name,
        role=user.role,
        region=user.region.code if user.region else None,
        gender=user.gender or None,
        language=user.language,
    )


@router.get("/regions", response=list[RegionOut], summary="The 20 regions (reference data)")
def regions(request: AuthedRequest) -> list:
    return list(selectors.region_list())
