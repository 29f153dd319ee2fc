"""Advice shown right after a report, tailored to what was reported."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from qorgau.intake.enums import Category

KEEP = _(
    "Keep the messages, pictures and the person's name or profile: do not delete them. Take screenshots."
)
BLOCK = _(
    "After you have saved everything, block the person and report their profile to the site or app."
)
ADULT = _("Tell an adult you trust: a parent, a relative, a teacher or a school psychologist.")
DANGER = _(
    "If you are in danger now, call 102 (police) or 112. To talk to someone, call 150 for free."
)
NOT_YOUR_FAULT = _("What happened is not your fault.")

ADVICE = {
    Category.SEXTORTION: [
        _("Do not pay and do not send more pictures: it does not make them stop."),
        KEEP,
        BLOCK,
        ADULT,
        NOT_YOUR_FAULT,
        DANGER,
    ],
    Category.GROOMING: [
        _("Do not agree to meet and do not send pictures of yourself."),
        KEEP,
        BLOCK,
        ADULT,
        DANGER,
    ],
    Category.SUSPICIOUS_CONTACT: [
        _("Do not go to a meeting with someone you know only from the internet."),
        KEEP,
        BLOCK,
        ADULT,
        DANGER,
    ],
    Category.ABUSE: [
        DANGER,
        ADULT,
        _(
            "Do not wash the clothes you wore and, if you can, see a doctor: it helps the investigation."
        ),
        NOT_YOUR_FAULT,
    ],
    Category.ABUSE_IMAGES: [
        _("Do not share, forward or download the pictures, even to report them: send us the link."),
        _("Report the post or profile to the site or app as well."),
        KEEP,
        DANGER,
    ],
    Category.OTHER: [KEEP, ADULT, DANGER],
}


def advice_for(category: str) -> list:
    return ADVICE.get(category, ADVICE[Category.OTHER])
