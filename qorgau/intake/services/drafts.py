"""A report as received: one model for the API, the form and the service, with its limits and checks.

`ReportIn` and its parts are the body of `POST /api/v1/reports`, the contract platforms code against
(extend it, never rename what is here). `ReportDraft` is what `report_submit` takes: the same fields,
and what only the public form asks (town, school) and the files as read from its uploads. Building
the model checks types (the API answers 422 for a body that does not parse); `validate` checks
values and limits, once for every way in, with messages in the requester's language and error paths
in the API's shape (`child.age`, `suspect.identifiers.0`, `evidence.2`), which the form maps back to
its fields. Choices are plain strings that `validate` checks (so that every caller reads the same
message); the schema still lists them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Annotated, Any, Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Schema
from pydantic import ConfigDict, Field, InstanceOf, WithJsonSchema

from qorgau.core.errors import FieldErrors, InvalidInput
from qorgau.core.models import User
from qorgau.core.selectors import region_get_by_code
from qorgau.intake import evidence as evidence_files
from qorgau.intake.enums import Category, ChildGender, IdentifierKind, ReporterRelation
from qorgau.intake.models import Platform, Report
from qorgau.intake.services._common import _text
from qorgau.linking.identifiers import normalise_phone

# --- Limits (the form's `maxlength`s are these too) -----------------------------------------------

NARRATIVE_MAX = 20_000
MESSAGE_MAX = 10_000
NAME_MAX = 200  # a name, an e-mail, a town, a school
PHONE_MAX = 40
IDENTIFIER_MAX = 300
IDENTIFIERS_MAX = 30
REASON_MAX = 1000  # an analyst's reason for an action (the message says 1000)
# Fewer digits than this is not a phone number at all ("call me", "12"); with as many, what was
# typed is kept even when it is not a number we know how to write (linking flags it).
PHONE_MIN_DIGITS = 5
LANGUAGES = ("kk", "ru", "en")


def _choices(values: list[str]) -> dict[str, Any]:
    return {"enum": list(values), "type": "string"}


CategoryName = Annotated[str, WithJsonSchema(_choices(Category.values))]
RelationName = Annotated[str, WithJsonSchema(_choices(ReporterRelation.values))]
GenderName = Annotated[str, WithJsonSchema(_choices(ChildGender.values))]
KindName = Annotated[str, WithJsonSchema(_choices(IdentifierKind.values))]


class ReportInvalid(InvalidInput):
    """Bad input: `errors` maps a field path (`child.age`, `evidence.2`) to messages in the
    requester's language. An idempotency key already used for another report is a conflict (409)."""


# --- The contract: the API's body -----------------------------------------------------------------


class ChildIn(Schema):
    age: int | None = Field(default=None, description="0–17")
    gender: GenderName | None = None


class ReporterIn(Schema):
    relation: RelationName = ReporterRelation.PLATFORM.value
    anonymous: bool = True
    name: str | None = None
    phone: str | None = None
    email: str | None = None


class IdentifierIn(Schema):
    kind: KindName
    value: str


class SuspectIn(Schema):
    name: str | None = None
    identifiers: list[IdentifierIn] = []


class EvidenceIn(Schema):
    filename: str = ""
    sha256: str | None = Field(
        default=None, description="hex SHA-256; required when no content is sent"
    )
    content_base64: str | None = Field(
        default=None,
        description="the file in base64: a picture, a voice note or a video, a PDF, text or a "
        "chat export (its type is told from the content); a file sent twice is kept once",
    )


class ReportIn(Schema):
    category: CategoryName
    narrative: str
    language: Literal["kk", "ru", "en"] | None = None
    region: str | None = Field(default=None, description="ISO 3166-2:KZ code, e.g. KZ-75")
    occurred_at: datetime | None = None
    child: ChildIn | None = None
    reporter: ReporterIn | None = None
    suspect: SuspectIn | None = None
    evidence: list[EvidenceIn] = []


# An identifier of the other person, as `Identifier(kind=..., value=...)` (its name before the model).
Identifier = IdentifierIn

# The flat names a draft was built with before it was this model: name -> (part, field).
_FLAT_NAMES = {
    "region_code": (None, "region"),
    "child_age": ("child", "age"),
    "child_gender": ("child", "gender"),
    "reporter_relation": ("reporter", "relation"),
    "anonymous": ("reporter", "anonymous"),
    "reporter_name": ("reporter", "name"),
    "reporter_phone": ("reporter", "phone"),
    "reporter_email": ("reporter", "email"),
    "suspect_name": ("suspect", "name"),
    "identifiers": ("suspect", "identifiers"),
}


