from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qorgau.core.audit_chain import verify_chain
from qorgau.core.audit_checkpoint import (
    CheckpointError,
    CheckpointWatch,
    checkpoint_path,
    load_checkpoints,
)
from qorgau.core.models import AuditChainHead, AuditEntry
from qorgau.env import ConfigurationError


class Command(BaseCommand):
    help = (
        "Prove the audit log untouched: walk the hash chain from the first entry and check it "
        "against the signed checkpoints `tick` keeps outside the database "
        "(QORGAU_AUDIT_CHECKPOINT_PATH); exit non-zero naming the first entry that was altered, "
        "deleted or inserted, or the checkpoint the log no longer matches."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        path = checkpoint_path()
        try:
            expected = load_checkpoints(path) if path is not None and path.exists() else {}
        except (CheckpointError, ConfigurationError) as exc:
            raise CommandError(f"Audit log NOT PROVEN: {exc}.") from exc
        except OSError as exc:
            raise CommandError(f"Audit checkpoints cannot be read: {path}: {exc.strerror}") from exc
        watch = CheckpointWatch(expected)
        head = AuditChainHead.objects.filter(pk=1).first()
        entries = AuditEntry.objects.order_by("seq").iterator(chunk_size=5000)
        checked, problem = verify_chain(
            watch.watch(entries),
            head_seq=head.seq if head else None,
            head_hash=head.hash if head else None,
        )
        if problem is not None:
            raise CommandError(
                f"Audit log BROKEN at {problem} ({checked} entries verified before it)."
            )
        anchored = watch.final_problem()
        if anchored:
            raise CommandError(f"Audit log BROKEN: {anchored} ({checked} entries verified).")
        self.stdout.write(f"Audit log intact: {checked} entries verified.")
        if expected:
            last = expected[max(expected)]
            self.stdout.write(f"It matches {len(expected)} signed checkpoints, the last {last}.")
        elif path is None:
            self.stdout.write("Not anchored: QORGAU_AUDIT_CHECKPOINT_PATH is not set.")
        else:
            self.stdout.write(f"No checkpoint in {path} yet (`tick` writes them).")
