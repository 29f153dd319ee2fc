"""A report as received: the draft, who submits it, its validation and limits."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.core.models import User
from qorgau.core.selectors import region_get_by_code
from qorgau.intake import evidence as evidence_files
from qorgau.intake.enums import Category, ChildGender, IdentifierKind, ReporterRelation
from qorgau.intake.models import Platform, Report
from qorgau.intake.services._common import _text

NARRATIVE_MAX = 20_000
MESSAGE_MAX = 10_000
NAME_MAX = 200
IDENTIFIER_MAX = 300
IDENTIFIERS_MAX = 30


class ReportInvalid(Exception):
    """Bad input: `errors` maps a field path (`child.age`, `evidence.2`) to messages in the
    requester's language."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))
        self.errors = errors


@dataclass
class Identifier:
    kind: str
    value: str


@dataclass
class ReportDraft:
    """A report as the form or the API received it, before validation."""

    category: str
    narrative: str
    language: str = "ru"
    region_code: str | None = None
    occurred_at: datetime | None = None
    child_age: int | None = None
    child_gender: str | None = None
    reporter_relation: str = ReporterRelation.OTHER
    anonymous: bool = True
    reporter_name: str = ""
    reporter_phone: str = ""
    reporter_email: str = ""
    town: str = ""
    school: str = ""
    suspect_name: str = ""
    identifiers: list[Identifier] = field(default_factory=list)
    files: list[evidence_files.IncomingFile] = field(default_factory=list)


@dataclass(frozen=True)
class Submitter:
    """Who sends a report: the public form (web or widget), a platform, or a member of staff."""

    source: str
    platform: Platform | None = None
    user: User | None = None

    @property
    def idempotency_scope(self) -> str:
        if self.platform is not None:
            return f"platform:{self.platform.pk}"
        if self.user is not None:
            return f"user:{self.user.pk}"
        return "web"


@dataclass
class Submission:
    report: Report
    receipt_code: str | None  # shown once; None for platforms and staff, and for replays
    replayed: bool = False


# --- Validation -----------------------------------------------------------------------------------


