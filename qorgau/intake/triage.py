"""First triage of a report from its structured fields: a priority and the reasons that set it.

The reasons are codes (shown to analysts in their language), never text from the report. Triage of
the narrative's words and links to other reports raise the priority further (the linking app).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from qorgau.intake.enums import Category, Priority

ORDER = [Priority.P1, Priority.P2, Priority.P3, Priority.P4]

REASONS = {
    "category_abuse": _("Sexual abuse offline"),
    "category_sextortion": _("Threats or blackmail"),
    "category_abuse_images": _("Sexual images of a child"),
    "category_contact": _("Grooming or a suspicious contact"),
    "category_other": _("Other information"),
    "young_child": _("The child is under 13"),
    "recent": _("It happened in the last 48 hours"),
}

BASE = {
    Category.ABUSE: (Priority.P2, "category_abuse"),
    Category.SEXTORTION: (Priority.P2, "category_sextortion"),
    Category.ABUSE_IMAGES: (Priority.P2, "category_abuse_images"),
    Category.GROOMING: (Priority.P3, "category_contact"),
    Category.SUSPICIOUS_CONTACT: (Priority.P3, "category_contact"),
    Category.OTHER: (Priority.P4, "category_other"),
}


@dataclass
class TriageResult:
    priority: str
    reasons: list[str] = field(default_factory=list)

    def raise_to(self, priority: str, reason: str) -> None:
        if ORDER.index(priority) < ORDER.index(self.priority):
            self.priority = priority
        if reason not in self.reasons:
            self.reasons.append(reason)


def raise_one(priority: str) -> str:
    return ORDER[max(ORDER.index(priority) - 1, 0)]


def triage(*, category: str, child_age: int | None, hours_since: float | None) -> TriageResult:
    priority, reason = BASE[Category(category)]
    result = TriageResult(priority=priority, reasons=[reason])
    sexual = category != Category.OTHER
    if sexual and child_age is not None and child_age < 13:
        result.raise_to(raise_one(result.priority), "young_child")
    if sexual and hours_since is not None and hours_since <= 48:
        result.raise_to(raise_one(result.priority), "recent")
    return result


def reason_labels(codes: list[str]) -> list[str]:
    return [str(REASONS.get(code, code)) for code in codes]
