"""Every read of the prevention app that a page or the API needs, scoped to the reader."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Exists, F, OuterRef, Q, QuerySet, Sum
from django.http import Http404
from django.utils.translation import get_language

from qorgau.core.enums import Role
from qorgau.core.models import Region, User
from qorgau.core.permissions import visibility_of, visible_to
from qorgau.prevention.enums import (
    GUIDANCE_ORDER,
    GuidanceLanguage,
    ReferralStatus,
    RoundStatus,
    VersionStatus,
)
from qorgau.prevention.models import (
    Attendance,
    GuidanceVersion,
    PartnerOrganisation,
    PartnerReferral,
    RoundReferral,
    SafeguardingRound,
    School,
    Teacher,
    TrainingSession,
)
from qorgau.prevention.services import MASTER_TRAINERS_TARGET, current_school_year

# --- Regions --------------------------------------------------------------------------------------


def regions_for_user(*, user: User) -> QuerySet[Region]:
    """The regions whose programme the user may read: all for the central office, else their own."""
    from qorgau.core.permissions import Scope

    scope = visibility_of(School).scope_for(user)
    if scope is Scope.ALL:
        return Region.objects.all()
    if scope is Scope.REGION and user.region_id:
        return Region.objects.filter(pk=user.region_id)
    return Region.objects.none()


def region_get_for_user(*, user: User, code: str) -> Region:
    region = regions_for_user(user=user).filter(code=(code or "").strip().upper()).first()
    if region is None:
        raise Http404
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
    the central office. A school counts once one of its teachers is certified (masters included)."""
    regions = list(regions_for_user(user=user))
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
    if user.role == Role.CENTRAL_OFFICE and region is None:
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


@dataclass
class RoundFigures:
    year: int
    schools: int = 0
    planned: int = 0
    done: int = 0
    pupils_seen: int = 0
    concerns_raised: int = 0
    referrals: int = 0

    @property
    def not_planned(self) -> int:
        return max(self.schools - self.planned - self.done, 0)


def round_figures_for_user(*, user: User, year: int | None = None) -> RoundFigures:
    """This school year's rounds in the regions the user reads: planned, done, counts, referrals."""
    year = year or current_school_year()
    figures = RoundFigures(year=year)
    figures.schools = visible_to(School.objects.all(), user).count()
    rounds = visible_to(SafeguardingRound.objects.all(), user).filter(school_year=year)
    done = RoundStatus.DONE
    totals = rounds.aggregate(
        planned=Count("pk", filter=Q(status=RoundStatus.PLANNED)),
        done=Count("pk", filter=Q(status=done)),
        pupils=Sum("pupils_seen", filter=Q(status=done)),
        concerns=Sum("concerns_raised", filter=Q(status=done)),
    )
    figures.planned, figures.done = totals["planned"], totals["done"]
    figures.pupils_seen, figures.concerns_raised = totals["pupils"] or 0, totals["concerns"] or 0
    figures.referrals = (
        visible_to(RoundReferral.objects.all(), user).filter(round__school_year=year).count()
    )
    return figures


# --- Schools --------------------------------------------------------------------------------------


def school_list_for_user(
    *, user: User, district: str | None = None, find: str = ""
) -> QuerySet[School]:
    qs = visible_to(School.objects.select_related("region"), user)
    if district:
        qs = qs.filter(district=district)
    if find:
        qs = qs.filter(Q(name__icontains=find) | Q(settlement__icontains=find))
    return qs.annotate(
        trained=Count("teachers", filter=Q(teachers__certified_on__isnull=False))
    ).order_by("region__name_en", "district", "settlement", "name")


def school_get_for_user(*, user: User, public_id: str) -> School:
    school = (
        visible_to(School.objects.select_related("region"), user)
        .filter(public_id=public_id)
        .first()
    )
    if school is None:
        raise Http404
    return school


def school_choices_for_user(*, user: User) -> QuerySet[School]:
    """The schools a coordinator may pick in their forms (their region's)."""
    return visible_to(School.objects.all(), user).order_by("settlement", "name")


def district_list_for_user(*, user: User) -> list[str]:
    return list(
        visible_to(School.objects.all(), user)
        .order_by("district")
        .values_list("district", flat=True)
        .distinct()
    )


# --- Teachers and the cascade ---------------------------------------------------------------------


def teacher_list_for_user(
    *, user: User, status: str | None = None, find: str = ""
) -> QuerySet[Teacher]:
    qs = visible_to(Teacher.objects.select_related("school", "region", "trained_by"), user)
    if status == "master":
        qs = qs.filter(is_master_trainer=True)
    elif status == "certified":
        qs = qs.filter(is_master_trainer=False, certified_on__isnull=False)
    elif status == "waiting":
        qs = qs.filter(certified_on__isnull=True)
    if find:
        qs = qs.filter(Q(full_name__icontains=find) | Q(school__name__icontains=find))
    return qs.annotate(trainees_count=Count("trainees")).order_by("full_name", "pk")


