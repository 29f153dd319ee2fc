"""The core's part of `manage.py tick`: unacknowledged alerts climb (chief, national desk), alert
e-mails and SMS the queue never got are handed over again, background tasks whose worker died are queued again, and
client addresses in the audit log older than QORGAU_ADDRESS_RETENTION_DAYS are cut to their network,
rate-limit buckets (keyed hashes of addresses) idle for a day are dropped; the duty rota's weekly
patterns are written out as shifts for the coming days, and each region's chiefs (the central office
for the national desk) are warned a day ahead of a gap in the rota.
(`tick` itself anchors the audit log last, after every app's work: audit_checkpoint.anchor_head.)"""

from __future__ import annotations

from qorgau.core.alert_delivery import hand_over_stalled
from qorgau.core.alerts import escalate_due
from qorgau.core.services.audit import audit_addresses_cut
from qorgau.core.services.duty import duty_patterns_materialise
from qorgau.core.services.duty_gaps import duty_gaps_warn
from qorgau.core.services.limits import rate_limit_buckets_prune
from qorgau.core.tasks import requeue_lost_tasks


def run() -> list[str]:
    return [
        f"{escalate_due()} unacknowledged alerts climbed a level",
        f"{hand_over_stalled()} e-mails and SMS of alerts handed to the worker again",
        f"{requeue_lost_tasks()} background tasks of lost workers queued again",
        f"{audit_addresses_cut()} client addresses in the audit log cut to their network",
        f"{rate_limit_buckets_prune()} idle rate-limit buckets dropped",
        f"{duty_patterns_materialise()} duty shifts written out from weekly patterns",
        f"{duty_gaps_warn()} warnings of a gap in the duty rota sent",
    ]
