"""PDQ perceptual hashes of pictures and videos, and the search for near-duplicates (issue 22).

- Pictures: decoded by Pillow, hashed by `pdqhash` (Meta's PDQ). A JPEG is decoded at a reduced
  scale (`Image.draft`) and any picture is first brought within `WORKING_SIZE` pixels: PDQ
  itself works on a 64 × 64 reduction, so this changes a few bits at most (measured: 2–4 of 256
  on 12-megapixel photographs against the full-size hash, bench/filehash.py) and takes a 12-MP
  photo from about 1.4 s to 30 ms.
- Videos: PyAV (FFmpeg's libraries, in its wheel) decodes the first video stream; one frame a
  second is hashed, as vPDQ does (the `vpdq` package needs FFmpeg's development files to build,
  which a fresh machine does not have), at most `MAX_FRAMES` frames (longer videos are sampled
  evenly), and a frame within `SAME_FRAME` bits of the last kept one is dropped (a screen
  recording repeats itself). Nothing is written: no thumbnail, no transcoded copy.
- Search: multi-index hashing over `PerceptualChunk` (see `hash_models`); exact for any
  distance up to the threshold.

A file that cannot be hashed raises `Unhashable` with a code (`corrupt`, `unsupported`,
`too_large`, `no_video`); the caller keeps the file and its exact hashes.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.db import connection
from django.db.models import Q

from qorgau.linking.hash_models import PerceptualChunk, PerceptualHash

WORKING_SIZE = 1024  # the longest side a picture is brought to before hashing
MAX_PIXELS = 100_000_000  # decompression bombs: a picture above this is not decoded
MAX_FRAMES = 600  # frames of one video hashed (10 minutes at one a second)
SAME_FRAME = 8  # bits: a frame this close to the last kept one adds nothing
CHUNKS = 16
CHUNK_BITS = 16


class Unhashable(ValueError):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class Frame:
    second: int
    value: str  # 64 hex digits
    quality: int


def _bits_to_hex(bits: Any) -> str:
    number = 0
    for bit in bits:
        number = (number << 1) | int(bit)
    return f"{number:064x}"


def _hash_array(array: Any) -> tuple[str, int]:
    import pdqhash

    bits, quality = pdqhash.compute(array)
    return _bits_to_hex(bits), int(quality)


def _working_copy(image: Any) -> Any:
    """The picture as RGB within WORKING_SIZE pixels (a JPEG decoded at a reduced scale)."""
    from PIL import Image

    if image.format == "JPEG":
        image.draft("RGB", (WORKING_SIZE, WORKING_SIZE))
    image = image.convert("RGB")
    if max(image.size) > WORKING_SIZE:
        image.thumbnail((WORKING_SIZE, WORKING_SIZE), Image.Resampling.BILINEAR)
    return image


def hash_image(source: str | Path | IO[bytes]) -> Frame:
    """The PDQ hash of a picture (its first frame, for an animated one)."""
    import numpy
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(source) as image:
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise Unhashable("too_large")
                value, quality = _hash_array(numpy.asarray(_working_copy(image)))
    except Unhashable:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise Unhashable("too_large") from exc
    except UnidentifiedImageError as exc:
        raise Unhashable("unsupported") from exc
    except (OSError, ValueError, SyntaxError, EOFError) as exc:  # what Pillow raises on bad data
        raise Unhashable("corrupt") from exc
    return Frame(0, value, quality)


def hash_video(source: str | Path) -> list[Frame]:
    """PDQ hashes of one frame a second of the first video stream (sampled evenly beyond
    MAX_FRAMES seconds), without the frames that repeat the last one kept."""
    import av
    import numpy

    frames: list[Frame] = []
    try:
        with av.open(str(source), mode="r") as container:
            if not container.streams.video:
                raise Unhashable("no_video")
            stream = container.streams.video[0]
            stream.thread_type = "AUTO"
            seconds = float(container.duration or 0) / 1_000_000
            step = max(1.0, seconds / MAX_FRAMES) if seconds else 1.0
            next_at = 0.0
            for frame in container.decode(stream):
                if frame.time is None or frame.time + 1e-6 < next_at:
                    continue
                next_at = max(next_at + step, frame.time + step - 1e-6)
                image = frame.to_image()
                if max(image.size) > WORKING_SIZE:
                    image.thumbnail((WORKING_SIZE, WORKING_SIZE))
                value, quality = _hash_array(numpy.asarray(image.convert("RGB")))
                if frames and distance(frames[-1].value, value) <= SAME_FRAME:
                    continue
                frames.append(Frame(int(frame.time), value, quality))
                if len(frames) >= MAX_FRAMES:
                    break
    except Unhashable:
        raise
    except (av.error.FFmpegError, OSError, ValueError) as exc:
        raise Unhashable("corrupt") from exc
    if not frames:
        raise Unhashable("corrupt")
    return frames


def distance(a: str, b: str) -> int:
    return (int(a, 16) ^ int(b, 16)).bit_count()


def max_distance() -> int:
    return int(settings.QORGAU_PDQ_MAX_DISTANCE)


def chunk_keys(value: str) -> list[int]:
    """The 16 keys of a hash's chunks: position × 65,536 + the chunk's 16 bits."""
    number = int(value, 16)
    mask = (1 << CHUNK_BITS) - 1
    return [
        position << CHUNK_BITS | (number >> ((CHUNKS - 1 - position) * CHUNK_BITS)) & mask
        for position in range(CHUNKS)
    ]


def probe_keys(value: str, within: int | None = None) -> list[int]:
    """Every chunk key a hash within `within` bits must share at least one of: each chunk and
    its neighbours up to `within // 16` bits (pigeonhole over 16 chunks)."""
    radius = (max_distance() if within is None else within) // CHUNKS
    flips = [0]
    for bits in range(1, radius + 1):
        for chosen in combinations(range(CHUNK_BITS), bits):
            mask = 0
            for bit in chosen:
                mask |= 1 << bit
            flips.append(mask)
    keys: list[int] = []
    for key in chunk_keys(value):
        position, chunk = key >> CHUNK_BITS, key & ((1 << CHUNK_BITS) - 1)
        keys.extend(position << CHUNK_BITS | (chunk ^ flip) for flip in flips)
    return keys


def store(owner_type: str, owner_id: int, frames: Sequence[Frame]) -> list[PerceptualHash]:
    """Record an owner's hashes (replacing any it had) and index those good enough to match:
    quality under QORGAU_PDQ_MIN_QUALITY (a plain or nearly uniform picture) is kept, never
    indexed, as the PDQ authors advise."""
    PerceptualHash.objects.filter(owner_type=owner_type, owner_id=owner_id).delete()
    rows = PerceptualHash.objects.bulk_create(
        [
            PerceptualHash(
                owner_type=owner_type,
                owner_id=owner_id,
                frame=f.second,
                value=f.value,
                quality=f.quality,
            )
            for f in frames
        ]
    )
    minimum = settings.QORGAU_PDQ_MIN_QUALITY
    PerceptualChunk.objects.bulk_create(
        [
            PerceptualChunk(key=key, hash_id=row.pk)
            for row in rows
            if row.quality >= minimum
            for key in chunk_keys(row.value)
        ],
        batch_size=5000,
    )
    return rows


@dataclass(frozen=True)
class Near:
    hash_id: int
    owner_type: str
    owner_id: int
    frame: int
    distance: int


def _candidates(keys: list[int]) -> list[tuple[int, str]]:
    """(hash id, value) of every hash with a chunk under one of `keys` (repeats possible)."""
    chunk, stored = PerceptualChunk._meta.db_table, PerceptualHash._meta.db_table
    sql = f"SELECT h.id, h.value FROM {chunk} c JOIN {stored} h ON h.id = c.hash_id WHERE c.key "  # noqa: S608 - table names from the models
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(sql + "= ANY(%s)", [keys])
        else:
            cursor.execute(sql + "IN (" + ", ".join(["%s"] * len(keys)) + ")", keys)
        return cursor.fetchall()


def near(
    values: Iterable[str],
    *,
    owner_type: str | None = None,
    owner_ids: Iterable[int] | None = None,
    exclude: Q | None = None,
    within: int | None = None,
) -> list[tuple[str, Near]]:
    """Stored hashes within `within` bits (QORGAU_PDQ_MAX_DISTANCE) of each of `values`, as
    (query value, match) pairs: the chunk index gives the candidates, each compared whole."""
    limit = max_distance() if within is None else within
    found: list[tuple[str, Near]] = []
    for value in dict.fromkeys(values):
        query = int(value, 16)
        # one statement: the chunk index gives the candidates (about 4,000 among a million
        # random hashes), joined to their values; each is compared whole here. What they belong
        # to is read only for the few within the distance.
        close: dict[int, int] = {}
        for pk, other in _candidates(probe_keys(value, limit)):
            if pk not in close:
                bits = (query ^ int(other, 16)).bit_count()
                if bits <= limit:
                    close[pk] = bits
        if not close:
            continue
        rows = PerceptualHash.objects.filter(pk__in=sorted(close))
        if owner_type is not None:
            rows = rows.filter(owner_type=owner_type)
        if owner_ids is not None:
            rows = rows.filter(owner_id__in=list(owner_ids))
        if exclude is not None:
            rows = rows.exclude(exclude)
        for pk, kind, owner, frame in rows.values_list("pk", "owner_type", "owner_id", "frame"):
            found.append((value, Near(pk, kind, owner, frame, close[pk])))
    return found
