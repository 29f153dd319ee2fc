from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from qorgau.guidance.services import SUMMARY_MAX, TITLE_MAX


class GuidanceForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX)
    summary = forms.CharField(
        label=_("One line about the page"), max_length=SUMMARY_MAX, required=False
    )
    body_markdown = forms.CharField(
        label=_("Text (Markdown)"),
        help_text=_(
            "## for a heading, - for a list, **bold**. HTML is cleaned: scripts and handlers are "
            "removed."
        ),
        widget=forms.Textarea(attrs={"rows": 24}),
    )
