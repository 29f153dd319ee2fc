from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise


class Category(models.TextChoices):
    GROOMING = "grooming", _("Someone online is trying to get close to a child (grooming)")
    SUSPICIOUS_CONTACT = "suspicious_contact", _("A suspicious attempt to date or meet a child")
    SEXTORTION = "sextortion", _("Threats or blackmail with intimate pictures (sextortion)")
    ABUSE = "abuse", _("Sexual abuse offline")
    ABUSE_IMAGES = "abuse_images", _("Sexual images of a child seen online")
    OTHER = "other", _("Something else")


class ReporterRelation(models.TextChoices):
    CHILD = "child", _("I am the child it happened to")
    PARENT = "parent", _("A parent or relative")
    TEACHER = "teacher", _("A teacher")
    WITNESS = "witness", _("Someone who saw or knows about it")
    PLATFORM = "platform", _("An online platform")
    OTHER = "other", pgettext_lazy("reporter", "Someone else")


class ChildGender(models.TextChoices):
    FEMALE = "f", _("Girl")
    MALE = "m", _("Boy")


class Source(models.TextChoices):
    WEB = "web", _("Red Button form")
    WIDGET = "widget", _("Red Button on another website")
    PLATFORM = "platform", _("Platform API")
    STAFF = "staff", _("Staff (API)")
    SCHOOL = "school", _("School safeguarding round")


class Status(models.TextChoices):
    RECEIVED = "received", _("Received")
    IN_REVIEW = "in_review", _("Being reviewed")
    REFERRED = "referred", _("Passed to the police or prosecutor")
    CLOSED = "closed", _("Closed")


class Priority(models.TextChoices):
    P1 = "P1", _("P1 — a child may be in danger now")
    P2 = "P2", _("P2 — urgent")
    P3 = "P3", _("P3 — needs attention")
    P4 = "P4", _("P4 — information")


class IdentifierKind(models.TextChoices):
    PHONE = "phone", _("Phone")
    EMAIL = "email", _("E-mail")
    TELEGRAM = "telegram", "Telegram"
    INSTAGRAM = "instagram", "Instagram"
    TIKTOK = "tiktok", "TikTok"
    WHATSAPP = "whatsapp", "WhatsApp"
    VK = "vk", "VK"
    SNAPCHAT = "snapchat", "Snapchat"
    DISCORD = "discord", "Discord"
    YOUTUBE = "youtube", "YouTube"
    URL = "url", _("Another site (link)")
    OTHER = "other", _("Other")


class MessageAuthor(models.TextChoices):
    REPORTER = "reporter", _("You")
    STAFF = "staff", _("Duty officer")


class EventKind(models.TextChoices):
    SUBMITTED = "submitted", _("Report received")
    STATUS = "status", _("Status changed")
    MESSAGE_FROM_REPORTER = "message_reporter", _("Message from the reporter")
    MESSAGE_FROM_STAFF = "message_staff", _("Message to the reporter")
    EVIDENCE_ADDED = "evidence_added", _("Files added")
    # Written until issue 18 (a report-wide lock any address could set); kept for those events.
    RECEIPT_LOCKED = "receipt_locked", _("Receipt code locked after wrong attempts")
    TAKEN = "taken", _("Taken by a duty officer")
    PRIORITY = "priority", _("Priority changed")
    MORE_INFO = "more_info", _("More information asked for")
    LINKED = "linked", _("Linked")
    UNLINKED = "unlinked", _("Link removed")
    DUPLICATE = "duplicate", _("Marked as a duplicate")
    REFERRED = "referred", _("Referred")
    CASE = "case", _("Turned into a criminal case")
    CLOSED = "closed", _("Closed")
    TRIAGED = "triaged", _("Priority set by triage")
    # issue 22: staff events only (the child's timeline does not show them)
    KNOWN_MATERIAL = "known_file", _("A file is on a known-hash list")
    FILE_MATCH = "file_match", _("A similar file was checked")


