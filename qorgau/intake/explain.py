"""What the stored triage reasons (`Report.priority_reasons`) mean to the pages that show them.

A reason is a dict the triage engine wrote: `code`, `priority` or `raise`, `label` in the three staff
languages and, since issue 20, `at`: where the narrative's words that triggered the rule are (spans
of words, read back from the decrypted narrative by `triage.quotes_of`; absent in older reports and
in rules on the structured fields; an early form stored the words as `quotes`). The staff page lists each reason with its words
and marks them in the narrative (`highlight`); the receipt and status pages speak to a child whose
report mentions suicide or self-harm before anything else (`mentions_self_harm`, `crisis_helplines`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from qorgau.intake.triage import quotes_of, reason_labels

SELF_HARM_CODES = frozenset({"self_harm"})
UNREADABLE = "unreadable"
# The numbers a child who may hurt themself is shown first, in this order: the helpline for children
# and young people (150), the contact centre for families and children (111), emergencies (112).
CRISIS_NUMBERS = ("150", "111", "112")


@dataclass(frozen=True)
class Reason:
    code: str
    label: str
    quotes: list[str] = field(default_factory=list)


def _quotes(reason: Any, narrative: str) -> list[str]:
    quotes = quotes_of(narrative, reason) if isinstance(reason, dict) else None
    if not isinstance(quotes, list):
        return []
    seen: dict[str, None] = {}
    for quote in quotes:
        if isinstance(quote, str) and quote.strip():
            seen.setdefault(quote.strip(), None)
    return list(seen)


def explained_reasons(reasons: Any, language: str, narrative: str = "") -> list[Reason]:
    """Each stored reason with its label in `language` (as `triage.reason_labels` gives it) and its
    quoted words, read back from `narrative` (`triage.quotes_of`), in the stored order. Anything
    that is not a list reads as no reason."""
    if not isinstance(reasons, list):
        return []
    explained = []
    for reason, label in zip(reasons, reason_labels(reasons, language), strict=True):
        code = str(reason.get("code", "")) if isinstance(reason, dict) else ""
        if code == UNREADABLE and label == code:  # no label stored: say it in words
            label = _("Could not read the text")
        explained.append(Reason(code=code, label=label, quotes=_quotes(reason, narrative)))
    return explained


def quoted_words(reasons: Iterable[Reason]) -> list[str]:
    """All the reasons' quotes, each once, for `highlight`."""
    seen: dict[str, None] = {}
    for reason in reasons:
        for quote in reason.quotes:
            seen.setdefault(quote, None)
    return list(seen)


def mentions_self_harm(reasons: Any) -> bool:
    """Whether the stored reasons say the narrative mentions suicide or self-harm."""
    if not isinstance(reasons, list):
        return False
    return any(isinstance(r, dict) and r.get("code") in SELF_HARM_CODES for r in reasons)


def crisis_helplines(helplines: Iterable[Any]) -> list[Any]:
    """The helplines to show a child at risk: 150, 111 and 112, in that order, those of `helplines`
    (the shown ones, from the database) that exist."""
    by_number = {line.number: line for line in helplines}
    return [by_number[number] for number in CRISIS_NUMBERS if number in by_number]
