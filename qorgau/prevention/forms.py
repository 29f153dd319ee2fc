from __future__ import annotations

import secrets

from django import forms
from django.utils.translation import gettext_lazy as _

from qorgau.core.collation import sorted_regions
from qorgau.core.forms import choice_field
from qorgau.intake.enums import Category
from qorgau.prevention.enums import (
    InstructionLanguage,
    ReferralStatus,
    RoundStatus,
    SettlementKind,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SchoolForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    region = forms.ChoiceField(label=_("Region"))
    district = forms.CharField(label=_("District"), max_length=120)
    settlement = forms.CharField(label=_("Town or village"), max_length=120)
    settlement_kind = forms.ChoiceField(
        label=_("Town or village?"), choices=SettlementKind.choices, widget=forms.RadioSelect
    )
    pupils = forms.IntegerField(label=_("Pupils"), min_value=0, max_value=20_000)
    languages = forms.MultipleChoiceField(
        label=_("Languages of instruction"),
        choices=InstructionLanguage.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, regions=(), **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "region").choices = [(r.code, r.name) for r in sorted_regions(regions)]

    # Only GuidanceForm still uses it (the other forms take refusals with core.errors.add_to_form).
    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        for name, messages in errors.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "Columns: region, district, settlement, settlement_kind, name, pupils, languages. "
            "UTF-8; commas or semicolons."
        ),
    )
    good_rows = forms.BooleanField(
        label=_("Import the good rows even if some rows are bad"), required=False
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is too large: at most 5 MB."))
        raw = upload.read()
        for encoding in ("utf-8-sig", "cp1251"):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise forms.ValidationError(_("Save the file as CSV in UTF-8."))


class TeacherForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    school = forms.ChoiceField(label=_("School"))
    master_trainer = forms.BooleanField(
        label=_("A master trainer (one of the 300 trained nationally)"), required=False
    )
    certified_on = forms.DateField(label=_("Master trainer since"), required=False, widget=DATE)

    def __init__(self, *args, schools=(), **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "school").choices = [("", "—")] + [
            (s.public_id, f"{s.name} ({s.settlement}, {s.district})") for s in schools
        ]


class SessionForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    place = forms.CharField(label=_("Place"), max_length=200)
    trainer = forms.ChoiceField(label=_("Trainer"))
    attendees = forms.MultipleChoiceField(
        label=_("Attendees"),
        required=False,
        help_text=_("Hold Ctrl (or Cmd) to choose several."),
        widget=forms.SelectMultiple(attrs={"size": 12}),
    )

    def __init__(self, *args, trainers=(), attendees=(), **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "trainer").choices = [("", "—")] + [
            (t.public_id, f"{t.full_name} ({_level(t.level)})") for t in trainers
        ]
        choice_field(self, "attendees").choices = [
            (
                t.public_id,
                f"{t.full_name} — {t.school.name if t.school else '—'}"
                + (f" ({_('certified')})" if t.certified_on else ""),
            )
            for t in attendees
        ]


def _level(level: int | None) -> str:
    if level == 0:
        return str(_("master trainer"))
    return str(_("level %(level)s") % {"level": level})


class AddAttendeeForm(forms.Form):
    teacher = forms.ChoiceField(label=_("Add an attendee"))

    def __init__(self, *args, teachers=(), **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "teacher").choices = [
            (t.public_id, f"{t.full_name} — {t.school.name if t.school else '—'}") for t in teachers
        ]


class RoundPlanForm(forms.Form):
    school = forms.ChoiceField(label=_("School"))
    planned_on = forms.DateField(label=_("Planned for"), widget=DATE)

    def __init__(self, *args, schools=(), **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "school").choices = [("", "—")] + [
            (s.public_id, f"{s.name} ({s.settlement}, {s.district})") for s in schools
        ]


class RoundDoneForm(forms.Form):
    done_on = forms.DateField(label=_("Done on"), widget=DATE)
    conducted_by = forms.CharField(
        label=_("Who did it"),
        max_length=300,
        help_text=_("Names and positions, e.g. school psychologist, inspector for minors."),
    )
    pupils_seen = forms.IntegerField(label=_("Pupils seen"), min_value=0)
    concerns_raised = forms.IntegerField(label=_("Concerns raised"), min_value=0)


class RoundReferralForm(forms.Form):
    category = forms.ChoiceField(label=_("What it is about"), choices=Category.choices)
    child_age = forms.IntegerField(
        label=_("The child's age, if known"), min_value=0, max_value=17, required=False
    )
    narrative = forms.CharField(
        label=_("What the referral says"),
        max_length=5000,
        help_text=_(
            "What was noticed or said, for the duty officer. No medical or intimate details."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    nonce = forms.CharField(widget=forms.HiddenInput, max_length=64)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("nonce", secrets.token_urlsafe(16))
        super().__init__(*args, **kwargs)


class RoundFilterForm(forms.Form):
    year = forms.TypedChoiceField(label=_("School year"), coerce=int, required=False)
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *RoundStatus.choices], required=False
    )

    def __init__(self, *args, years=(), **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "year").choices = [("", _("All"))] + [(y, f"{y}–{y + 1}") for y in years]


class PartnerReferralForm(forms.Form):
    organisation = forms.ChoiceField(label=_("Partner"))
    note = forms.CharField(
        label=_("Note for the partner"),
        max_length=2000,
        help_text=_(
            "The partner reads only this note, the category, the region and the date: "
            "write what they need to help."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "organisation").choices = [(o.pk, o.name) for o in organisations]


class FeedbackForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"), required=False)
    text = forms.CharField(
        label=_("Your answer"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, current: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        from qorgau.prevention.enums import REFERRAL_TRANSITIONS

        allowed = REFERRAL_TRANSITIONS.moves.get(current, frozenset())
        choice_field(self, "status").choices = [("", _("(unchanged)"))] + [
            (value, label) for value, label in ReferralStatus.choices if value in allowed
        ]

    add_service_errors = SchoolForm.add_service_errors