def teacher_get_for_user(*, user: User, public_id: str) -> Teacher:
    teacher = (
        visible_to(Teacher.objects.select_related("school", "region", "trained_by"), user)
        .filter(public_id=public_id)
        .first()
    )
    if teacher is None:
        raise Http404
    return teacher


def trainer_choices_for_user(*, user: User) -> QuerySet[Teacher]:
    """Who may give a session: master trainers and certified teachers of the user's region."""
    return (
        visible_to(Teacher.objects.select_related("school"), user)
        .filter(certified_on__isnull=False)
        .order_by("level", "full_name")
    )


def attendee_choices_for_user(*, user: User, school: School | None = None) -> QuerySet[Teacher]:
    """Teachers who may attend: those not certified yet first."""
    qs = visible_to(Teacher.objects.select_related("school"), user)
    if school is not None:
        qs = qs.filter(school=school)
    return qs.order_by(F("certified_on").asc(nulls_first=True), "full_name")


@dataclass
class CascadeNode:
    teacher: dict[str, Any]
    depth: int
    below: int  # everyone certified under this person, at any depth

    @property
    def indent(self) -> int:
        return min(self.depth, 6)


def _tree(rows: list[dict[str, Any]], roots: list[dict[str, Any]]) -> list[CascadeNode]:
    children: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in rows:
        if row["trained_by_id"] is not None:
            children[row["trained_by_id"]].append(row)
    below: dict[int, int] = {}

    def count(pk: int) -> int:
        # iterative post-order: a cascade may be deep
        stack, order = [pk], []
        while stack:
            node = stack.pop()
            order.append(node)
            stack.extend(c["pk"] for c in children.get(node, []))
        for node in reversed(order):
            below[node] = sum(1 + below[c["pk"]] for c in children.get(node, []))
        return below[pk]

    nodes: list[CascadeNode] = []
    for root in roots:
        count(root["pk"])
        stack = [(root, 0)]
        while stack:
            row, depth = stack.pop()
            nodes.append(CascadeNode(teacher=row, depth=depth, below=below[row["pk"]]))
            for child in sorted(
                children.get(row["pk"], []), key=lambda c: c["full_name"], reverse=True
            ):
                stack.append((child, depth + 1))
    return nodes


CASCADE_FIELDS = ("pk", "public_id", "full_name", "trained_by_id", "level", "school__name")


def cascade_for_user(*, user: User, region: Region | None = None) -> list[CascadeNode]:
    """The cascade of the user's region (or one region, for the central office) as a tree in
    pre-order: each master trainer, then whom they certified, and so on."""
    qs = visible_to(Teacher.objects.all(), user).filter(level__isnull=False)
    if region is not None:
        qs = qs.filter(region=region)
    rows = list(qs.values(*CASCADE_FIELDS))
    roots = sorted((r for r in rows if r["level"] == 0), key=lambda r: r["full_name"])
    return _tree(rows, roots)


def cascade_below(*, user: User, teacher: Teacher) -> list[CascadeNode]:
    """The part of the cascade under one teacher (them first)."""
    if teacher.level is None:
        return []
    rows = list(
        visible_to(Teacher.objects.all(), user)
        .filter(region_id=teacher.region_id, level__gte=teacher.level)
        .values(*CASCADE_FIELDS)
    )
    root = next((r for r in rows if r["pk"] == teacher.pk), None)
    return _tree(rows, [root]) if root else []


def cascade_above(*, teacher: Teacher) -> list[Teacher]:
    """Who trained the teacher, who trained them, up to the master trainer."""
    chain, current, seen = [], teacher.trained_by, set()
    while current is not None and current.pk not in seen:
        seen.add(current.pk)
        chain.append(current)
        current = current.trained_by
    return chain


def teacher_attendance(*, teacher: Teacher) -> QuerySet[Attendance]:
    return teacher.attendances.select_related("session", "session__trainer").order_by(
        "-session__held_on"
    )


# --- Training sessions ----------------------------------------------------------------------------


def session_list_for_user(*, user: User) -> QuerySet[TrainingSession]:
    return (
        visible_to(TrainingSession.objects.select_related("region", "trainer"), user)
        .annotate(
            attendees=Count("attendances"),
            present=Count("attendances", filter=Q(attendances__attended=True)),
            certified=Count("attendances", filter=Q(attendances__certified_on__isnull=False)),
        )
        .order_by("-held_on", "-pk")
    )