def normalise_phone(value: str) -> str | None:
    """E.164 for a phone written any Kazakh way (8 701 …, +7 (701) …, 7701…); None if it is not one."""
    try:
        number = phonenumbers.parse(value, "KZ")
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def validate(draft: ReportDraft) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """Check every field; return the cleaned values and the errors (field path -> messages)."""
    errors: dict[str, list[str]] = {}
    clean: dict[str, Any] = {}

    def error(path: str, message: str) -> None:
        errors.setdefault(path, []).append(message)

    if draft.category not in Category.values:
        error("category", _("Choose what happened."))
    clean["category"] = draft.category

    narrative = _text(draft.narrative)
    if not narrative:
        error("narrative", _("Tell us what happened, in a few words at least."))
    elif len(narrative) > NARRATIVE_MAX:
        error(
            "narrative",
            _("This is too long: at most %(max)d characters (now %(count)d).")
            % {"max": NARRATIVE_MAX, "count": len(narrative)},
        )
    clean["narrative"] = narrative

    clean["language"] = draft.language if draft.language in ("kk", "ru", "en") else "ru"

    clean["region"] = None
    if draft.region_code:
        region = region_get_by_code(code=draft.region_code)
        if region is None:
            error(
                "region",
                _("There is no region with the code “%(code)s”.")
                % {"code": draft.region_code[:20]},
            )
        clean["region"] = region

    clean["occurred_at"] = None
    if draft.occurred_at is not None:
        when = draft.occurred_at
        if timezone.is_naive(when):
            when = timezone.make_aware(when)
        if when > timezone.now() + timedelta(minutes=10):
            error("occurred_at", _("This date is in the future."))
        elif when.year < 1950:
            error("occurred_at", _("This date is too far in the past."))
        clean["occurred_at"] = when

    if draft.child_age is not None and not 0 <= draft.child_age <= 17:
        error("child.age", _("A child's age is from 0 to 17."))
    clean["child_age"] = draft.child_age
    if draft.child_gender and draft.child_gender not in ChildGender.values:
        error("child.gender", _("Choose girl, boy, or leave it empty."))
    clean["child_gender"] = draft.child_gender or ""

    if draft.reporter_relation not in ReporterRelation.values:
        error("reporter.relation", _("Choose who is reporting."))
    clean["reporter_relation"] = draft.reporter_relation

    contact: dict[str, str] = {}
    name = _text(draft.reporter_name)
    if len(name) > NAME_MAX:
        error("reporter.name", _("This name is too long."))
    if name:
        contact["name"] = name
    phone = _text(draft.reporter_phone)
    if phone:
        normalised = normalise_phone(phone)
        if normalised is None:
            error(
                "reporter.phone",
                _("This is not a phone number we can call. Example: 8 701 123 45 67."),
            )
        else:
            contact["phone"] = normalised
    email = _text(draft.reporter_email)
    if email:
        try:
            EmailValidator()(email)
            contact["email"] = email
        except ValidationError:
            error("reporter.email", _("This is not an e-mail address. Example: name@mail.kz."))
    clean["anonymous"] = bool(draft.anonymous)
    no_contact = not (contact.get("phone") or contact.get("email"))
    if (
        not draft.anonymous
        and no_contact
        and not {"reporter.phone", "reporter.email"} & set(errors)
    ):
        error(
            "reporter.phone",
            _("Give a phone number or an e-mail, or choose to stay anonymous."),
        )
    clean["reporter_contact"] = None if draft.anonymous else (contact or None)

    location = {
        k: v for k, v in (("town", _text(draft.town)), ("school", _text(draft.school))) if v
    }
    for key, value in location.items():
        if len(value) > NAME_MAX:
            error(key, _("This is too long."))
    clean["location"] = location or None

    suspect_name = _text(draft.suspect_name)
    if len(suspect_name) > NAME_MAX:
        error("suspect.name", _("This name is too long."))
    identifiers = []
    if len(draft.identifiers) > IDENTIFIERS_MAX:
        error("suspect.identifiers", _("At most %(max)d identifiers.") % {"max": IDENTIFIERS_MAX})
    for index, item in enumerate(draft.identifiers[:IDENTIFIERS_MAX]):
        path = f"suspect.identifiers.{index}"
        value = _text(item.value)
        if not value:
            continue
        if item.kind not in IdentifierKind.values:
            error(path, _("Unknown kind of identifier."))
            continue
        if len(value) > IDENTIFIER_MAX:
            error(path, _("This is too long."))
            continue
        if (
            item.kind in (IdentifierKind.PHONE, IdentifierKind.WHATSAPP)
            and not any(c.isdigit() for c in value)
            and not value.startswith("@")
        ):
            error(path, _("This is not a phone number. Example: 8 701 123 45 67."))
            continue
        if item.kind == IdentifierKind.PHONE and sum(c.isdigit() for c in value) < 5:
            error(path, _("This is not a phone number. Example: 8 701 123 45 67."))
            continue
        if item.kind == IdentifierKind.EMAIL and "@" not in value:
            error(path, _("This is not an e-mail address. Example: name@mail.kz."))
            continue
        if item.kind == IdentifierKind.URL:
            try:
                URLValidator(schemes=["http", "https"])(
                    value if "://" in value else f"https://{value}"
                )
            except ValidationError:
                error(path, _("This is not a link. Example: https://example.com/page."))
                continue
        identifiers.append({"kind": item.kind, "value": value})
    suspect = {}
    if suspect_name:
        suspect["name"] = suspect_name
    if identifiers:
        suspect["identifiers"] = identifiers
    clean["suspect"] = suspect or None

    try:
        evidence_files.check_limits(draft.files)
    except evidence_files.EvidenceRejected as exc:
        error("evidence", str(exc))
    sniffed = []
    for index, item in enumerate(draft.files):
        if item.content is None:
            if not _is_sha256(item.sha256):
                error(f"evidence.{index}", _("A file's SHA-256 must be 64 hexadecimal characters."))
            sniffed.append(None)
            continue
        kind = evidence_files.sniff(item.content)
        if kind is None:
            error(
                f"evidence.{index}",
                _("“%(name)s” cannot be accepted: send pictures, PDF, text or chat exports.")
                % {"name": item.filename[:80] or "?"},
            )
        digest = evidence_files.sha256_hex(item.content)
        if item.sha256 and item.sha256.lower() != digest:
            error(f"evidence.{index}", _("The file's content does not match its SHA-256."))
        sniffed.append(kind)
    clean["sniffed"] = sniffed
    return clean, errors


def _is_sha256(value: str) -> bool:
    return len(value or "") == 64 and all(c in "0123456789abcdefABCDEF" for c in value)


def request_digest(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()