# The child's timeline on /report/status/: what each event means, said to the child, with msgids
# of their own (the staff's timeline keeps EventKind's labels). A status change says the new state.
CHILDS_TIMELINE = "child's timeline"  # the msgids' context, written out in each call for xgettext
REPORTER_EVENT_LABELS: dict[str, StrOrPromise] = {
    EventKind.SUBMITTED: pgettext_lazy("child's timeline", "Your report arrived"),
    EventKind.TAKEN: pgettext_lazy("child's timeline", "A duty officer is reading your report"),
    EventKind.STATUS: pgettext_lazy("child's timeline", "Something changed in your report"),
    EventKind.MESSAGE_FROM_REPORTER: pgettext_lazy("child's timeline", "Your message"),
    EventKind.MESSAGE_FROM_STAFF: pgettext_lazy(
        "child's timeline", "A message from the duty officer"
    ),
    EventKind.MORE_INFO: pgettext_lazy(
        "child's timeline", "The duty officer asked you to tell more"
    ),
    EventKind.EVIDENCE_ADDED: pgettext_lazy("child's timeline", "Files were added to your report"),
    EventKind.REFERRED: pgettext_lazy(
        "child's timeline", "Your report was sent to the service that can help"
    ),
    EventKind.CASE: pgettext_lazy(
        "child's timeline",
        "An investigation has started: the police and the prosecutor look into it",
    ),
    EventKind.CLOSED: pgettext_lazy("child's timeline", "Work on your report is finished"),
}
REPORTER_STATUS_LABELS: dict[str, StrOrPromise] = {
    Status.RECEIVED: pgettext_lazy("child's timeline", "Your report is waiting to be read"),
    Status.IN_REVIEW: pgettext_lazy("child's timeline", "Your report is being looked at"),
    Status.REFERRED: pgettext_lazy(
        "child's timeline", "Your report went to the police or the prosecutor"
    ),
    Status.CLOSED: pgettext_lazy("child's timeline", "Work on your report is finished"),
}


class CloseReason(models.TextChoices):
    RESOLVED = "resolved", _("Dealt with")
    UNFOUNDED = "unfounded", _("Unfounded")
    DUPLICATE = "duplicate", _("Duplicate of another report")
    NOT_OUR_MATTER = "not_our_matter", _("Not a matter for the programme")
    CASE_OPENED = "case_opened", _("A criminal case was opened")


class ReferralTarget(models.TextChoices):
    POLICE = "police", _("Police")
    SCHOOL = "school", _("School")
    SOCIAL = "social", _("Social services")
    PARTNER = "partner", _("A partner organisation")
    REGION = "region", _("Another region")


class TextLanguage(models.TextChoices):
    """The language a narrative is written in, as `textforms.language_of` reads it."""

    KAZAKH = "kk", _("Kazakh")
    RUSSIAN = "ru", _("Russian")
    ENGLISH = "en", _("English")
    MIXED = "mixed", _("several languages")


class TextScript(models.TextChoices):
    """The letters a narrative is written in, as `textforms.script_of` reads them."""

    CYRILLIC = "cyrillic", _("Cyrillic letters")
    LATIN = "latin", _("Latin letters")
    MIXED = "mixed", _("Cyrillic and Latin letters")
    NONE = "none", _("no letters (emojis, digits or links only)")


class Perceptual(models.TextChoices):
    """Where an evidence file's perceptual hash stands (issue 22): pictures get a PDQ hash, videos
    the PDQ hashes of a frame a second; other files (and hash-only ones) have none."""

    PENDING = "pending", _("PDQ: being made")
    DONE = "done", _("PDQ: made")
    FAILED = "failed", _("PDQ: could not be made (the file is kept)")
    NONE = "none", _("PDQ: not a picture or a video")


class MatchStatus(models.TextChoices):
    """An analyst's decision on a near-duplicate file: the same picture or not."""

    PENDING = "pending", _("to check")
    CONFIRMED = "confirmed", _("the same picture")
    REJECTED = "rejected", _("not the same")