def session_get_for_user(*, user: User, public_id: str) -> TrainingSession:
    session = (
        visible_to(
            TrainingSession.objects.select_related("region", "trainer", "trainer__school"), user
        )
        .filter(public_id=public_id)
        .first()
    )
    if session is None:
        raise Http404
    return session


def session_attendances(*, session: TrainingSession) -> QuerySet[Attendance]:
    return session.attendances.select_related("teacher", "teacher__school").order_by(
        "teacher__full_name", "pk"
    )


def certificate_get_for_user(*, user: User, certificate_id: str) -> Attendance:
    attendance = (
        visible_to(
            Attendance.objects.select_related(
                "teacher", "teacher__school", "session", "session__trainer", "session__region"
            ),
            user,
        )
        .filter(certificate_id=certificate_id, certified_on__isnull=False)
        .first()
    )
    if attendance is None:
        raise Http404
    return attendance


# --- Rounds ---------------------------------------------------------------------------------------


def round_list_for_user(
    *, user: User, year: int | None = None, status: str | None = None
) -> QuerySet[SafeguardingRound]:
    qs = visible_to(SafeguardingRound.objects.select_related("school", "school__region"), user)
    if year:
        qs = qs.filter(school_year=year)
    if status:
        qs = qs.filter(status=status)
    return qs.annotate(referral_count=Count("referrals")).order_by(
        "-school_year", "planned_on", "pk"
    )


def round_get_for_user(*, user: User, public_id: str) -> SafeguardingRound:
    round_ = (
        visible_to(SafeguardingRound.objects.select_related("school", "school__region"), user)
        .filter(public_id=public_id)
        .first()
    )
    if round_ is None:
        raise Http404
    return round_


def round_referrals(*, round_: SafeguardingRound) -> list[dict[str, Any]]:
    """The referrals of a round: when, and where the report stands (its id and status only)."""
    return list(
        round_.referrals.order_by("created_at", "pk").values(
            "created_at", "report__public_id", "report__status", "report__created_at"
        )
    )


def school_rounds(*, school: School) -> QuerySet[SafeguardingRound]:
    return school.rounds.annotate(referral_count=Count("referrals")).order_by("-school_year")


def school_year_choices() -> list[int]:
    year = current_school_year()
    return [year + 1, year, year - 1, year - 2]


# --- Partners -------------------------------------------------------------------------------------


def partner_organisation_list() -> QuerySet[PartnerOrganisation]:
    """Reference data: the partners that receive referrals now."""
    return PartnerOrganisation.objects.filter(is_active=True).order_by("name")


def partner_referral_list_for_user(
    *, user: User, status: str | None = None
) -> QuerySet[PartnerReferral]:
    qs = visible_to(PartnerReferral.objects.select_related("organisation", "region"), user)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at", "-pk")


def partner_referral_get_for_user(*, user: User, public_id: str) -> PartnerReferral:
    referral = (
        visible_to(
            PartnerReferral.objects.select_related(
                "organisation", "region", "report", "case", "created_by"
            ),
            user,
        )
        .filter(public_id=public_id)
        .first()
    )
    if referral is None:
        raise Http404
    return referral


def partner_referral_feedback(*, referral: PartnerReferral) -> QuerySet:
    return referral.feedback.select_related("author").order_by("created_at", "pk")


def partner_referrals_for_report(*, user: User, report: Any) -> QuerySet[PartnerReferral]:
    return partner_referral_list_for_user(user=user).filter(report=report)


def partner_referrals_for_case(*, user: User, case: Any) -> QuerySet[PartnerReferral]:
    return partner_referral_list_for_user(user=user).filter(case=case)


@dataclass
class PartnerFigures:
    total: int
    by_status: list[tuple[str, int]]
    by_region: list[tuple[str, list[int], int]]  # region name, counts in status order, total


def partner_figures_for_user(*, user: User) -> PartnerFigures:
    """Counts of the referrals the user may see, by status and by region: no personal data."""
    qs = visible_to(PartnerReferral.objects.all(), user)
    rows = list(
        qs.values("region__name_en", "region__name_ru", "region__name_kk", "status").annotate(
            n=Count("pk")
        )
    )
    language = (get_language() or "ru")[:2]
    language = language if language in GuidanceLanguage.values else "ru"
    by_status: dict[str, int] = dict.fromkeys(ReferralStatus.values, 0)
    regions: dict[str, dict[str, int]] = {}
    for row in rows:
        name = row[f"region__name_{language}"] or row["region__name_ru"] or "—"
        by_status[row["status"]] += row["n"]
        regions.setdefault(name, dict.fromkeys(ReferralStatus.values, 0))[row["status"]] += row["n"]
    return PartnerFigures(
        total=sum(by_status.values()),
        by_status=[(ReferralStatus(s).label, n) for s, n in by_status.items()],
        by_region=[
            (name, list(counts.values()), sum(counts.values()))
            for name, counts in sorted(regions.items())
        ],
    )


