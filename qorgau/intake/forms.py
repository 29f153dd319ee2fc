"""The Red Button form: written for a child, each question short, everything optional but two."""

from __future__ import annotations

import secrets
from datetime import datetime, time
from typing import TYPE_CHECKING

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from qorgau.core.collation import sorted_regions
from qorgau.core.errors import ServiceError
from qorgau.core.forms import choice_field
from qorgau.core.models import Region
from qorgau.intake.enums import Category, ChildGender, IdentifierKind, ReporterRelation
from qorgau.intake.file_fields import (
    FingerprintField,
    MultipleFileField,
    incoming_files,
)
from qorgau.intake.services.drafts import (
    IDENTIFIER_MAX,
    MESSAGE_MAX,
    NAME_MAX,
    NARRATIVE_MAX,
    PHONE_MAX,
    REASON_MAX,
    ChildIn,
    IdentifierIn,
    ReportDraft,
    ReporterIn,
    SuspectIn,
)

# Form field -> the service's error path, for the identifier fields in the order they are sent.
IDENTIFIER_FIELDS = [
    ("suspect_phone", IdentifierKind.PHONE),
    ("suspect_whatsapp", IdentifierKind.WHATSAPP),
    ("suspect_telegram", IdentifierKind.TELEGRAM),
    ("suspect_instagram", IdentifierKind.INSTAGRAM),
    ("suspect_tiktok", IdentifierKind.TIKTOK),
    ("suspect_vk", IdentifierKind.VK),
    ("suspect_email", IdentifierKind.EMAIL),
    ("suspect_link", IdentifierKind.URL),
    ("suspect_other", IdentifierKind.OTHER),
]

FIELD_FOR_PATH = {
    "category": "category",
    "narrative": "narrative",
    "region": "region",
    "occurred_at": "occurred_on",
    "child.age": "child_age",
    "child.gender": "child_gender",
    "reporter.relation": "relation",
    "reporter.name": "reporter_name",
    "reporter.phone": "reporter_phone",
    "reporter.email": "reporter_email",
    "town": "town",
    "school": "school",
    "suspect.name": "suspect_name",
    "evidence": "evidence",
}


def _text(limit: int, **attrs: object) -> forms.TextInput:
    """A text box the browser stops at the draft's limit; the service checks it (one limit)."""
    return forms.TextInput(attrs={"maxlength": limit, **attrs})


# The categories as the child reads them on the public form: spoken to the child, short, without
# the staff's precise terms (the enum's labels, which the staff pages and exports keep).
PUBLIC_CATEGORY_LABELS: dict[str, StrOrPromise] = {
    Category.GROOMING: pgettext_lazy(
        "public category", "Someone online is trying to get too close to me or another child"
    ),
    Category.SUSPICIOUS_CONTACT: pgettext_lazy(
        "public category", "Someone is asking to meet or to go on a date, and it feels wrong"
    ),
    Category.SEXTORTION: pgettext_lazy(
        "public category", "Someone threatens or blackmails with intimate pictures"
    ),
    Category.ABUSE: pgettext_lazy("public category", "Sexual abuse in real life (not online)"),
    Category.ABUSE_IMAGES: pgettext_lazy(
        "public category", "I saw sexual pictures or videos of a child online"
    ),
    Category.OTHER: pgettext_lazy("public category", "Something else"),
}

# Step 4 asks four questions about the other person; the rest waits behind "I know more".
PERSON_FIELDS = ["suspect_name", "suspect_phone", "suspect_telegram", "suspect_instagram"]
PERSON_MORE_FIELDS = [
    "suspect_whatsapp",
    "suspect_tiktok",
    "suspect_vk",
    "suspect_email",
    "suspect_link",
    "suspect_other",
]


def region_choices():
    regions = sorted_regions(Region.objects.all())
    return [("", _("I don't know / not in Kazakhstan")), *[(r.code, r.name) for r in regions]]


def evidence_help() -> str:
    """What the file field says, with the configured limits."""
    return str(
        _(
            "Pictures, voice notes, videos, PDF or chat exports. Up to %(count)d files. "
            "A voice note or a video: up to %(media)d MB. Other files: up to %(mb)d MB."
        )
        % {
            "count": settings.QORGAU_EVIDENCE_MAX_FILES,
            "media": settings.QORGAU_EVIDENCE_MEDIA_MAX_BYTES // 2**20,
            "mb": settings.QORGAU_EVIDENCE_MAX_BYTES // 2**20,
        }
    )


