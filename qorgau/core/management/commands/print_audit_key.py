from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from qorgau.core.audit_checkpoint import key_id, public_key_text, signing_key


class Command(BaseCommand):
    help = (
        "Print the public half of the audit signing key (QORGAU_AUDIT_SIGNING_KEY), for an "
        "auditor's machine: `verify_audit` there needs only QORGAU_AUDIT_VERIFY_KEY and a copy of "
        "the checkpoint file. The private key is never printed."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        key = signing_key()
        if key is None:
            raise CommandError("QORGAU_AUDIT_SIGNING_KEY is not set.")
        public = key.public_key()
        self.stdout.write(f"QORGAU_AUDIT_VERIFY_KEY={public_key_text(public)}")
        self.stdout.write(f"key id {key_id(public)} (named in every checkpoint it signs)")
