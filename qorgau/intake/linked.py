"""A report that links to someone already known: the supervised offender's police supervisor and
the region's chief, the inmate's clinicians, the open case's prosecutor are alerted (urgent: in the
app, by e-mail and SMS; it climbs while nobody acknowledges it). Who is told is each higher app's
(`offenders/links.py`, `cases/links.py`, found by `linking.linked`). Raised in the report's
transaction, like the P1 alert; e-mails and SMS go after the commit. A report whose subject holds
no register entry or suspect costs no query here."""

from __future__ import annotations

import logging

from qorgau.core.alerts import raise_alert
from qorgau.intake.models import Report
from qorgau.linking.identifiers import LINKING_KINDS
from qorgau.linking.linked import (
    CONFIRMED_NAME,
    linked_owner_types,
    linked_owners,
    uses_in_subject,
)
from qorgau.linking.models import Subject
from qorgau.linking.services import LinkResult

logger = logging.getLogger(__name__)


def alert_linked(*, report: Report, link: LinkResult) -> int:
    """After the report was linked at submit: alert whoever keeps the register entries and
    suspects its subject holds. Returns how many alerts were raised."""
    if link.subject is None or not link.others:
        return 0
    hooks = linked_owner_types()
    types = [t for t in hooks if link.others.get(t)]
    if not types:
        return 0
    own = [i for i in link.identifiers if i.kind in LINKING_KINDS and i.normalised]
    owners = linked_owners(subject_id=link.subject.pk, owner_types=types, own=own)
    return _raise(report, owners, hooks)


def alert_linked_by_analyst(*, report: Report, subject: Subject) -> int:
    """An analyst confirmed the report belongs to `subject` (a name candidate, or their
    judgement): the same alerts, naming the confirmation as what linked them."""
    hooks = linked_owner_types()
    owners: dict[str, dict[int, str]] = {}
    for owner_type, owner_id in (
        uses_in_subject(subject_id=subject.pk, owner_types=list(hooks))
        .values_list("owner_type", "owner_id")
        .distinct()
    ):
        owners.setdefault(owner_type, {})[owner_id] = CONFIRMED_NAME
    return _raise(report, owners, hooks)


# At most this many open reports alert when a register entry joins their subject (the newest).
REPORTS_PER_NEW_OWNER = 50


def alert_reports_of_new_owner(*, subject: Subject, owner_type: str, owner_id: int) -> int:
    """A register entry (say) joined a subject that holds open reports: each of them alerts, as if
    it had linked to him at its submit (the entry may come after the reports). Returns how many
    alerts were raised."""
    from qorgau.intake.services._common import REPORT_OWNER
    from qorgau.linking.models import Identifier

    hooks = linked_owner_types()
    if owner_type not in hooks:
        return 0
    report_ids = list(
        uses_in_subject(subject_id=subject.pk, owner_types=[REPORT_OWNER])
        .values_list("owner_id", flat=True)
        .distinct()
    )
    raised = 0
    for report in (
        Report.objects.open()
        .filter(pk__in=report_ids)
        .order_by("-created_at")[:REPORTS_PER_NEW_OWNER]
    ):
        own = list(
            Identifier.objects.filter(
                uses__owner_type=REPORT_OWNER,
                uses__owner_id=report.pk,
                kind__in=LINKING_KINDS,
                normalised=True,
            )
        )
        owners = linked_owners(subject_id=subject.pk, owner_types=[owner_type], own=own)
        vias = {owner_id: owners.get(owner_type, {}).get(owner_id, "")}
        raised += _raise(report, {owner_type: vias}, hooks)
    return raised


def _raise(report: Report, owners: dict[str, dict[int, str]], hooks: dict) -> int:
    raised = 0
    for owner_type, vias in owners.items():
        if not vias:
            continue
        for linked in hooks[owner_type].people_to_alert(sorted(vias)):
            if not linked.recipients:
                logger.error(
                    "report %s links to %s %s and alerted nobody",
                    report.public_id,
                    owner_type,
                    linked.owner_id,
                )
            raise_alert(
                kind=linked.kind,
                object_ref=f"{report.public_id}:{linked.owner_id}",
                recipients=linked.recipients,
                url=linked.url,
                params={"report": report.public_id, **linked.params, "via": vias[linked.owner_id]},
                region=linked.region_id,
                climbs=True,
            )
            raised += 1
    return raised
