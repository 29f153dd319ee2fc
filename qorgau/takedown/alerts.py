"""The takedown app's alert kinds: a request to a platform past its deadline.

Params carry public ids and dates only: the request's, and what it was made from (`about`:
"report:<public id>" or "subject:<public id>", put in words in the reader's language)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from qorgau.core.alerts import AlertKind, register, register_param

PRESERVATION_OVERDUE_KIND = "takedown_preservation_overdue"
REMOVAL_OVERDUE_KIND = "takedown_removal_overdue"


def about_text(value: Any) -> str:
    """ "report:AbC" -> "report AbC" (in the active language)."""
    kind, _sep, public_id = str(value).partition(":")
    if kind == "subject":
        return _("subject %(id)s") % {"id": public_id}
    return _("report %(id)s") % {"id": public_id}


register_param("about", about_text)

register(
    AlertKind(
        PRESERVATION_OVERDUE_KIND,
        title=gettext_lazy("Preservation request %(request)s is past its deadline"),
        body=gettext_lazy(
            "The platform was to keep the data of request %(request)s (%(about)s) until "
            "%(deadline_on)s, and it is not recorded as done. Ask the platform, or extend the "
            "deadline."
        ),
    ),
    AlertKind(
        REMOVAL_OVERDUE_KIND,
        title=gettext_lazy("Removal request %(request)s unanswered"),
        body=gettext_lazy(
            "Removal request %(request)s (%(about)s), sent on %(sent_on)s, has had no answer from "
            "the platform for %(days)s days. Remind the platform, or record its answer."
        ),
    ),
)
