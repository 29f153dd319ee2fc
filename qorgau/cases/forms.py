from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qorgau.cases.enums import CareItem, Stage
from qorgau.core.enums import Gender
from qorgau.core.forms import choice_field


class StageForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), choices=Stage.choices)
    on = forms.DateField(
        label=_("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=_("Reason (needed to move back)"), required=False, max_length=1000
    )


class ReassignForm(forms.Form):
    prosecutor = forms.ChoiceField(label=_("To"))
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, prosecutors=(), **kwargs):
        super().__init__(*args, **kwargs)
        choice_field(self, "prosecutor").choices = [
            (
                p.pk,
                f"{p.user.get_full_name()} ({p.user.get_gender_display()}, {getattr(p, 'open_cases', 0)})",
            )
            for p in prosecutors
        ]


class CareForm(forms.Form):
    item = forms.ChoiceField(choices=CareItem.choices, widget=forms.HiddenInput)


class PolicyForm(forms.Form):
    articles = forms.MultipleChoiceField(
        label=_("Covered articles"), widget=forms.CheckboxSelectMultiple
    )
    eligible_genders = forms.MultipleChoiceField(
        label=_("Who may hold covered cases"),
        choices=Gender.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    honour_victim_preference = forms.BooleanField(
        label=_("Honour the victim's preference"), required=False
    )
    effective_from = forms.DateField(
        label=_("In force from"), widget=forms.DateInput(attrs={"type": "date"})
    )
    handover_days = forms.IntegerField(label=_("Days to hand over"), min_value=1, max_value=90)
    auto_reassign = forms.BooleanField(
        label=_("Reassign overdue handovers automatically"), required=False
    )
    note = forms.CharField(label=_("What changed"), max_length=300, required=False)

    def __init__(self, *args, **kwargs):
        from qorgau.core.selectors import criminal_article_list

        super().__init__(*args, **kwargs)
        choice_field(self, "articles").choices = [
            (a.number, str(a)) for a in criminal_article_list()
        ]
