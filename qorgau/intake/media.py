"""Voice notes and videos: which ones a report may carry, told from their first bytes.

What phones record and messengers save: WhatsApp's and Telegram's voice notes are Opus in Ogg, an
iPhone's memos m4a and its videos and screen recordings mov, Android's screen recordings mp4, a
browser's recordings webm; older Android phones write 3gp and AMR. They are kept as they came (up
to QORGAU_EVIDENCE_MEDIA_MAX_BYTES each), encrypted like every file: never played, thumbnailed or
transcoded on the server.

`filetype` alone misreads some of them (it looks for 3gp's brand at the wrong offset, knows mp4
only by three brands, and mp3 without an ID3 tag only by two bytes), so the containers are read
here: the ISO-BMFF brands (and the track's handler, which tells an m4a written with the generic
mp4 brands), the Ogg stream's first packet, the EBML DocType, two MPEG audio frames in a row.
"""

from __future__ import annotations

import re
import struct

MEDIA_TYPES = {
    "audio/ogg",
    "audio/mp4",
    "audio/mpeg",
    "audio/amr",
    "video/mp4",
    "video/webm",
    "video/quicktime",
    "video/3gpp",
}

# ISO-BMFF brands of pictures (HEIF, AVIF): `filetype` tells those.
_IMAGE_BRANDS = {b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1", b"avif"}
_AUDIO_BRANDS = {b"M4A ", b"M4B "}
_MP4_BRANDS = {
    b"isom",
    *(b"iso%d" % n for n in range(2, 10)),
    b"mp41",
    b"mp42",
    b"avc1",
    b"dash",
    b"M4V ",
    b"MSNV",
    b"mmp4",
}
_SOUND_TRACK = re.compile(rb"hdlr.{8}soun", re.DOTALL)
_VIDEO_TRACK = re.compile(rb"hdlr.{8}vide", re.DOTALL)


def _iso_bmff(head: bytes) -> str | None:
    if head[4:8] != b"ftyp":
        return None
    size = struct.unpack(">I", head[:4])[0]
    if not 16 <= size <= min(len(head), 4096):
        return None
    major = head[8:12]
    brands = {major, *(head[i : i + 4] for i in range(16, size - 3, 4))}
    if major in _IMAGE_BRANDS:
        return None
    if major in _AUDIO_BRANDS:
        return "audio/mp4"
    if major == b"qt  ":
        return "video/quicktime"
    if major.startswith((b"3gp", b"3g2")):
        return "video/3gpp"
    if brands & _AUDIO_BRANDS:
        return "audio/mp4"
    if brands & _MP4_BRANDS:
        # an audio recorder's m4a written with the generic brands: one sound track, no video
        if _SOUND_TRACK.search(head) and not _VIDEO_TRACK.search(head):
            return "audio/mp4"
        return "video/mp4"
    return None


def _ogg(head: bytes) -> str | None:
    """An Ogg stream whose first packet is Opus's or Vorbis's header."""
    if not head.startswith(b"OggS\x00") or len(head) < 28:
        return None
    segments = head[26]
    first = head[27 + segments : 27 + segments + 8]
    return "audio/ogg" if first in (b"OpusHead", b"\x01vorbis") else None


def _webm(head: bytes) -> str | None:
    """EBML whose DocType is webm (Matroska's own, mkv, is not taken)."""
    if head.startswith(b"\x1a\x45\xdf\xa3") and b"\x42\x82\x84webm" in head[:256]:
        return "video/webm"
    return None


_MPEG1_KBPS = (0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
_MPEG2_KBPS = (0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160)
_RATES = {3: (44100, 48000, 32000), 2: (22050, 24000, 16000), 0: (11025, 12000, 8000)}


def _mp3_frame_length(header: bytes) -> int | None:
    """The length of the MPEG audio Layer III frame this header starts, or None if it is not one."""
    if len(header) < 4 or header[0] != 0xFF or header[1] & 0xE0 != 0xE0:
        return None
    version, layer = (header[1] >> 3) & 3, (header[1] >> 1) & 3
    bitrate, rate, padding = header[2] >> 4, (header[2] >> 2) & 3, (header[2] >> 1) & 1
    if version == 1 or layer != 1 or bitrate in (0, 15) or rate == 3:
        return None
    kbps = (_MPEG1_KBPS if version == 3 else _MPEG2_KBPS)[bitrate]
    per_frame = 144 if version == 3 else 72
    return per_frame * kbps * 1000 // _RATES[version][rate] + padding


def _mp3(head: bytes) -> str | None:
    """An ID3v2 tag, or two MPEG audio frames in a row (one, in a file shorter than two)."""
    if (
        head.startswith(b"ID3")
        and len(head) >= 10
        and 2 <= head[3] <= 4
        and all(b < 0x80 for b in head[6:10])
    ):
        return "audio/mpeg"
    length = _mp3_frame_length(head[:4])
    if length is None:
        return None
    if len(head) < length + 4 or _mp3_frame_length(head[length : length + 4]) is not None:
        return "audio/mpeg"
    return None


def sniff_media(head: bytes) -> str | None:
    """The voice note's or video's type from its first bytes; None when it is neither (a picture,
    a document, a container not taken such as mkv or avi)."""
    if head.startswith((b"#!AMR\n", b"#!AMR-WB\n")):
        return "audio/amr"
    for reader in (_iso_bmff, _ogg, _webm, _mp3):
        kind = reader(head)
        if kind is not None:
            return kind
    return None
