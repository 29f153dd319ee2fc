from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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