# --- Guidance -------------------------------------------------------------------------------------

# Which pages the advice after a report points to, by what was reported.
GUIDANCE_FOR_CATEGORY = {
    "sextortion": ["blackmail", "pictures", "rights"],
    "grooming": ["pictures", "parents", "rights"],
    "suspicious_contact": ["pictures", "parents"],
    "abuse": ["rights", "parents"],
    "abuse_images": ["pictures", "parents", "rights"],
    "other": ["rights", "parents"],
}


def _language() -> str:
    language = (get_language() or "ru")[:2]
    return language if language in GuidanceLanguage.values else "ru"


def guidance_published(*, slug: str, language: str | None = None) -> GuidanceVersion:
    """The published version of a page in the language (Russian when it has none), or 404."""
    language = language or _language()
    versions = {
        v.language: v
        for v in GuidanceVersion.objects.select_related("page").filter(
            page__slug=slug, status=VersionStatus.PUBLISHED, language__in={language, "ru"}
        )
    }
    version = versions.get(language) or versions.get("ru")
    if version is None:
        raise Http404
    return version


def guidance_list_published(
    *, slugs: list[str] | None = None, language: str | None = None
) -> list[GuidanceVersion]:
    """The published pages (title and one line each), in their order, in the language."""
    language = language or _language()
    wanted = slugs if slugs is not None else GUIDANCE_ORDER
    found: dict[str, dict[str, GuidanceVersion]] = defaultdict(dict)
    for version in GuidanceVersion.objects.select_related("page").filter(
        page__slug__in=wanted, status=VersionStatus.PUBLISHED, language__in={language, "ru"}
    ):
        found[version.page.slug][version.language] = version
    result = []
    for slug in wanted:
        version = found[slug].get(language) or found[slug].get("ru")
        if version is not None:
            result.append(version)
    return result


def guidance_for_category(*, category: str) -> list[GuidanceVersion]:
    return guidance_list_published(slugs=GUIDANCE_FOR_CATEGORY.get(category, ["rights", "parents"]))


@dataclass
class GuidanceCell:
    slug: str
    language: str
    published: GuidanceVersion | None
    latest: GuidanceVersion | None

    @property
    def has_newer_draft(self) -> bool:
        return (
            self.latest is not None
            and self.latest.status == VersionStatus.DRAFT
            and (self.published is None or self.latest.number > self.published.number)
        )


def guidance_overview_for_user(*, user: User) -> list[tuple[str, str, list[GuidanceCell]]]:
    """For editors: each page, and per language its published version and newest draft."""
    from qorgau.prevention.enums import GuidanceSlug

    versions = visible_to(GuidanceVersion.objects.select_related("page"), user).order_by("-number")
    published: dict[tuple[str, str], GuidanceVersion] = {}
    latest: dict[tuple[str, str], GuidanceVersion] = {}
    for version in versions.defer("body_markdown", "body_html"):
        key = (version.page.slug, version.language)
        latest.setdefault(key, version)
        if version.status == VersionStatus.PUBLISHED:
            published[key] = version
    return [
        (
            slug,
            GuidanceSlug(slug).label,
            [
                GuidanceCell(slug, lang, published.get((slug, lang)), latest.get((slug, lang)))
                for lang in GuidanceLanguage.values
            ],
        )
        for slug in GUIDANCE_ORDER
    ]


def guidance_versions_for_user(
    *, user: User, slug: str, language: str
) -> QuerySet[GuidanceVersion]:
    return (
        visible_to(GuidanceVersion.objects.select_related("page", "created_by"), user)
        .filter(page__slug=slug, language=language)
        .order_by("-number")
    )


def guidance_version_get_for_user(
    *, user: User, slug: str, language: str, number: int
) -> GuidanceVersion:
    version = (
        guidance_versions_for_user(user=user, slug=slug, language=language)
        .filter(number=number)
        .first()
    )
    if version is None:
        raise Http404
    return version


def partner_referral_counts_for_user(*, user: User) -> dict[str | None, dict[str, int]]:
    """Region code -> status -> count, of the referrals the user may see (for the API)."""
    result: dict[str | None, dict[str, int]] = {}
    rows = (
        visible_to(PartnerReferral.objects.all(), user)
        .values("region__code", "status")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        counts = result.setdefault(row["region__code"], dict.fromkeys(ReferralStatus.values, 0))
        counts[row["status"]] += row["n"]
    return result