class ReportForm(forms.Form):
    """What the page asks, in the words of a child. The form reads the answers (required ones,
    choices, a date); their limits and values are the draft's, checked by `report_submit`, whose
    errors come back beside the fields (`add_service_errors`)."""

    category = forms.ChoiceField(
        label=_("What happened?"),
        choices=[(value, PUBLIC_CATEGORY_LABELS[value]) for value in Category.values],
        widget=forms.RadioSelect,
    )
    relation = forms.ChoiceField(
        label=_("Who are you?"),
        choices=[c for c in ReporterRelation.choices if c[0] != ReporterRelation.PLATFORM],
        widget=forms.RadioSelect,
    )
    narrative = forms.CharField(
        label=_("Tell us what happened, in your own words"),
        help_text=_("Who, what, where, when. Write as much or as little as you can."),
        widget=forms.Textarea(attrs={"rows": 7, "maxlength": NARRATIVE_MAX}),
        error_messages={"required": _("Tell us what happened, in a few words at least.")},
    )
    child_age = forms.TypedChoiceField(
        label=_("How old is the child? (You, if it happened to you.)"),
        choices=[("", _("I don't know")), *[(str(n), str(n)) for n in range(0, 18)]],
        coerce=int,
        empty_value=None,
        required=False,
    )
    child_gender = forms.ChoiceField(
        label=_("The child is"),
        choices=[("", _("I'd rather not say")), *ChildGender.choices],
        widget=forms.RadioSelect,
        required=False,
    )
    region = forms.ChoiceField(label=_("Region"), required=False)
    town = forms.CharField(label=_("Town or village"), widget=_text(NAME_MAX), required=False)
    school = forms.CharField(
        label=_("School (if it has to do with a school)"), widget=_text(NAME_MAX), required=False
    )
    occurred_on = forms.DateField(
        label=_("When did it happen?"),
        help_text=_("If you don't know the exact day, leave it empty."),
        widget=forms.DateInput(attrs={"type": "date"}),
        required=False,
        error_messages={"invalid": _("Enter a date, like 2026-05-31.")},
    )
    suspect_name = forms.CharField(label=_("Name they use"), widget=_text(NAME_MAX), required=False)
    suspect_phone = forms.CharField(
        label=_("Phone number"), widget=_text(IDENTIFIER_MAX), required=False
    )
    suspect_whatsapp = forms.CharField(
        label="WhatsApp", widget=_text(IDENTIFIER_MAX), required=False
    )
    suspect_telegram = forms.CharField(
        label=_("Telegram (@name or t.me link)"), widget=_text(IDENTIFIER_MAX), required=False
    )
    suspect_instagram = forms.CharField(
        label="Instagram", widget=_text(IDENTIFIER_MAX), required=False
    )
    suspect_tiktok = forms.CharField(label="TikTok", widget=_text(IDENTIFIER_MAX), required=False)
    suspect_vk = forms.CharField(label="VK", widget=_text(IDENTIFIER_MAX), required=False)
    suspect_email = forms.CharField(label=_("E-mail"), widget=_text(IDENTIFIER_MAX), required=False)
    suspect_link = forms.CharField(
        label=_("Another site: paste the link to their profile"),
        widget=_text(IDENTIFIER_MAX),
        required=False,
    )
    suspect_other = forms.CharField(
        label=_("Anything else that identifies them"), widget=_text(IDENTIFIER_MAX), required=False
    )
    evidence = MultipleFileField(
        label=_("Screenshots, voice notes, videos, chat exports (optional)"),
    )
    fingerprint = FingerprintField()
    contact = forms.ChoiceField(
        label=_("May we contact you?"),
        choices=[
            ("anonymous", _("No, I want to stay anonymous")),
            ("contact", _("Yes, you can contact me")),
        ],
        widget=forms.RadioSelect,
        initial="anonymous",
    )
    reporter_name = forms.CharField(label=_("Your name"), widget=_text(NAME_MAX), required=False)
    reporter_phone = forms.CharField(label=_("Your phone"), widget=_text(PHONE_MAX), required=False)
    reporter_email = forms.CharField(label=_("Your e-mail"), widget=_text(NAME_MAX), required=False)
    # Bots fill in every field; people never see this one.
    website = forms.CharField(label=_("Leave this empty"), required=False)
    submission = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "region").choices = region_choices()
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        self.fields["evidence"].help_text = evidence_help()
        if not self.is_bound:
            self.initial.setdefault("submission", secrets.token_urlsafe(24))

    @property
    def person_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in PERSON_FIELDS]

    @property
    def person_more_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in PERSON_MORE_FIELDS]

    @property
    def person_more_open(self) -> bool:
        """The "I know more" part stays open when something in it was typed or is wrong."""
        return any(field.value() or field.errors for field in self.person_more_fields)

    @property
    def is_bot(self) -> bool:
        return bool(self.data.get("website"))

    def to_draft(self, *, language: str) -> ReportDraft:
        """The answers as the service's draft (checked there, not here)."""
        data = self.cleaned_data
        occurred_at = None
        if data.get("occurred_on"):
            occurred_at = timezone.make_aware(datetime.combine(data["occurred_on"], time.min))
        identifiers = [
            IdentifierIn(kind=kind, value=data.get(name, ""))
            for name, kind in IDENTIFIER_FIELDS
            if data.get(name, "").strip()
        ]
        return ReportDraft(
            category=data["category"],
            narrative=data["narrative"],
            language=language,
            region=data.get("region") or None,
            occurred_at=occurred_at,
            child=ChildIn(age=data.get("child_age"), gender=data.get("child_gender") or None),
            reporter=ReporterIn(
                relation=data["relation"],
                anonymous=data.get("contact") != "contact",
                name=data.get("reporter_name", ""),
                phone=data.get("reporter_phone", ""),
                email=data.get("reporter_email", ""),
            ),
            suspect=SuspectIn(name=data.get("suspect_name", ""), identifiers=identifiers),
            town=data.get("town", ""),
            school=data.get("school", ""),
            evidence=data.get("fingerprint") or [],
            files=incoming_files(data.get("evidence")),
        )

    def add_service_errors(self, error: ServiceError) -> None:
        """Show the service's errors beside the fields they belong to."""
        if not error.errors:
            self.add_error(None, error.message)
            return
        sent = [
            name for name, _kind in IDENTIFIER_FIELDS if self.cleaned_data.get(name, "").strip()
        ]
        fingerprints = len(self.cleaned_data.get("fingerprint") or [])
        for path, messages in error.errors.items():
            field = FIELD_FOR_PATH.get(path)
            if field is None and path.startswith("suspect.identifiers."):
                index = int(path.rsplit(".", 1)[1])
                field = sent[index] if index < len(sent) else None
            if field is None and path.startswith("evidence."):
                # the fingerprints are the draft's first evidence, the files come after them
                index = int(path.rsplit(".", 1)[1])
                field = "fingerprint" if index < fingerprints else "evidence"
            for message in messages:
                self.add_error(field if field in self.fields else None, message)


