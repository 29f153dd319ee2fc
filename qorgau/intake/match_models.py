"""What an evidence file was found to match (issue 22): another report's file that looks the same
(a candidate an analyst decides on) and an entry of a known-hash list."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from qorgau.core.models import User
from qorgau.intake.enums import MatchStatus


class EvidenceMatch(models.Model):
    """`evidence` (the newer file) looks like `other` (a file of another report): PDQ Hamming
    distance `distance` (the smallest over a video's frames), `frames` pairs within the threshold.
    A candidate until an analyst says whether it is the same picture; confirming links the
    reports' subjects."""

    evidence = models.ForeignKey("intake.Evidence", on_delete=models.CASCADE, related_name="+")
    other = models.ForeignKey("intake.Evidence", on_delete=models.CASCADE, related_name="+")
    distance = models.PositiveSmallIntegerField(_("distance"))
    frames = models.PositiveIntegerField(_("frames alike"), default=1)
    status = models.CharField(
        _("decision"), max_length=10, choices=MatchStatus.choices, default=MatchStatus.PENDING
    )
    decided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("similar file")
        verbose_name_plural = _("similar files")
        constraints = [
            models.UniqueConstraint(fields=["evidence", "other"], name="intake_evmatch_pair")
        ]
        indexes = [models.Index(fields=["status", "created_at"], name="intake_evmatch_status")]

    def __str__(self) -> str:
        return f"{self.evidence_id}~{self.other_id} ({self.distance})"


class KnownMaterialMatch(models.Model):
    """An evidence file is on a known-hash list: by an exact hash (distance 0) or by PDQ. The
    list's version is kept (PROTECT): the reason a report became P1 is never lost."""

    evidence = models.ForeignKey("intake.Evidence", on_delete=models.CASCADE, related_name="+")
    known = models.ForeignKey("linking.KnownHash", on_delete=models.PROTECT, related_name="+")
    version = models.ForeignKey(
        "linking.HashListVersion", on_delete=models.PROTECT, related_name="+"
    )
    algorithm = models.CharField(max_length=8)
    distance = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("known material match")
        verbose_name_plural = _("known material matches")
        constraints = [
            models.UniqueConstraint(fields=["evidence", "known"], name="intake_knownmatch_pair")
        ]

    def __str__(self) -> str:
        return f"{self.evidence_id}={self.known_id}"
