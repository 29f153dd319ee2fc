"""Similar files (issue 22): an analyst decides whether a PDQ candidate is the same picture.

A candidate (`EvidenceMatch`) is shown on the pages of both reports it joins, as numbers (the
distance in bits of 256, the frames alike for a video) and a decision; the picture itself is never
rendered. Confirming it links the report to the subject of the other file's report, as an
analyst's link (`link_by_analyst`), and re-triages the report; rejecting it records the decision.
Either is decided once, by someone who may act on the report whose page it was decided from.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from qorgau.core.errors import Conflict
from qorgau.core.models import User
from qorgau.core.permissions import refuse, require, service
from qorgau.core.services import audit_append
from qorgau.intake import policies
from qorgau.intake.enums import EventKind, MatchStatus
from qorgau.intake.match_models import EvidenceMatch
from qorgau.intake.models import Report
from qorgau.intake.services._common import REPORT_OWNER, _event


def _matches_of(report: Report) -> Any:
    return EvidenceMatch.objects.filter(
        Q(evidence__report=report) | Q(other__report=report)
    ).select_related("evidence__report__region", "other__report__region", "decided_by")


def file_matches_for_user(*, user: User, report: Report) -> list[dict[str, Any]]:
    """The report's similar-file candidates, for its page: this report's file, the other
    report (its number only if the user may open it), the distance, frames, the decision."""
    matches = list(_matches_of(report).order_by("status", "distance", "pk"))
    others = {m.other.report_id for m in matches} | {m.evidence.report_id for m in matches}
    visible = set(
        Report.objects.visible_to(user).filter(pk__in=others).values_list("pk", flat=True)
    )
    rows = []
    for match in matches:
        mine, theirs = (
            (match.evidence, match.other)
            if match.evidence.report_id == report.pk
            else (match.other, match.evidence)
        )
        rows.append(
            {
                "id": match.pk,
                "file": mine,
                "other_report": theirs.report if theirs.report_id in visible else None,
                "other_region": theirs.report.region,
                "distance": match.distance,
                "frames": match.frames,
                "status": match.status,
                "status_label": match.get_status_display(),
                "decided_by": match.decided_by,
                "decided_at": match.decided_at,
                "pending": match.status == MatchStatus.PENDING,
            }
        )
    return rows


@service
def report_file_match_decide(
    *, report: Report, acting_user: User, match_id: int, same: bool
) -> EvidenceMatch:
    """Say whether a candidate is the same picture (see the module's docstring)."""
    from qorgau.intake.services.submit import report_retriage
    from qorgau.linking.selectors import subject_for_owner
    from qorgau.linking.services import link_by_analyst

    require(acting_user, policies.DECIDE_FILE_MATCH, report)
    match = _matches_of(report).select_for_update(of=("self",)).filter(pk=match_id).first()
    if match is None:
        refuse(
            acting_user,
            policies.DECIDE_FILE_MATCH,
            report,
            message=_("This report has no such similar file."),
        )
    assert match is not None
    if match.status != MatchStatus.PENDING:
        raise Conflict(_("This similar file was already decided."))
    other = match.other if match.evidence.report_id == report.pk else match.evidence
    subject = None
    if same:
        subject = subject_for_owner(owner_type=REPORT_OWNER, owner_id=other.report_id)
        if subject is None:
            raise Conflict(_("The other file's report has no subject to link to."))
        link_by_analyst(
            owner_type=REPORT_OWNER,
            owner_id=report.pk,
            subject=subject,
            acting_user=acting_user,
            region=report.region,
            reason="file_match",
        )
    match.status = MatchStatus.CONFIRMED if same else MatchStatus.REJECTED
    match.decided_by, match.decided_at = acting_user, timezone.now()
    match.save(update_fields=["status", "decided_by", "decided_at"])
    _event(
        report,
        EventKind.FILE_MATCH,
        actor=acting_user,
        details={"same": same, "distance": match.distance},
    )
    audit_append(
        actor=acting_user,
        action="report.file_match",
        obj=report,
        region=report.region,
        details={"match": match.pk, "same": same, "distance": match.distance},
    )
    if same:
        report_retriage(report=report)
    return match
