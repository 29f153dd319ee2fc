"""School years and schools: registering one school, and the schools CSV import."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.core.csv_import import Checked, ImportResult, Row, RowError, import_csv
from qorgau.core.models import Region, User
from qorgau.core.permissions import Policy, may, require, service
from qorgau.core.services import audit_append
from qorgau.prevention import policies
from qorgau.prevention.enums import InstructionLanguage, SettlementKind
from qorgau.prevention.models import School
from qorgau.prevention.services._common import (
    NAME_MAX,
    PUPILS_MAX,
    PreventionRefused,
    _refuse_validation,
    _text,
)

# --- School years ---------------------------------------------------------------------------------


def school_year_of(day: date) -> int:
    """The school year a day falls in, named by its first year (1 September to 31 August)."""
    return day.year if day.month >= 9 else day.year - 1


def current_school_year() -> int:
    return school_year_of(timezone.localdate())


def school_year_bounds(year: int) -> tuple[date, date]:
    return date(year, 9, 1), date(year + 1, 8, 31)


# --- Schools --------------------------------------------------------------------------------------

SETTLEMENT_WORDS = {
    SettlementKind.TOWN: {"town", "city", "город", "қала", "gorod", "qala"},
    SettlementKind.VILLAGE: {"village", "село", "ауыл", "аул", "посёлок", "поселок", "auyl", "aul"},
}
LANGUAGE_WORDS = {
    InstructionLanguage.KAZAKH: {"kk", "kz", "kazakh", "казахский", "қазақ", "қазақша"},
    InstructionLanguage.RUSSIAN: {"ru", "russian", "русский", "орыс"},
    InstructionLanguage.UZBEK: {"uz", "uzbek", "узбекский", "өзбек"},
    InstructionLanguage.UYGHUR: {"ug", "uyghur", "уйгурский", "ұйғыр"},
    InstructionLanguage.TAJIK: {"tg", "tajik", "таджикский", "тәжік"},
    InstructionLanguage.ENGLISH: {"en", "english", "английский", "ағылшын"},
}


@dataclass
class SchoolInput:
    name: str
    region_code: str
    district: str
    settlement: str
    settlement_kind: str
    pupils: int | str | None
    languages: list[str] | str = field(default_factory=list)


def _settlement_kind(value: str) -> str | None:
    word = _text(value).lower()
    for kind, words in SETTLEMENT_WORDS.items():
        if word in words:
            return str(kind)
    return None


def parse_languages(value: list[str] | str) -> tuple[list[str], list[str]]:
    """(language codes in a stable order, the words that are no language we know)."""
    words = value if isinstance(value, list) else re.split(r"[;,/|+\s]+", value or "")
    found, unknown = set(), []
    for word in (w.strip().lower() for w in words):
        if not word:
            continue
        code = next((c for c, names in LANGUAGE_WORDS.items() if word in names), None)
        if code is None:
            unknown.append(word)
        else:
            found.add(str(code))
    order = [str(c) for c in InstructionLanguage.values]
    return sorted(found, key=order.index), unknown


def school_validate(
    data: SchoolInput,
    *,
    acting_user: User | None,
    regions: dict[str, Region] | None = None,
    policy: Policy = policies.CREATE_SCHOOL,
) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Check one school; return the cleaned values and the errors (field -> messages). A region
    the user may not register schools in (`policy`) is an error of the field, or of the row."""
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}

    def error(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    code = _text(data.region_code).upper()
    region = regions.get(code) if regions is not None else Region.objects.filter(code=code).first()
    if region is None:
        error("region", _("There is no region with the code “%(code)s”.") % {"code": code[:20]})
    elif not may(acting_user, policy, region):
        error(
            "region",
            _(
                "This school is in another region (%(code)s): you register schools of your region only."
            )
            % {"code": region.code},
        )
    clean["region"] = region
    for name, label in (
        ("name", _("the name")),
        ("district", _("the district")),
        ("settlement", _("the town or village")),
    ):
        value = _text(getattr(data, name))
        if not value:
            error(name, _("Give %(what)s.") % {"what": label})
        elif len(value) > (NAME_MAX if name == "name" else 120):
            error(name, _("This is too long."))
        clean[name] = value
    kind = _settlement_kind(data.settlement_kind)
    if kind is None:
        error("settlement_kind", _("Say whether it is a town or a village."))
    clean["settlement_kind"] = kind
    pupils = data.pupils
    try:
        pupils = int(_text(pupils)) if not isinstance(pupils, int) else pupils
    except ValueError:
        pupils = None
    if pupils is None or not 0 <= pupils <= PUPILS_MAX:
        error(
            "pupils",
            _("The number of pupils is a whole number from 0 to %(max)d.") % {"max": PUPILS_MAX},
        )
    clean["pupils"] = pupils
    languages, unknown = parse_languages(data.languages)
    if unknown:
        error(
            "languages",
            _("Unknown languages of instruction: %(words)s.") % {"words": ", ".join(unknown)[:100]},
        )
    elif not languages:
        error("languages", _("Give at least one language of instruction."))
    clean["languages"] = languages
    return clean, errors


@service
def school_create(*, acting_user: User | None, data: SchoolInput) -> School:
    """Register one school (the coordinator in their region, or the central office)."""
    require(acting_user, policies.CREATE_SCHOOL)
    clean, errors = school_validate(data, acting_user=acting_user)
    if errors:
        raise PreventionRefused(errors=errors)
    school = School(**clean)
    try:
        school.full_clean()
    except ValidationError as exc:
        raise _refuse_validation(exc) from exc
    school.save(force_insert=True)
    audit_append(
        actor=acting_user,
        action="school.create",
        obj=school,
        region=school.region,
        details={"pupils": school.pupils},
    )
    return school


SCHOOL_COLUMNS = [
    "region",
    "district",
    "settlement",
    "settlement_kind",
    "name",
    "pupils",
    "languages",
]


# An import whose rows are refused writes nothing, not even its entry; every write is audited.
@service(audit=False)
def school_import_csv(
    *, acting_user: User | None, text: str, good_rows: bool = False
) -> ImportResult:
    """Import schools from CSV (columns: region, district, settlement, settlement_kind, name,
    pupils, languages). Every row is checked; each bad row is reported with its line and reason.
    Nothing is imported when a row is bad, unless `good_rows`. A school already registered (same
    region, district, town and name) gets the new pupils and languages."""
    require(acting_user, policies.IMPORT_SCHOOLS)
    regions = {r.code: r for r in Region.objects.all()}

    def check(rows: list[Row]) -> Checked[dict[str, Any]]:
        checked: Checked[dict[str, Any]] = Checked()
        seen: dict[tuple, int] = {}
        for line, row in rows:
            clean, errors = school_validate(
                SchoolInput(
                    name=row.get("name", ""),
                    region_code=row.get("region", ""),
                    district=row.get("district", ""),
                    settlement=row.get("settlement", ""),
                    settlement_kind=row.get("settlement_kind", ""),
                    pupils=row.get("pupils", ""),
                    languages=row.get("languages", ""),
                ),
                acting_user=acting_user,
                regions=regions,
                policy=policies.IMPORT_SCHOOLS,
            )
            if errors:
                reasons = " ".join(m for messages in errors.values() for m in messages)
                checked.errors.append(RowError(line, reasons))
                continue
            key = (clean["region"].pk, clean["district"], clean["settlement"], clean["name"])
            if key in seen:
                checked.errors.append(
                    RowError(line, _("The same school as on line %(line)d.") % {"line": seen[key]})
                )
                continue
            seen[key] = line
            checked.good.append(clean)
        return checked

    def write(cleaned: list[dict[str, Any]], result: ImportResult) -> None:
        _upsert_schools(cleaned, result)
        result.imported = len(cleaned)
        audit_append(
            actor=acting_user,
            action="school.import",
            object_type="prevention.school",
            region=acting_user.region if acting_user is not None else None,
            details={
                "rows": result.rows,
                "created": result.created,
                "updated": result.updated,
                "bad_rows": len(result.errors),
            },
        )

    return import_csv(
        text=text, required=SCHOOL_COLUMNS, check=check, write=write, good_rows=good_rows
    )


def _upsert_schools(cleaned: list[dict[str, Any]], result: ImportResult) -> None:
    region_ids = {c["region"].pk for c in cleaned}
    existing = {
        (s.region_id, s.district, s.settlement, s.name): s
        for s in School.objects.filter(region_id__in=region_ids).select_for_update()
    }
    new, changed = [], []
    now = timezone.now()
    for clean in cleaned:
        key = (clean["region"].pk, clean["district"], clean["settlement"], clean["name"])
        school = existing.get(key)
        if school is None:
            new.append(School(**clean))
            continue
        if (school.pupils, school.languages, school.settlement_kind) == (
            clean["pupils"],
            clean["languages"],
            clean["settlement_kind"],
        ):
            result.unchanged += 1
            continue
        school.pupils, school.languages = clean["pupils"], clean["languages"]
        school.settlement_kind, school.updated_at = clean["settlement_kind"], now
        changed.append(school)
    School.objects.bulk_create(new, batch_size=1000)
    School.objects.bulk_update(
        changed, ["pupils", "languages", "settlement_kind", "updated_at"], batch_size=1000
    )
    result.created, result.updated = len(new), len(changed)
