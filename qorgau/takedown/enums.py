from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Platform(models.TextChoices):
    """The platforms a request goes to; any other is named by hand (`platform_name`)."""

    TELEGRAM = "telegram", "Telegram"
    INSTAGRAM = "instagram", "Instagram"
    TIKTOK = "tiktok", "TikTok"
    VK = "vk", "VK"
    WHATSAPP = "whatsapp", "WhatsApp"
    YOUTUBE = "youtube", "YouTube"
    OTHER = "other", pgettext_lazy("platform", "Other")


class RequestKind(models.TextChoices):
    # Keep the account's data for the investigation, until a legal deadline.
    PRESERVATION = "preservation", _("Preservation of data")
    # Take down the content or the accounts named in the request.
    REMOVAL = "removal", _("Removal")


class RequestStatus(models.TextChoices):
    DRAFTED = "drafted", pgettext_lazy("request to a platform", "Draft")
    SENT = "sent", pgettext_lazy("request to a platform", "Sent")
    ACKNOWLEDGED = "acknowledged", pgettext_lazy("request to a platform", "Acknowledged")
    DONE = "done", pgettext_lazy("request to a platform", "Done")
    REFUSED = "refused", pgettext_lazy("request to a platform", "Refused")


# The statuses in which a request still waits for the platform.
OPEN_STATUSES = (RequestStatus.DRAFTED, RequestStatus.SENT, RequestStatus.ACKNOWLEDGED)
FINAL_STATUSES = (RequestStatus.DONE, RequestStatus.REFUSED)

# The column of each status's date (every move sets it, in the same UPDATE as the status).
STATUS_DATE_FIELDS = {
    RequestStatus.SENT: "sent_at",
    RequestStatus.ACKNOWLEDGED: "acknowledged_at",
    RequestStatus.DONE: "done_at",
    RequestStatus.REFUSED: "refused_at",
}


class EventKind(models.TextChoices):
    CREATED = "created", _("Drafted")
    STATUS = "status", _("Status changed")
    DEADLINE = "deadline", _("Deadline changed")
    REFERENCE = "reference", _("Platform's reference recorded")