class ReportDraft(ReportIn):
    """A report as the form, the API, a school round or the demo data received it, before `validate`.

    Built with the API's names (`child=ChildIn(age=12)`) or with the flat ones other apps use
    (`child_age=12`, `reporter_phone=…`, `identifiers=[Identifier(…)]`, `region_code=…`). Without a
    reporter, the reporter is anonymous and "someone else"."""

    # A misspelt name is an error, not a field silently dropped.
    model_config = ConfigDict(arbitrary_types_allowed=True, extra="forbid")

    town: str = ""
    school: str = ""
    # The files as read (the form's uploads); the API's `evidence` is decoded by `validate`.
    files: list[InstanceOf[evidence_files.IncomingFile]] = Field(default_factory=list)

    def __init__(self, **data: Any) -> None:
        super().__init__(**_nested(data))

    @classmethod
    def from_api(cls, payload: ReportIn, *, language: str) -> ReportDraft:
        """The API's body as a draft, without parsing it again. A platform's reporter is the
        platform, unless the body says who; the language is the request's, unless it says one."""
        fields = dict(payload)
        fields["language"] = payload.language or language
        fields["reporter"] = payload.reporter or ReporterIn()
        return cls.model_construct(**fields, files=[])


def _nested(data: dict[str, Any]) -> dict[str, Any]:
    """The draft's fields from keyword arguments that may use the flat names."""
    if not _FLAT_NAMES.keys() & data.keys():
        return data
    data = dict(data)
    parts: dict[str, dict[str, Any]] = {}
    for flat, (part, name) in _FLAT_NAMES.items():
        if flat not in data:
            continue
        value = data.pop(flat)
        if part is None:
            data[name] = value
            continue
        if part in data:
            raise TypeError(f"give {part} or {flat}, not both")
        parts.setdefault(part, {})[name] = value
    if "reporter" in parts:
        parts["reporter"].setdefault("relation", ReporterRelation.OTHER.value)
    data.update(parts)
    return data


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
    # what the sender is told besides (a file sent twice, kept once), in their language
    notes: list[str] = field(default_factory=list)


# --- Validation -----------------------------------------------------------------------------------


def phone_as_given(text: str) -> tuple[str, bool] | None:
    """A phone number as it is kept: (E.164, True) when linking can write it so (`+7 701 …`,
    `8 701 …`, `8(701)…`, `7701…`), else (what was typed, False): a number a person can still read
    and call is never refused nor dropped. None when it is not a phone number at all."""
    if sum(c.isdigit() for c in text) < PHONE_MIN_DIGITS:
        return None
    normalised = normalise_phone(text)
    return (normalised, True) if normalised else (text, False)


class _Errors(dict):
    def add(self, path: str, message: Any) -> None:
        self.setdefault(path, []).append(str(message))


def validate(draft: ReportDraft) -> tuple[dict[str, Any], FieldErrors]:
    """Check every value; return the cleaned values and the errors (field path -> messages)."""
    errors = _Errors()
    clean: dict[str, Any] = {"category": draft.category}
    if draft.category not in Category.values:
        errors.add("category", _("Choose what happened."))
    narrative = _text(draft.narrative)
    if not narrative:
        errors.add("narrative", _("Tell us what happened, in a few words at least."))
    elif len(narrative) > NARRATIVE_MAX:
        errors.add(
            "narrative",
            _("This is too long: at most %(max)d characters (now %(count)d).")
            % {"max": NARRATIVE_MAX, "count": len(narrative)},
        )
    clean["narrative"] = narrative
    clean["language"] = draft.language if draft.language in LANGUAGES else "ru"
    clean["region"] = None
    if draft.region:
        clean["region"] = region_get_by_code(code=draft.region)
        if clean["region"] is None:
            errors.add(
                "region",
                _("There is no region with the code “%(code)s”.") % {"code": draft.region[:20]},
            )
    clean["occurred_at"] = _occurred_at(draft.occurred_at, errors)
    _check_child(draft.child or ChildIn(), clean, errors)
    _check_reporter(draft.reporter, clean, errors)
    location = {
        k: v for k, v in (("town", _text(draft.town)), ("school", _text(draft.school))) if v
    }
    for key, value in location.items():
        if len(value) > NAME_MAX:
            errors.add(key, _("This is too long."))
    clean["location"] = location or None
    clean["suspect"] = _suspect(draft.suspect or SuspectIn(), errors)
    clean["notes"] = []
    clean["files"], clean["sniffed"] = _files(draft, errors, clean["notes"])
    return clean, dict(errors)


