"""What evidence files are matched by (issue 22): perceptual hashes with their index for Hamming
distance, and the known-hash lists the central office imports.

A PDQ hash is 256 bits, kept as 64 hex digits. Near-duplicates (distance ≤ 31) are found by
multi-index hashing (Norouzi, Punjani and Fleet): the hash is cut into 16 chunks of 16 bits, one
`PerceptualChunk` row each, keyed by position and value. Two hashes within 31 bits of each other
differ by at most one bit in at least one chunk (16 chunks that each differ by two or more bits
make 32), so looking up every chunk of the query and its 16 one-bit neighbours (272 keys on one
index) finds every hash within 31 bits, and only those candidates are compared whole
(`linking.pdq`).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from qorgau.core.models import TimeStamped, User


class HashAlgorithm(models.TextChoices):
    MD5 = "md5", "MD5"
    SHA1 = "sha1", "SHA-1"
    SHA256 = "sha256", "SHA-256"
    PDQ = "pdq", "PDQ"


# The `owner_type` of a known-hash list's PDQ entry among the perceptual hashes.
KNOWN_OWNER = "linking.knownhash"

HEX_LENGTHS = {HashAlgorithm.MD5: 32, HashAlgorithm.SHA1: 40, HashAlgorithm.SHA256: 64}


class PerceptualHash(models.Model):
    """A PDQ hash of an evidence picture, of a video's frame, or of a known-hash list's entry.

    `owner_type` is `intake.evidence` or `linking.knownhash` (the linking app does not depend on
    the apps that use it); `frame` is the second of a video's frame (0 for a picture)."""

    owner_type = models.CharField(max_length=32)
    owner_id = models.BigIntegerField()
    frame = models.IntegerField(default=0)
    value = models.CharField(max_length=64)
    quality = models.PositiveSmallIntegerField(default=100)

    class Meta:
        indexes = [models.Index(fields=["owner_type", "owner_id"], name="linking_phash_owner")]

    def __str__(self) -> str:
        return f"{self.owner_type}#{self.owner_id}@{self.frame}"


class PerceptualChunk(models.Model):
    """One 16-bit chunk of a perceptual hash: `key` is position × 65,536 + the chunk's value.
    The (key, hash) index answers a near-duplicate search without reading the table."""

    key = models.IntegerField()
    hash = models.ForeignKey(
        PerceptualHash, on_delete=models.CASCADE, related_name="chunks", db_index=False
    )

    class Meta:
        indexes = [models.Index(fields=["key", "hash"], name="linking_pchunk_key")]

    def __str__(self) -> str:
        return f"{self.key}:{self.hash_id}"


class HashList(TimeStamped):
    """A list of hashes of known abuse material (a hotline's, a hash exchange's), by its label.
    Each import is a new version; the newest complete one is the list in force."""

    label = models.CharField(_("label"), max_length=120)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("hash list")
        verbose_name_plural = _("hash lists")
        constraints = [models.UniqueConstraint(fields=["label"], name="linking_hashlist_label")]

    def __str__(self) -> str:
        return self.label


class HashListVersion(TimeStamped):
    """One import of a list: what was read, by whom, and how far the files already stored have
    been matched against it (`matched_through`: the last evidence id compared)."""

    hash_list = models.ForeignKey(HashList, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    imported_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    source_name = models.CharField(_("file"), max_length=255, blank=True)
    source_sha256 = models.CharField(max_length=64, blank=True)
    rows = models.PositiveIntegerField(_("hashes"), default=0)
    bad_rows = models.PositiveIntegerField(_("lines left out"), default=0)
    counts = models.JSONField(default=dict, blank=True)  # hashes by algorithm
    matched_through = models.BigIntegerField(default=0)
    matched_at = models.DateTimeField(_("stored files matched"), null=True, blank=True)

    class Meta:
        verbose_name = _("hash list version")
        verbose_name_plural = _("hash list versions")
        ordering = ["hash_list_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["hash_list", "number"], name="linking_hlv_number")
        ]

    def __str__(self) -> str:
        return f"{self.hash_list_id} v{self.number}"


class KnownHash(models.Model):
    """One hash of a list's version, with the list's own label for it ("" when it has none)."""

    version = models.ForeignKey(
        HashListVersion, on_delete=models.CASCADE, related_name="hashes", db_index=False
    )
    algorithm = models.CharField(max_length=8, choices=HashAlgorithm.choices)
    value = models.CharField(max_length=64)
    label = models.CharField(max_length=120, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["algorithm", "value"], name="linking_knownhash_value"),
            models.Index(fields=["version", "algorithm"], name="linking_knownhash_version"),
        ]

    def __str__(self) -> str:
        return f"{self.algorithm}:{self.value[:8]}…"
