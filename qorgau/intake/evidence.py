"""Evidence files: the type sniffed from the content, the file encrypted on disk, its SHA-256 kept.

The disk holds `nonce | AES-256-GCM(data key, content)`; the data key is in the database, itself
wrapped by the master key (so `rotate_master_key` covers evidence too). Files are written and fsynced
before the report's transaction commits. A file received is never held whole in memory: an upload
stays where Django put it (a temporary file above FILE_UPLOAD_MAX_MEMORY_SIZE), an API file is
decoded from base64 in chunks into a temporary file, and its hash and ciphertext are computed chunk
by chunk (finding 6 of the security review).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import secrets
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

import filetype
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from qorgau.intake.media import MEDIA_TYPES, sniff_media

NONCE = 12
TAG = 16
CHUNK = 2**20  # what is read, hashed, decoded or encrypted at a time
SNIFF_BYTES = 65536  # what the type is told from

# What a report may carry: pictures, PDF, text and chat exports (WhatsApp exports a .zip), and media.
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
    *MEDIA_TYPES,
}


class EvidenceRejected(ValueError):
    pass


class EvidenceTooLarge(EvidenceRejected):
    pass


class IncomingFile:
    """A file as received: its name, its content and the SHA-256 its sender declared ("" if none).

    The content is bytes (small files, tests, demo data) or a file read in chunks (`file=`: an
    upload, a decoded API file); none when only the hash is known (a platform's report)."""

    def __init__(
        self,
        filename: str,
        content: bytes | None = None,
        sha256: str = "",
        *,
        file: IO[bytes] | None = None,
    ) -> None:
        self.filename, self.sha256 = filename, sha256
        self._bytes, self._file = content, file
        self._hashes: dict[str, str] | None = None

    def __repr__(self) -> str:
        return f"IncomingFile(size={self.size})"  # never the name: it may be personal

    @property
    def has_content(self) -> bool:
        return self._bytes is not None or self._file is not None

    @property
    def size(self) -> int | None:
        if self._bytes is not None:
            return len(self._bytes)
        if self._file is None:
            return None
        self._file.seek(0, os.SEEK_END)
        return self._file.tell()

    def head(self, size: int = SNIFF_BYTES) -> bytes:
        if self._bytes is not None:
            return self._bytes[:size]
        if self._file is None:
            return b""
        self._file.seek(0)
        return self._file.read(size)

    def chunks(self) -> Iterator[bytes]:
        if self._bytes is not None:
            for start in range(0, len(self._bytes), CHUNK):
                yield self._bytes[start : start + CHUNK]
        elif self._file is not None:
            self._file.seek(0)
            while piece := self._file.read(CHUNK):
                yield piece

    def digest(self) -> str:
        """The SHA-256 of the content, computed chunk by chunk (once)."""
        return self.hashes()["sha256"]

    def hashes(self) -> dict[str, str]:
        """SHA-256, MD5 and SHA-1 of the content (hash lists use all three), in one pass, once.
        `hashing_chunks` computes them while the file is written."""
        if self._hashes is None:
            for _piece in self.hashing_chunks():
                pass
        assert self._hashes is not None
        return self._hashes

    def hashing_chunks(self) -> Iterator[bytes]:
        """The content's chunks, hashed on the way: once they are all read, `hashes()` is known
        without reading the file again. Hashed once: when validation has already read them
        (`digest()`), the write pass only yields the chunks."""
        if self._hashes is not None:
            yield from self.chunks()
            return
        hashers = {"sha256": hashlib.sha256(), "md5": hashlib.md5(), "sha1": hashlib.sha1()}  # noqa: S324 - list formats, not security
        for piece in self.chunks():
            for hasher in hashers.values():
                hasher.update(piece)
            yield piece
        self._hashes = {name: hasher.hexdigest() for name, hasher in hashers.items()}

    def sniffed(self) -> str | None:
        return sniff(self.head(), size=self.size)


def largest_file_bytes() -> int:
    """The largest file a report may carry, whatever its type (what is checked before sniffing)."""
    return max(settings.QORGAU_EVIDENCE_MAX_BYTES, settings.QORGAU_EVIDENCE_MEDIA_MAX_BYTES)


def too_large_message(filename: str) -> str:
    return str(
        _("“%(name)s” is too large: at most %(mb)d MB per file.")
        % {"name": filename[:80], "mb": largest_file_bytes() // 2**20}
    )


def check_size(item: IncomingFile, kind: str | None) -> None:
    """Once the type is known: a voice note or a video up to QORGAU_EVIDENCE_MEDIA_MAX_BYTES,
    any other file up to QORGAU_EVIDENCE_MAX_BYTES (EvidenceTooLarge, naming the limit)."""
    media = kind in MEDIA_TYPES
    limit = (
        settings.QORGAU_EVIDENCE_MEDIA_MAX_BYTES if media else settings.QORGAU_EVIDENCE_MAX_BYTES
    )
    if (item.size or 0) <= limit:
        return
    values = {"name": item.filename[:80] or "?", "mb": limit // 2**20}
    if media:
        message = _("“%(name)s” is too large: a voice note or a video can be at most %(mb)d MB.")
    else:
        message = _("“%(name)s” is too large: a picture or a document can be at most %(mb)d MB.")
    raise EvidenceTooLarge(str(message % values))


def decode_base64(text: str, *, filename: str) -> IncomingFile:
    """An API file's base64 decoded in chunks into a temporary file (in memory up to
    FILE_UPLOAD_MAX_MEMORY_SIZE), refused as soon as it passes the largest size of any type
    (EvidenceTooLarge; `check_size` then applies its type's), or where it is not base64
    (EvidenceRejected)."""
    limit = largest_file_bytes()
    if len(text) // 4 * 3 - 2 > limit:  # the decoded size, known before decoding
        raise EvidenceTooLarge(too_large_message(filename))
    spool = tempfile.SpooledTemporaryFile(  # noqa: SIM115 - it lives as long as the request
        max_size=settings.FILE_UPLOAD_MAX_MEMORY_SIZE, dir=settings.FILE_UPLOAD_TEMP_DIR
    )
    step = CHUNK // 3 * 4  # whole groups of four characters
    size = 0
    try:
        for start in range(0, len(text), step):
            piece = text[start : start + step]
            if "=" in piece and start + step < len(text):
                raise ValueError("padding before the end")
            decoded = base64.b64decode(piece, validate=True)
            size += len(decoded)
            if size > limit:
                raise EvidenceTooLarge(too_large_message(filename))
            spool.write(decoded)
    except (binascii.Error, ValueError) as exc:
        spool.close()
        if isinstance(exc, EvidenceRejected):
            raise
        raise EvidenceRejected(_("The file content is not valid base64.")) from exc
    except BaseException:
        spool.close()
        raise
    return IncomingFile(filename, None, "", file=spool)


def evidence_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "evidence"


def _looks_like_text(content: bytes, size: int) -> bool:
    if b"\x00" in content[:SNIFF_BYTES] and not content.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    sample = content[:SNIFF_BYTES]
    for encoding in ("utf-8", "utf-16"):
        try:
            sample.decode(encoding)
            return True
        except UnicodeDecodeError as exc:
            # a multi-byte character cut by the sample's end is still text
            if encoding == "utf-8" and exc.start >= len(sample) - 3 and size > len(sample):
                return True
    return False


def sniff(content: bytes, size: int | None = None) -> str | None:
    """The content's type, from its bytes (never from its name); None when it is not allowed.
    `content` may be the file's first SNIFF_BYTES only, `size` its whole size."""
    media = sniff_media(content[:SNIFF_BYTES])
    if media is not None:
        return media
    kind = filetype.guess(content[:8192])
    # voice notes and videos are told by sniff_media only ("ID3…" may begin a text)
    if kind is not None and kind.mime not in MEDIA_TYPES:
        return kind.mime if kind.mime in ALLOWED_TYPES else None
    if content and _looks_like_text(content, len(content) if size is None else size):
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
        if (item.size or 0) > largest_file_bytes():
            raise EvidenceTooLarge(too_large_message(item.filename))


def write_encrypted(content: bytes | Iterable[bytes], data_key: bytes, storage_name: str) -> Path:
    """Encrypt and write a file durably (temporary file, fsync, rename, fsync of the folder).

    `content` is bytes or chunks: AES-GCM is applied chunk by chunk, and the file is what
    `AESGCM.encrypt` gives (`nonce | ciphertext | tag`), so `read_decrypted` opens either."""
    folder = evidence_dir()
    folder.mkdir(parents=True, exist_ok=True)
    nonce = os.urandom(NONCE)
    encryptor = Cipher(algorithms.AES(data_key), modes.GCM(nonce)).encryptor()
    encryptor.authenticate_additional_data(storage_name.encode())
    final = folder / storage_name
    temporary = folder / f".{storage_name}.tmp"
    with open(temporary, "wb") as handle:
        handle.write(nonce)
        for piece in [content] if isinstance(content, bytes) else content:
            handle.write(encryptor.update(piece))
        handle.write(encryptor.finalize())
        handle.write(encryptor.tag)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, final)
    directory = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(directory)
    finally:
        os.close(directory)
    return final


def decrypt_to(storage_name: str, data_key: bytes, out: IO[bytes]) -> None:
    """Decrypt a stored file into `out` chunk by chunk (a video is never held whole in memory).
    The tag is checked at the end: on a file that was altered this raises (InvalidTag), and
    what was written to `out` must not be used."""
    path = evidence_dir() / storage_name
    size = path.stat().st_size
    with open(path, "rb") as handle:
        nonce = handle.read(NONCE)
        handle.seek(size - TAG)
        tag = handle.read(TAG)
        handle.seek(NONCE)
        decryptor = Cipher(algorithms.AES(data_key), modes.GCM(nonce, tag)).decryptor()
        decryptor.authenticate_additional_data(storage_name.encode())
        left = size - NONCE - TAG
        while left > 0:
            piece = handle.read(min(CHUNK, left))
            if not piece:
                raise ValueError("the stored file is shorter than it says")
            left -= len(piece)
            out.write(decryptor.update(piece))
        out.write(decryptor.finalize())
    out.flush()


def read_decrypted(storage_name: str, data_key: bytes) -> bytes:
    blob = (evidence_dir() / storage_name).read_bytes()
    return AESGCM(data_key).decrypt(blob[:NONCE], blob[NONCE:], storage_name.encode())


def new_storage() -> tuple[str, bytes]:
    return secrets.token_hex(16), AESGCM.generate_key(bit_length=256)


def remove(paths: list[Path]) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
