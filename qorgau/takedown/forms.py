from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from qorgau.takedown.enums import Platform, RequestKind, RequestStatus
from qorgau.takedown.services import (
    PLATFORM_NAME_MAX,
    REFERENCE_MAX,
    RequestInput,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RequestForm(forms.Form):
    platform = forms.ChoiceField(label=_("Platform"), choices=[("", "—"), *Platform.choices])
    platform_name = forms.CharField(
        label=_("Name of the platform"),
        help_text=_("When the platform is not in the list."),
        required=False,
        max_length=PLATFORM_NAME_MAX,
    )
    kind = forms.ChoiceField(
        label=_("What the platform is asked to do"),
        choices=RequestKind.choices,
        widget=forms.RadioSelect,
    )
    targets = forms.CharField(
        label=_("URLs or accounts"),
        help_text=_("One per line: links to posts or profiles, @names, channel or group links."),
        widget=forms.Textarea(attrs={"rows": 5, "autocomplete": "off", "spellcheck": "false"}),
    )
    legal_deadline = forms.DateField(
        label=_("Keep the data until"),
        required=False,
        widget=DATE,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["legal_deadline"].help_text = _(
            "Preservation only. Left blank: %(days)s days from the day the request is sent."
        ) % {"days": settings.QORGAU_TAKEDOWN_PRESERVATION_DAYS}

    def to_input(self) -> RequestInput:
        data = self.cleaned_data
        return RequestInput(
            platform=data["platform"],
            platform_name=data["platform_name"],
            kind=data["kind"],
            targets=data["targets"],
            legal_deadline=data["legal_deadline"],
        )


class ReferenceForm(forms.Form):
    reference = forms.CharField(
        label=_("Platform's reference number"),
        required=False,
        max_length=REFERENCE_MAX,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class DeadlineForm(forms.Form):
    deadline = forms.DateField(label=_("Keep the data until"), widget=DATE)


class FilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("All")), *RequestStatus.choices]
    )
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
