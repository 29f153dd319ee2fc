"""The public forms' file fields: the files a child chooses, and the fingerprints of those that stay
on the phone (hash only: the page's script sends the SHA-256 of a picture, never the picture)."""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from qorgau.intake import evidence as evidence_files
from qorgau.intake.services.drafts import EvidenceIn

# What the phone's file chooser offers: pictures, voice notes, videos and documents (it may also
# offer to take a photo or record; `capture` is not set, so that a child may choose a saved file).
# The extensions are for phones that do not know a voice note's or a chat export's type.
EVIDENCE_ACCEPT = ",".join(
    [
        "image/*",
        "audio/*",
        "video/*",
        "application/pdf",
        "text/plain",
        "application/zip",
        ".pdf,.txt,.zip,.heic,.heif,.opus,.ogg,.m4a,.mp3,.amr,.3gp,.mp4,.mov,.webm",
    ]
)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("accept", EVIDENCE_ACCEPT)

    def clean(self, data, initial=None):
        if not data:
            return []
        items = data if isinstance(data, list | tuple) else [data]
        return [super(MultipleFileField, self).clean(item, initial) for item in items]


def incoming_files(uploaded) -> list[evidence_files.IncomingFile]:
    """The uploads as they are (a temporary file above FILE_UPLOAD_MAX_MEMORY_SIZE): read in
    chunks when they are checked and stored, never whole."""
    return [
        evidence_files.IncomingFile(upload.name or "", file=upload) for upload in uploaded or []
    ]


# One fingerprint as the script writes it into a hidden field: the file's SHA-256 in hex, a space,
# the file's name (kept, encrypted, as a sent file's is).
FINGERPRINT = re.compile(r"([0-9a-fA-F]{64})(?: (.*))?", re.DOTALL)
FINGERPRINT_NAME_MAX = 255


class FingerprintField(forms.Field):
    """The fingerprints made in the browser (fingerprint.js), each "SHA-256 name"; cleaned to the
    evidence entries of the API's shape that carry only a hash, so that they go the way a
    platform's hashes go (`report_submit`, an Evidence with its SHA-256 and no content)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {
        "invalid": _("A fingerprint was not made right. Choose the picture again."),
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value) -> list[EvidenceIn]:
        values = value if isinstance(value, list | tuple) else [value] if value else []
        entries = []
        for text in values:
            found = FINGERPRINT.fullmatch(str(text).strip("\r\n"))
            if found is None:
                raise forms.ValidationError(self.error_messages["invalid"], code="invalid")
            name = (found.group(2) or "").strip()[:FINGERPRINT_NAME_MAX]
            entries.append(EvidenceIn(filename=name, sha256=found.group(1).lower()))
        return entries

    def prepare_value(self, value):
        """Shown again after an error: the hidden fields as they were sent."""
        if not value:
            return []
        return [
            f"{item.sha256} {item.filename}".rstrip() if isinstance(item, EvidenceIn) else item
            for item in value
        ]
