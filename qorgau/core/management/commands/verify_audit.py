from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qorgau.core.audit_chain import verify_chain
from qorgau.core.models import AuditChainHead, AuditEntry


class Command(BaseCommand):
    help = (
        "Prove the audit log untouched: walk the hash chain from the first entry; exit non-zero "
        "naming the first entry that was altered, deleted or inserted out of order."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        head = AuditChainHead.objects.filter(pk=1).first()
        entries = AuditEntry.objects.order_by("seq").iterator(chunk_size=5000)
        checked, problem = verify_chain(
            entries,
            head_seq=head.seq if head else None,
            head_hash=head.hash if head else None,
        )
        if problem is not None:
            raise CommandError(
                f"Audit log BROKEN at {problem} ({checked} entries verified before it)."
            )
        self.stdout.write(f"Audit log intact: {checked} entries verified.")
