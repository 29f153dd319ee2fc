"""The regions a reader may see, and the programme's coverage in them against the target."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet, Sum
from django.utils.translation import gettext as _

from qorgau.core.collation import sorted_regions
from qorgau.core.errors import NotFound
from qorgau.core.models import Region, User
from qorgau.core.permissions import Scope, require, visibility_of, visible_to
from qorgau.prevention import policies
from qorgau.prevention.models import School, Teacher
from qorgau.prevention.services import MASTER_TRAINERS_TARGET

# --- Regions --------------------------------------------------------------------------------------


def regions_for_user(*, user: User) -> QuerySet[Region]:
    """The regions whose programme the user may read: all for the central office, else their own."""
    scope = visibility_of(School).scope_for(user)
    if scope is Scope.ALL:
        return Region.objects.all()
    if scope is Scope.REGION and user.region_id:
        return Region.objects.filter(pk=user.region_id)
    return Region.objects.none()


def region_get_for_user(*, user: User, code: str) -> Region:
    region = regions_for_user(user=user).filter(code=(code or "").strip().upper()).first()
    if region is None:
        raise NotFound(_("No such region among those you may see."))
    return region


# --- Coverage -------------------------------------------------------------------------------------


def apportion(weights: dict[Any, int], total: int) -> dict[Any, int]:
    """Split `total` in proportion to `weights` by the largest remainder (Hamilton's method): whole
    numbers that add up to exactly `total`. Ties go to the larger weight, then the smaller key."""
    whole = sum(weights.values())
    if whole <= 0 or total <= 0:
        return dict.fromkeys(weights, 0)
    shares = {k: total * w / whole for k, w in weights.items()}
    result = {k: int(share) for k, share in shares.items()}
    left = total - sum(result.values())
    order = sorted(weights, key=lambda k: (-(shares[k] - result[k]), -weights[k], str(k)))
    for key in order[:left]:
        result[key] += 1
    return result


def master_trainer_targets() -> dict[int, int]:
    """Region id -> its share of the 300 master trainers, proportional to its registered schools.

    Counts every region's schools (a figure, no rows), since each share depends on all of them."""
    counts = dict(
        School.objects.values("region_id").annotate(n=Count("pk")).values_list("region_id", "n")
    )
    weights = {r: counts.get(r, 0) for r in Region.objects.values_list("pk", flat=True)}
    return apportion(weights, MASTER_TRAINERS_TARGET)


def _percent(part: int, whole: int) -> int | None:
    return round(100 * part / whole) if whole else None


@dataclass
class CoverageRow:
    region: Region | None
    target: int = 0
    master_trainers: int = 0
    teachers_trained: int = 0
    schools: int = 0
    schools_covered: int = 0
    pupils: int = 0
    pupils_covered: int = 0
    levels: dict[int, int] = field(default_factory=dict)

    @property
    def masters_percent(self) -> int | None:
        return _percent(self.master_trainers, self.target)

    @property
    def schools_percent(self) -> int | None:
        return _percent(self.schools_covered, self.schools)

    @property
    def pupils_percent(self) -> int | None:
        return _percent(self.pupils_covered, self.pupils)

    @property
    def band(self) -> str:
        """For the map: how much of the region's schools have a trained teacher (0-4, or none)."""
        percent = self.schools_percent
        if percent is None:
            return "none"
        return str(min(percent // 20, 4))

    def as_dict(self) -> dict[str, Any]:
        return {
            "region": self.region.code if self.region else None,
            "target": self.target,
            "master_trainers": self.master_trainers,
            "teachers_trained": self.teachers_trained,
            "schools": self.schools,
            "schools_covered": self.schools_covered,
            "pupils": self.pupils,
            "pupils_covered": self.pupils_covered,
            "levels": {str(k): v for k, v in sorted(self.levels.items())},
        }


@dataclass
class Coverage:
    rows: list[CoverageRow]
    national: CoverageRow | None  # the sum of every region, for the central office


def coverage_for_user(*, user: User, region: Region | None = None) -> Coverage:
    """Per region the user may read: master trainers against the target, teachers trained, schools
    with at least one trained teacher, and the pupils those schools teach; the national total for
    every reader of every region (the central office). A school counts once one of its teachers is
    certified (masters included)."""
    regions = sorted_regions(regions_for_user(user=user))
    if region is not None:
        regions = [r for r in regions if r.pk == region.pk]
    ids = [r.pk for r in regions]
    rows = {r.pk: CoverageRow(region=r) for r in regions}
    targets = master_trainer_targets()
    for pk, row in rows.items():
        row.target = targets.get(pk, 0)
    schools = visible_to(School.objects.all(), user).filter(region_id__in=ids)
    for item in schools.values("region_id").annotate(n=Count("pk"), pupils=Sum("pupils")):
        rows[item["region_id"]].schools = item["n"]
        rows[item["region_id"]].pupils = item["pupils"] or 0
    trained = Teacher.objects.filter(school=OuterRef("pk"), certified_on__isnull=False)
    covered = schools.filter(Exists(trained)).values("region_id")
    for item in covered.annotate(n=Count("pk"), pupils=Sum("pupils")):
        rows[item["region_id"]].schools_covered = item["n"]
        rows[item["region_id"]].pupils_covered = item["pupils"] or 0
    teachers = visible_to(Teacher.objects.all(), user).filter(
        region_id__in=ids, level__isnull=False
    )
    for item in teachers.values("region_id", "level").annotate(n=Count("pk")):
        row = rows[item["region_id"]]
        row.levels[item["level"]] = item["n"]
        if item["level"] == 0:
            row.master_trainers += item["n"]
        else:
            row.teachers_trained += item["n"]
    ordered = [rows[pk] for pk in ids]
    national = None
    if region is None and visibility_of(School).scope_for(user) is Scope.ALL:
        national = CoverageRow(region=None)
        for row in ordered:
            for name in (
                "target",
                "master_trainers",
                "teachers_trained",
                "schools",
                "schools_covered",
                "pupils",
                "pupils_covered",
            ):
                setattr(national, name, getattr(national, name) + getattr(row, name))
            for level, n in row.levels.items():
                national.levels[level] = national.levels.get(level, 0) + n
    return Coverage(rows=ordered, national=national)


def programme_coverage_for_user(*, user: User, region_code: str | None = None) -> Coverage:
    """The coverage for a reader of the programme (the API): a role that does not read it is
    refused (403), a region the user may not see is not found (404)."""
    require(user, policies.READ_PROGRAMME)
    region = region_get_for_user(user=user, code=region_code) if region_code else None
    return coverage_for_user(user=user, region=region)
