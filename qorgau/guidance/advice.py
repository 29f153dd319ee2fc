"""Advice shown right after a report, tailored to what was reported.

Keyed by the report's category (the values of `qorgau.intake.enums.Category`, named here as strings:
the guidance app is below intake and does not import it; tests/guidance/test_advice.py checks that
every category has its advice and its pages).
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

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

ADVICE: dict[str, list] = {
    "sextortion": [
        _("Do not pay and do not send more pictures: it does not make them stop."),
        KEEP,
        BLOCK,
        ADULT,
        NOT_YOUR_FAULT,
        DANGER,
    ],
    "grooming": [
        _("Do not agree to meet and do not send pictures of yourself."),
        KEEP,
        BLOCK,
        ADULT,
        DANGER,
    ],
    "suspicious_contact": [
        _("Do not go to a meeting with someone you know only from the internet."),
        KEEP,
        BLOCK,
        ADULT,
        DANGER,
    ],
    "abuse": [
        DANGER,
        ADULT,
        _(
            "Do not wash the clothes you wore and, if you can, see a doctor: it helps the investigation."
        ),
        NOT_YOUR_FAULT,
    ],
    "abuse_images": [
        _("Do not share, forward or download the pictures, even to report them: send us the link."),
        _("Report the post or profile to the site or app as well."),
        KEEP,
        DANGER,
    ],
    "other": [KEEP, ADULT, DANGER],
}


def advice_for(category: str) -> list:
    """What to do now, for a report of that category (the general advice for an unknown one)."""
    return ADVICE.get(category, ADVICE["other"])
