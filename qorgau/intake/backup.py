"""What a backup keeps of intake besides its tables: the evidence files (core/backup.py asks each
app's `backup` module; core does not import intake)."""

from __future__ import annotations

# The folder under MEDIA_ROOT, and the folder in the archive, of intake's files.
FILE_FOLDER = "evidence"


def stored_files() -> list[str]:
    """The names of the evidence files kept on disk (encrypted), as the archive must hold them."""
    from qorgau.intake.models import Evidence

    return sorted(Evidence.objects.exclude(storage_name="").values_list("storage_name", flat=True))


def holds_data() -> bool:
    """Whether any report was received: an installation with reports is not empty."""
    from qorgau.intake.models import Report

    return Report.objects.exists()
