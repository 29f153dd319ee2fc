from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qorgau.core.collation import sorted_regions
from qorgau.offenders.enums import MeetingStatus, RiskLevel, TreatmentStatus
from qorgau.offenders.instruments import age_on, derived_answers

DATE = forms.DateInput(attrs={"type": "date"})


class ExaminationForm(forms.Form):
    done_on = forms.DateField(label=_("Examined on"), widget=DATE)
    diagnostic_codes = forms.CharField(
        label=_("Diagnostic codes (ICD-10, comma-separated)"), required=False, max_length=200
    )
    findings = forms.CharField(label=_("Findings"), widget=forms.Textarea(attrs={"rows": 3}))
    recommendations = forms.CharField(
        label=_("Recommendations"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )


class RiskForm(forms.Form):
    assessed_on = forms.DateField(label=_("Assessed on"), widget=DATE)
    override_level = forms.ChoiceField(
        label=_("Clinician's override"), choices=[("", "—"), *RiskLevel.choices], required=False
    )
    override_reason = forms.CharField(
        label=_("Reason for the override"), required=False, max_length=1000
    )

    def __init__(self, *args, instrument=None, language="ru", person=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instrument = instrument
        for item in instrument.items if instrument else []:
            label = item["label"].get(language) or item["label"]["en"]
            choices = [
                (o["value"], f"{o['label'].get(language) or o['label']['en']} ({o['score']:+d})")
                for o in item["options"]
            ]
            if item.get("derived"):
                # Not asked: the service computes it at the assessment date; shown for today.
                self.fields[f"item_{item['code']}"] = self._derived_field(
                    item, label, choices, person
                )
                continue
            self.fields[f"item_{item['code']}"] = forms.ChoiceField(
                label=label,
                choices=[("", _("— choose —")), *choices],
                error_messages={"required": _("Choose an answer: no item is scored by default.")},
            )

    @staticmethod
    def _derived_field(item: dict, label: str, choices: list, person: Any) -> forms.Field:
        today = timezone.localdate()
        initial = ""
        help_text: Any = _("Computed from the date of birth at the assessment date.")
        if person is not None:
            age = age_on(person.date_of_birth, today)
            try:
                initial = derived_answers({"items": [item]}, age=age)[item["code"]]
            except ValueError:
                initial = ""
            help_text = _(
                "Computed from the date of birth (%(born)s) at the assessment date: %(age)d today."
            ) % {"born": person.date_of_birth.isoformat(), "age": age}
        return forms.ChoiceField(
            label=label,
            choices=[("", "—"), *choices],
            initial=initial,
            disabled=True,
            required=False,
            help_text=help_text,
        )

    def answers(self) -> dict[str, str]:
        derived = {
            f"item_{item['code']}"
            for item in (self.instrument.items if self.instrument else [])
            if item.get("derived")
        }
        return {
            k.removeprefix("item_"): v
            for k, v in self.cleaned_data.items()
            if k.startswith("item_") and k not in derived
        }


class TreatmentForm(forms.Form):
    programme = forms.CharField(label=_("Programme"), max_length=200)
    planned_sessions = forms.IntegerField(label=_("Planned sessions"), min_value=1, max_value=500)
    started_on = forms.DateField(label=_("Started on"), widget=DATE)


class SessionForm(forms.Form):
    plan = forms.IntegerField(widget=forms.HiddenInput)
    held_on = forms.DateField(label=_("Date"), widget=DATE)
    attended = forms.BooleanField(label=_("Attended"), required=False)
    note = forms.CharField(
        label=_("Progress note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class TreatmentEndForm(forms.Form):
    plan = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=_("Outcome"), choices=[c for c in TreatmentStatus.choices if c[0] != "active"]
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=300)


class OfficerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.get_full_name()} ({obj.region.code if obj.region else '—'})"


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class ReleaseForm(forms.Form):
    released_on = forms.DateField(label=_("Released on"), widget=DATE)
    region = RegionChoiceField(
        label=_("Region of residence"), queryset=None, to_field_name="code", empty_label=None
    )
    officer = OfficerChoiceField(label=_("Police supervisor"), queryset=None, empty_label=None)

    def __init__(self, *args, regions, officers, **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(RegionChoiceField, self.fields["region"])
        field.queryset = regions
        field.choices = [(r.code, r.name) for r in sorted_regions(regions)]
        cast(OfficerChoiceField, self.fields["officer"]).queryset = officers


class MeetingForm(forms.Form):
    meeting = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=_("Result"), choices=[c for c in MeetingStatus.choices if c[0] != "due"]
    )
    on = forms.DateField(label=_("Date"), widget=DATE, required=False)
    reschedule_to = forms.DateField(
        label=_("New date (if rescheduled)"), widget=DATE, required=False
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class ViolationForm(forms.Form):
    occurred_on = forms.DateField(label=_("Date"), widget=DATE)
    description = forms.CharField(
        label=_("What happened"), widget=forms.Textarea(attrs={"rows": 2})
    )
    follow_up = forms.CharField(label=_("Follow-up"), required=False, max_length=500)


class ImportForm(forms.Form):
    file = forms.FileField(label=_("CSV file from the penitentiary service"))
    good_rows = forms.BooleanField(
        label=_("Import the good rows even if some are bad"), required=False
    )


class SearchForm(forms.Form):
    name = forms.CharField(label=_("Name (any alphabet)"), max_length=200, required=False)