def _occurred_at(when: datetime | None, errors: _Errors) -> datetime | None:
    if when is None:
        return None
    if timezone.is_naive(when):
        when = timezone.make_aware(when)
    if when > timezone.now() + timedelta(minutes=10):
        errors.add("occurred_at", _("This date is in the future."))
    elif when.year < 1950:
        errors.add("occurred_at", _("This date is too far in the past."))
    return when


def _check_child(child: ChildIn, clean: dict[str, Any], errors: _Errors) -> None:
    if child.age is not None and not 0 <= child.age <= 17:
        errors.add("child.age", _("A child's age is from 0 to 17."))
    if child.gender and child.gender not in ChildGender.values:
        errors.add("child.gender", _("Choose girl, boy, or leave it empty."))
    clean["child_age"], clean["child_gender"] = child.age, child.gender or ""


def _check_reporter(reporter: ReporterIn | None, clean: dict[str, Any], errors: _Errors) -> None:
    if reporter is None:
        reporter = ReporterIn(relation=ReporterRelation.OTHER.value)
    if reporter.relation not in ReporterRelation.values:
        errors.add("reporter.relation", _("Choose who is reporting."))
    clean["reporter_relation"] = reporter.relation
    contact: dict[str, Any] = {}
    name = _text(reporter.name)
    if len(name) > NAME_MAX:
        errors.add("reporter.name", _("This name is too long."))
    if name:
        contact["name"] = name
    phone = _text(reporter.phone)
    if len(phone) > PHONE_MAX:
        errors.add("reporter.phone", _("This is too long."))
    elif phone:
        kept = phone_as_given(phone)
        if kept is None:
            errors.add(
                "reporter.phone",
                _("This is not a phone number we can call. Example: 8 701 123 45 67."),
            )
        else:
            contact["phone"] = kept[0]
            if not kept[1]:
                contact["phone_normalised"] = False
    email = _text(reporter.email)
    if len(email) > NAME_MAX:
        errors.add("reporter.email", _("This is too long."))
    elif email:
        try:
            EmailValidator()(email)
            contact["email"] = email
        except ValidationError:
            errors.add("reporter.email", _("This is not an e-mail address. Example: name@mail.kz."))
    clean["anonymous"] = bool(reporter.anonymous)
    if (
        not reporter.anonymous
        and not (contact.get("phone") or contact.get("email"))
        and not {"reporter.phone", "reporter.email"} & errors.keys()
    ):
        errors.add(
            "reporter.phone", _("Give a phone number or an e-mail, or choose to stay anonymous.")
        )
    clean["reporter_contact"] = None if reporter.anonymous else (contact or None)


def _identifier_error(kind: str, value: str) -> Any:
    """Why an identifier of the other person cannot be taken as given, or None."""
    if kind not in IdentifierKind.values:
        return _("Unknown kind of identifier.")
    if len(value) > IDENTIFIER_MAX:
        return _("This is too long.")
    not_a_phone = _("This is not a phone number. Example: 8 701 123 45 67.")
    if kind == IdentifierKind.WHATSAPP and not any(c.isdigit() for c in value):
        return None if value.startswith("@") else not_a_phone
    if kind == IdentifierKind.PHONE and phone_as_given(value) is None:
        return not_a_phone
    if kind == IdentifierKind.EMAIL and "@" not in value:
        return _("This is not an e-mail address. Example: name@mail.kz.")
    if kind == IdentifierKind.URL:
        try:
            URLValidator(schemes=["http", "https"])(value if "://" in value else f"https://{value}")
        except ValidationError:
            return _("This is not a link. Example: https://example.com/page.")
    return None


