from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from qorgau.core.fields import EncryptedTextField
from qorgau.core.models import Region, TimeStamped, new_public_id


class Subject(TimeStamped):
    """One person (as far as the records tell) behind reports, cases and register entries that share
    an identifier. Grown as reports arrive; merged when an identifier joins two."""

    public_id = models.CharField(max_length=16, default=new_public_id, editable=False)
    merged_into = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="merged"
    )
    first_seen = models.DateTimeField(_("first seen"))
    last_seen = models.DateTimeField(_("last seen"))
    # How many reports, case suspects, register entries it holds ({"intake.report": 3, …}): kept
    # up to date by the linking services, so that triage need not count on every report.
    owner_counts = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name = _("subject")
        verbose_name_plural = _("subjects")
        indexes = [models.Index(fields=["last_seen"], name="linking_subject_last_seen")]
        # constraints rather than unique=True: no extra LIKE index to write on every insert
        constraints = [
            models.UniqueConstraint(fields=["public_id"], name="linking_subject_public_id")
        ]

    def __str__(self) -> str:
        return self.public_id


class Identifier(TimeStamped):
    """A normalised identifier. The value is encrypted; a keyed hash of kind:value finds it."""

    kind = models.CharField(_("kind"), max_length=16)
    lookup = models.CharField(max_length=64)
    value = EncryptedTextField(_("value"))
    normalised = models.BooleanField(_("normalised"), default=True)
    # indexed by (subject, kind) below; no index of its own
    subject = models.ForeignKey(
        Subject,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="identifiers",
        db_index=False,
    )

    class Meta:
        verbose_name = _("identifier")
        verbose_name_plural = _("identifiers")
        indexes = [models.Index(fields=["subject", "kind"], name="linking_identifier_subject")]
        constraints = [models.UniqueConstraint(fields=["lookup"], name="linking_identifier_lookup")]

    def __str__(self) -> str:
        return f"{self.kind}:{self.lookup[:8]}…"

    @property
    def kind_label(self) -> str:
        """The kind as staff pages show it ("Phone", "Telegram", …)."""
        from qorgau.linking.identifiers import KIND_LABELS

        return str(KIND_LABELS.get(self.kind, self.kind))


class IdentifierUse(models.Model):
    """Where an identifier was seen: a report, a case's suspect, an offender's register entry.

    `owner_type` names the owning model (`intake.report`, `cases.suspect`, `offenders.person`) so
    that the linking app does not depend on the apps that use it.
    """

    # indexed by the unique (identifier, owner_type, owner_id) constraint; no index of its own
    identifier = models.ForeignKey(
        Identifier, on_delete=models.CASCADE, related_name="uses", db_index=False
    )
    owner_type = models.CharField(max_length=32)
    owner_id = models.BigIntegerField()
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    origin = models.CharField(max_length=8, default="field")  # field | text | file | analyst
    seen_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["identifier", "owner_type", "owner_id"], name="linking_use_unique"
            )
        ]
        indexes = [models.Index(fields=["owner_type", "owner_id"], name="linking_use_owner")]

    def __str__(self) -> str:
        return f"{self.owner_type}#{self.owner_id}"


class NameEntry(models.Model):
    """A name seen on a report, case or register entry, kept as its skeleton for matching.

    The name itself is not stored here (it is encrypted on its owner); the skeleton is enough to
    rank candidates, which an analyst then checks against the owner's record."""

    owner_type = models.CharField(max_length=32)
    owner_id = models.BigIntegerField()
    skeleton = models.CharField(max_length=200, db_index=True)
    subject = models.ForeignKey(
        Subject, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["owner_type", "owner_id", "skeleton"], name="linking_name_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.owner_type}#{self.owner_id}"


# Perceptual hashes and known-hash lists (issue 22) are in `hash_models`; imported here so that
# Django finds them among the app's models.
from qorgau.linking.hash_models import (  # noqa: E402
    HashList,
    HashListVersion,
    KnownHash,
    PerceptualChunk,
    PerceptualHash,
)

__all__ = [
    "HashList",
    "HashListVersion",
    "Identifier",
    "IdentifierUse",
    "KnownHash",
    "NameEntry",
    "PerceptualChunk",
    "PerceptualHash",
    "Subject",
]