class ReceiptForm(forms.Form):
    code = forms.CharField(
        label=_("Your receipt code"),
        help_text=_("16 digits, like 1234 5678 9012 3456"),
        max_length=40,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class AddInformationForm(forms.Form):
    body = forms.CharField(
        label=_("Write to the duty officer"),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MESSAGE_MAX}),
        required=False,
    )
    evidence = MultipleFileField(label=_("Add files (optional)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evidence"].help_text = evidence_help()


class StaffMessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message to the reporter"),
        help_text=_(
            "The reporter reads it with their receipt code. Write plainly; they may be a child."
        ),
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": MESSAGE_MAX}),
    )


class QueueFilterForm(forms.Form):
    find = forms.CharField(
        label=_("Find"),
        required=False,
        max_length=300,
        help_text=_("An identifier (telegram:name, a phone, @name, a link) or a report number."),
    )
    priority = forms.ChoiceField(label=_("Priority"), required=False)
    status = forms.ChoiceField(label=_("Status"), required=False)
    category = forms.ChoiceField(label=_("What happened"), required=False)
    source = forms.ChoiceField(label=_("Source"), required=False)
    day = forms.DateField(
        label=_("Received on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    due = forms.ChoiceField(
        label=_("Response due"),
        required=False,
        choices=[("", _("Any time")), ("today", _("Today")), ("week", _("This week"))],
    )
    mine = forms.BooleanField(label=_("Taken by me"), required=False)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)
    region = forms.CharField(label=_("Region code"), required=False, max_length=8)
    sort = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[
            ("priority", _("Most urgent first")),
            ("deadline", _("Deadline")),
            ("newest", _("Newest")),
            ("oldest", _("Oldest")),
        ],
    )

    def __init__(self, *args, **kwargs):
        from qorgau.intake.enums import Priority, Source, Status

        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        choice_field(self, "priority").choices = everything + [(p, p) for p in Priority.values]
        choice_field(self, "status").choices = [
            ("", pgettext_lazy("reports that are not closed", "Open")),
            ("all", _("All")),
            *Status.choices,
        ]
        choice_field(self, "category").choices = everything + list(Category.choices)
        choice_field(self, "source").choices = everything + list(Source.choices)

    def to_filters(self):
        from qorgau.intake.selectors import QueueFilters

        data = self.cleaned_data if self.is_valid() else {}
        status = data.get("status") or ""
        return QueueFilters(
            status=status if status not in ("", "all") else None,
            open_only=status == "",
            priority=data.get("priority") or None,
            category=data.get("category") or None,
            source=data.get("source") or None,
            overdue=bool(data.get("overdue")),
            due=data.get("due") or None,
            mine=bool(data.get("mine")),
            day=data.get("day"),
            find=data.get("find") or "",
            sort=data.get("sort") or "priority",
            year=data.get("year"),
            region_code=(data.get("region") or "").upper() or None,
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 2})
    )