def _suspect(suspect: SuspectIn, errors: _Errors) -> dict[str, Any] | None:
    """The other person: a name and identifiers, each kept as written (linking normalises them)."""
    name = _text(suspect.name)
    if len(name) > NAME_MAX:
        errors.add("suspect.name", _("This name is too long."))
    if len(suspect.identifiers) > IDENTIFIERS_MAX:
        errors.add(
            "suspect.identifiers", _("At most %(max)d identifiers.") % {"max": IDENTIFIERS_MAX}
        )
    identifiers = []
    for index, item in enumerate(suspect.identifiers[:IDENTIFIERS_MAX]):
        value = _text(item.value)
        if not value:
            continue
        problem = _identifier_error(item.kind, value)
        if problem is not None:
            errors.add(f"suspect.identifiers.{index}", problem)
            continue
        identifiers.append({"kind": item.kind, "value": value})
    found: dict[str, Any] = {"name": name} if name else {}
    if identifiers:
        found["identifiers"] = identifiers
    return found or None


def _files(
    draft: ReportDraft, errors: _Errors, notes: list[str]
) -> tuple[list[evidence_files.IncomingFile], list[str | None]]:
    """The files (the API's decoded, then the form's), each with its sniffed type. A file is
    `evidence.N` in errors, N counting the API's first. A file sent twice (the same SHA-256: the
    same bytes, or a fingerprint of them) is kept once, and `notes` says so."""
    numbered: list[tuple[int, evidence_files.IncomingFile]] = []
    if len(draft.evidence) + len(draft.files) > settings.QORGAU_EVIDENCE_MAX_FILES:
        errors.add(
            "evidence",
            _("At most %(count)d files can be sent.")
            % {"count": settings.QORGAU_EVIDENCE_MAX_FILES},
        )
        return [], []
    for index, sent in enumerate(draft.evidence):
        item = evidence_files.IncomingFile(sent.filename, None, sent.sha256 or "")
        if sent.content_base64:
            # decoded in chunks, refused as soon as it passes the limit (never held whole)
            try:
                item = evidence_files.decode_base64(sent.content_base64, filename=sent.filename)
            except evidence_files.EvidenceRejected as exc:
                errors.add(f"evidence.{index}", str(exc))
                continue
            item.sha256 = sent.sha256 or ""
        numbered.append((index, item))
    for index, upload in enumerate(draft.files, start=len(draft.evidence)):
        try:
            evidence_files.check_limits([upload])
        except evidence_files.EvidenceRejected as exc:
            errors.add(f"evidence.{index}", str(exc))
            continue
        numbered.append((index, upload))
    files: list[evidence_files.IncomingFile] = []
    sniffed: list[str | None] = []
    first_of: dict[str, evidence_files.IncomingFile] = {}
    for index, item in numbered:
        if not item.has_content:
            if not _is_sha256(item.sha256):
                errors.add(
                    f"evidence.{index}", _("A file's SHA-256 must be 64 hexadecimal characters.")
                )
                continue
            kind = None
        else:
            kind = item.sniffed()
            if kind is None:
                errors.add(f"evidence.{index}", not_accepted_message(item.filename))
                continue
            try:
                evidence_files.check_size(item, kind)
            except evidence_files.EvidenceTooLarge as exc:
                errors.add(f"evidence.{index}", str(exc))
                continue
            if item.sha256 and item.sha256.lower() != item.digest():
                errors.add(f"evidence.{index}", _("The file's content does not match its SHA-256."))
                continue
        digest = item.digest() if item.has_content else item.sha256.lower()
        if digest in first_of:
            notes.append(duplicate_message(item, first_of[digest]))
            continue
        first_of[digest] = item
        files.append(item)
        sniffed.append(kind)
    return files, sniffed


def not_accepted_message(filename: str) -> str:
    return str(
        _(
            "“%(name)s” cannot be accepted: send pictures, voice notes, videos, PDF, text or "
            "chat exports."
        )
        % {"name": filename[:80] or "?"}
    )


def duplicate_message(item: evidence_files.IncomingFile, first: evidence_files.IncomingFile) -> str:
    """A file sent twice (the same SHA-256) is kept once: what the sender is told."""
    name, first_name = item.filename[:80] or "?", first.filename[:80] or "?"
    if name == first_name:
        return str(_("“%(name)s” was sent twice. We kept it once.") % {"name": name})
    return str(
        _("“%(name)s” is the same file as “%(first)s”. We kept it once.")
        % {"name": name, "first": first_name}
    )


def _is_sha256(value: str) -> bool:
    return len(value or "") == 64 and all(c in "0123456789abcdefABCDEF" for c in value)


def request_digest(payload: bytes) -> str:
    return hashlib.sha256(payload).hexdigest()
