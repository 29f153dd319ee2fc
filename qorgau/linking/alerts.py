"""How alerts name the identifier that linked a report (`via`: a kind code, `phone:67`)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from qorgau.core.alerts import register_param
from qorgau.linking.identifiers import EMAIL, KIND_LABELS, PHONE, URL
from qorgau.linking.linked import CONFIRMED_NAME


def via_text(value: Any) -> str:
    """`phone:67` → "a phone number ending in 67"; `telegram` → "a Telegram account"; …"""
    kind, _sep, end = str(value or "").partition(":")
    if kind == PHONE:
        return _("a phone number ending in %(end)s") % {"end": end} if end else _("a phone number")
    if kind == EMAIL:
        return _("an e-mail address")
    if kind == URL:
        return _("a link to a page")
    if kind == CONFIRMED_NAME:
        return _("a link an analyst confirmed (a name or their judgement)")
    if kind in KIND_LABELS:
        return _("a %(platform)s account") % {"platform": KIND_LABELS[kind]}
    return _("an identifier")


register_param("via", via_text)
