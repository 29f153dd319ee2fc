"""Evidence files: the type sniffed from the content, the file encrypted on disk, its SHA-256 kept.

The disk holds `nonce | AES-256-GCM(data key, content)`; the data key is in the database, itself
wrapped by the master key (so `rotate_master_key` covers evidence too). Files are written and fsynced
before the report's transaction commits.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import filetype
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.utils.translation import gettext_lazy as _

NONCE = 12

# What a report may carry: pictures, PDF, text and chat exports (WhatsApp exports a .zip).
ALLOWED_TYPES = {
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "image/heic",
    "image/heif",
    "application/pdf",
    "application/zip",
    "text/plain",
}


class EvidenceRejected(ValueError):
    pass


@dataclass(frozen=True)
class IncomingFile:
    filename: str
    content: bytes | None  # None when only the hash is known (a platform's report)
    sha256: str


def evidence_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "evidence"


def _looks_like_text(content: bytes) -> bool:
    if b"\x00" in content[:65536] and not content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    sample = content[:65536]
    for encoding in ("utf-8", "utf-16"):
        try:
            sample.decode(encoding)
            return True
        except UnicodeDecodeError as exc:
            # a multi-byte character cut by the sample's end is still text
            if encoding == "utf-8" and exc.start >= len(sample) - 3 and len(content) > len(sample):
                return True
    return False


def sniff(content: bytes) -> str | None:
    """The content's type, from its bytes (never from its name); None when it is not allowed."""
    kind = filetype.guess(content[:8192])
    if kind is not None:
        return kind.mime if kind.mime in ALLOWED_TYPES else None
    if content and _looks_like_text(content):
        return "text/plain"
    return None


def sha256_hex(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def check_limits(files: list[IncomingFile]) -> None:
    if len(files) > settings.QORGAU_EVIDENCE_MAX_FILES:
        raise EvidenceRejected(
            _("At most %(count)d files can be sent.")
            % {"count": settings.QORGAU_EVIDENCE_MAX_FILES}
        )
    for item in files:
        if item.content is not None and len(item.content) > settings.QORGAU_EVIDENCE_MAX_BYTES:
            raise EvidenceRejected(
                _("“%(name)s” is too large: at most %(mb)d MB per file.")
                % {"name": item.filename[:80], "mb": settings.QORGAU_EVIDENCE_MAX_BYTES // 2**20}
            )


def write_encrypted(content: bytes, data_key: bytes, storage_name: str) -> Path:
    """Encrypt and write a file durably (temporary file, fsync, rename, fsync of the folder)."""
    folder = evidence_dir()
    folder.mkdir(parents=True, exist_ok=True)
    nonce = os.urandom(NONCE)
    blob = nonce + AESGCM(data_key).encrypt(nonce, content, storage_name.encode())
    final = folder / storage_name
    temporary = folder / f".{storage_name}.tmp"
    with open(temporary, "wb") as handle:
        handle.write(blob)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, final)
    directory = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return final


def read_decrypted(storage_name: str, data_key: bytes) -> bytes:
    blob = (evidence_dir() / storage_name).read_bytes()
    return AESGCM(data_key).decrypt(blob[:NONCE], blob[NONCE:], storage_name.encode())


def new_storage() -> tuple[str, bytes]:
    return secrets.token_hex(16), AESGCM.generate_key(bit_length=256)


def remove(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