class PriorityForm(ReasonForm):
    priority = forms.ChoiceField(
        label=_("Priority"), choices=[(p, p) for p in ("P1", "P2", "P3", "P4")]
    )


class ReferForm(ReasonForm):
    target = forms.ChoiceField(label=_("Refer to"))
    region = forms.ChoiceField(label=_("Region (when referring to another region)"), required=False)

    def __init__(self, *args, **kwargs):
        from qorgau.intake.enums import ReferralTarget

        super().__init__(*args, **kwargs)
        choice_field(self, "target").choices = ReferralTarget.choices
        choice_field(self, "region").choices = [("", "—"), *region_choices()[1:]]


class CloseForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why is it closed?"))

    def __init__(self, *args, **kwargs):
        from qorgau.intake.enums import CloseReason

        super().__init__(*args, **kwargs)
        choice_field(self, "reason").choices = [
            c for c in CloseReason.choices if c[0] not in ("duplicate", "case_opened")
        ]


class LinkSubjectForm(ReasonForm):
    subject = forms.CharField(label=_("Subject number"), max_length=20)


class DuplicateForm(forms.Form):
    original = forms.CharField(label=_("Number of the original report"), max_length=30)


# The ERDR (Unified Register of Pre-trial Investigations) registration number: 15 digits.
ERDR_NUMBER_DIGITS = 15


class CaseForm(forms.Form):
    registry_number = forms.CharField(
        label=_("Pre-trial registry number (ERDR)"),
        help_text=_("15 digits, as in the ERDR, e.g. 261234567890123. Spaces are ignored."),
        max_length=40,
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "off", "pattern": r"[0-9 ]*"}
        ),
    )

    def clean_registry_number(self) -> str:
        number = "".join(self.cleaned_data["registry_number"].split())
        if not number.isdigit() or len(number) != ERDR_NUMBER_DIGITS:
            raise forms.ValidationError(
                _("An ERDR number is 15 digits and nothing else. Characters entered: %(count)s.")
                % {"count": len(number)}
            )
        return number

    articles = forms.MultipleChoiceField(
        label=_("Articles of the Criminal Code"), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        from qorgau.core.selectors import criminal_article_list

        super().__init__(*args, **kwargs)
        choice_field(self, "articles").choices = [
            (a.number, str(a)) for a in criminal_article_list()
        ]


class UnlinkForm(forms.Form):
    identifier = forms.IntegerField(widget=forms.HiddenInput)


class FileMatchForm(forms.Form):
    """A similar file's decision: the candidate, and whether it is the same picture."""

    match = forms.IntegerField(widget=forms.HiddenInput)
    same = forms.TypedChoiceField(choices=[("1", "1"), ("0", "0")], coerce=lambda v: v == "1")
