from __future__ import annotations

from typing import cast

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from qorgau.core.collation import sorted_by_name
from qorgau.core.enums import Weekday
from qorgau.core.models import User


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": _(
            "The username or password is wrong. Check both (capital letters matter) and try again."
        ),
        "inactive": _("This account is switched off. Ask your administrator."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Username")
        self.fields["password"].label = _("Password")
        self.fields["username"].widget.attrs.update({"autocomplete": "username"})


class AuditFilterForm(forms.Form):
    action = forms.CharField(label=_("Action"), required=False, max_length=64)


class OtpCodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        strip=True,
        error_messages={"required": _("Type the code.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
    )

    def __init__(self, *args, help_text: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = help_text


def choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """The form's choice field `name`, to give it choices: `form.fields` is typed as holding plain
    `Field`s, and this one is a `ChoiceField` (or a subclass) by the form's declaration."""
    return cast(forms.ChoiceField, form.fields[name])


class _InNameOrder(forms.models.ModelChoiceIterator):
    """The people in the alphabetical order of the page's language (`core.collation`), not the
    database's."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in sorted_by_name(self.queryset, User.get_full_name):
            yield self.choice(obj)


class _PersonChoice(forms.ModelChoiceField):
    iterator = _InNameOrder

    def label_from_instance(self, obj):
        return obj.get_full_name()


class _DutyForm(forms.Form):
    def __init__(self, *args, people=None, **kwargs):
        super().__init__(*args, **kwargs)
        if people is not None:
            cast("forms.ModelChoiceField", self.fields["person"]).queryset = people


class DutyShiftForm(_DutyForm):
    """One shift: a day, from, to; "ends the next day" for a night shift."""

    person = _PersonChoice(
        label=_("Who"), queryset=User.objects.none(), required=False, empty_label="—"
    )
    day = forms.DateField(label=_("Day"), widget=forms.DateInput(attrs={"type": "date"}))
    starts = forms.TimeField(label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends = forms.TimeField(label=_("Ends at"), widget=forms.TimeInput(attrs={"type": "time"}))
    next_day = forms.BooleanField(
        label=_("Ends the next day (night shift)"), required=False, initial=False
    )


class DutyPatternForm(_DutyForm):
    """Every week on one day, from, to (a night shift when it ends at or before it starts)."""

    person = _PersonChoice(
        label=_("Who"), queryset=User.objects.none(), required=False, empty_label="—"
    )
    weekday = forms.TypedChoiceField(label=_("Every"), coerce=int, choices=Weekday.choices)
    starts = forms.TimeField(label=_("Starts at"), widget=forms.TimeInput(attrs={"type": "time"}))
    ends = forms.TimeField(
        label=_("Ends at"),
        widget=forms.TimeInput(attrs={"type": "time"}),
        help_text=_("At or before the start: a night shift, ending the next day."),
    )
    valid_from = forms.DateField(
        label=_("From the day"), widget=forms.DateInput(attrs={"type": "date"})
    )
    valid_until = forms.DateField(
        label=_("Until the day (optional)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class DutySwapForm(_DutyForm):
    person = _PersonChoice(
        label=_("Give to"), queryset=User.objects.none(), required=False, empty_label="—"
    )
