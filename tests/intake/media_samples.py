"""Small real voice notes and videos, built byte by byte in the tests (no file from anywhere else).

Each is what a phone or a messenger writes, cut to its bones: the container's header as the
recorder writes it (Ogg pages with their CRC, ISO-BMFF boxes with their brands, an EBML header, MPEG
audio frames), and a moment of silence or an empty picture inside. What the sniffing tells apart:
m4a (brand M4A) from mp4 (isom, mp42), mov (qt), 3gp (3gp4), webm from mkv (the EBML DocType), mp3
with an ID3 tag and without one, Opus in Ogg.
"""

from __future__ import annotations

import struct

# --- Ogg (RFC 3533) with Opus inside (RFC 7845): WhatsApp's and Telegram's voice notes --------------


def _ogg_crc(data: bytes) -> int:
    """The Ogg page checksum: CRC-32, polynomial 0x04C11DB7, not reflected, starting at 0."""
    crc = 0
    for byte in data:
        crc ^= byte << 24
        for _bit in range(8):
            crc = ((crc << 1) ^ 0x04C11DB7) if crc & 0x80000000 else crc << 1
            crc &= 0xFFFFFFFF
    return crc


def _ogg_page(packets: list[bytes], *, granule: int, sequence: int, flags: int) -> bytes:
    lacing = bytearray()
    for packet in packets:
        lacing += b"\xff" * (len(packet) // 255) + bytes([len(packet) % 255])
    header = struct.pack("<4sBBqIIIB", b"OggS", 0, flags, granule, 0x51C0, sequence, 0, len(lacing))
    page = header + bytes(lacing) + b"".join(packets)
    return page[:22] + struct.pack("<I", _ogg_crc(page)) + page[26:]


def ogg_opus(seconds: float = 1.0) -> bytes:
    """A mono Opus voice note in Ogg: its OpusHead and OpusTags pages, then 20 ms silent frames."""
    pre_skip = 312
    head = b"OpusHead" + struct.pack("<BBHIhB", 1, 1, pre_skip, 48000, 0, 0)
    vendor = b"qorgau tests"
    tags = b"OpusTags" + struct.pack("<I", len(vendor)) + vendor + struct.pack("<I", 0)
    frames = [b"\xf8\xff\xfe"] * max(1, int(seconds * 50))  # CELT, 20 ms, silence
    pages = [
        _ogg_page([head], granule=0, sequence=0, flags=0x02),
        _ogg_page([tags], granule=0, sequence=1, flags=0x00),
        _ogg_page(frames, granule=pre_skip + 960 * len(frames), sequence=2, flags=0x04),
    ]
    return b"".join(pages)


# --- ISO-BMFF (ISO/IEC 14496-12): m4a, mp4, mov, 3gp ---------------------------------------------


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def _full_box(kind: bytes, payload: bytes, version: int = 0) -> bytes:
    return _box(kind, bytes([version, 0, 0, 0]) + payload)


def _iso(major: bytes, compatible: list[bytes], handler: bytes) -> bytes:
    """ftyp, a one-track moov (its handler 'soun' or 'vide'), and an mdat of one empty sample."""
    ftyp = _box(b"ftyp", major + struct.pack(">I", 0x200) + b"".join(compatible))
    matrix = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
    mvhd = _full_box(
        b"mvhd",
        struct.pack(">IIII", 0, 0, 1000, 1000)
        + struct.pack(">IH", 0x10000, 0x100)
        + bytes(10)
        + matrix
        + bytes(24)
        + struct.pack(">I", 2),
    )
    side = 16 << 16 if handler == b"vide" else 0  # a video track's width and height, 16.16
    tkhd = _full_box(
        b"tkhd",
        struct.pack(">IIIII", 0, 0, 1, 0, 1000)
        + bytes(8)
        + struct.pack(">hhhH", 0, 0, 0x100, 0)
        + matrix
        + struct.pack(">II", side, side),
    )
    mdhd = _full_box(b"mdhd", struct.pack(">IIIIHH", 0, 0, 48000, 48000, 0x55C4, 0))
    hdlr = _full_box(b"hdlr", struct.pack(">I", 0) + handler + bytes(12) + b"qorgau\x00")
    media = _box(b"mdia", mdhd + hdlr + _box(b"minf", _box(b"stbl", b"")))
    moov = _box(b"moov", mvhd + _box(b"trak", tkhd + media))
    return ftyp + moov + _box(b"mdat", bytes(64))


def m4a() -> bytes:
    """An iPhone voice memo or a Samsung recording: brand M4A, an audio track."""
    return _iso(b"M4A ", [b"M4A ", b"mp42", b"isom", b"\x00\x00\x00\x00"], b"soun")


def m4a_with_mp4_brand() -> bytes:
    """An Android recorder's .m4a written with the generic brands (mp42, isom)."""
    return _iso(b"mp42", [b"isom", b"mp42"], b"soun")


def mp4() -> bytes:
    """An Android screen recording: brand isom, a video track."""
    return _iso(b"isom", [b"isom", b"iso2", b"avc1", b"mp41"], b"vide")


def mp4_dash() -> bytes:
    """An mp4 whose brands name none of mp41, mp42, isom (a fragmented one)."""
    return _iso(b"iso6", [b"iso6", b"dash", b"avc1"], b"vide")


def mov() -> bytes:
    """An iPhone video or screen recording: QuickTime, brand 'qt  '."""
    return _iso(b"qt  ", [b"qt  "], b"vide")


def three_gp() -> bytes:
    """An older Android phone's video or voice note: brand 3gp4."""
    return _iso(b"3gp4", [b"isom", b"3gp4"], b"vide")


def heic() -> bytes:
    """An iPhone photo (HEIF, brand heic): a picture, not a video."""
    return _box(b"ftyp", b"heic" + bytes(4) + b"mif1heic") + _full_box(b"meta", bytes(32))


# --- EBML / Matroska: webm and mkv ----------------------------------------------------------------


def _ebml(element_id: bytes, payload: bytes) -> bytes:
    size = len(payload)
    assert size < 127
    return element_id + bytes([0x80 | size]) + payload


def _matroska(doctype: bytes) -> bytes:
    header = _ebml(
        b"\x1a\x45\xdf\xa3",
        _ebml(b"\x42\x86", b"\x01")  # EBMLVersion
        + _ebml(b"\x42\xf7", b"\x01")  # EBMLReadVersion
        + _ebml(b"\x42\xf2", b"\x04")  # EBMLMaxIDLength
        + _ebml(b"\x42\xf3", b"\x08")  # EBMLMaxSizeLength
        + _ebml(b"\x42\x82", doctype)  # DocType
        + _ebml(b"\x42\x87", b"\x04")  # DocTypeVersion
        + _ebml(b"\x42\x85", b"\x02"),  # DocTypeReadVersion
    )
    info = _ebml(b"\x15\x49\xa9\x66", _ebml(b"\x2a\xd7\xb1", b"\x0f\x42\x40"))  # TimecodeScale
    segment = b"\x18\x53\x80\x67" + b"\x01\xff\xff\xff\xff\xff\xff\xff" + info  # unknown size
    return header + segment + bytes(64)


def webm() -> bytes:
    """A browser's or an Android app's recording (MediaRecorder): DocType webm."""
    return _matroska(b"webm")


def mkv() -> bytes:
    """A desktop screen recorder's Matroska: DocType matroska (not taken)."""
    return _matroska(b"matroska")


# --- MPEG audio: mp3 with and without an ID3 tag --------------------------------------------------


def _mp3_frames(count: int, header: bytes = b"\xff\xfb\x90\xc4") -> bytes:
    """MPEG-1 Layer III frames, 128 kbit/s, 44.1 kHz, mono: 417 bytes each, silent."""
    return (header + bytes(417 - 4)) * count


def mp3_with_id3() -> bytes:
    title = b"\x03voice note"  # UTF-8 text frame
    frame = b"TIT2" + struct.pack(">I", len(title)) + b"\x00\x00" + title
    size = len(frame)
    synchsafe = bytes([(size >> 21) & 0x7F, (size >> 14) & 0x7F, (size >> 7) & 0x7F, size & 0x7F])
    return b"ID3\x03\x00\x00" + synchsafe + frame + _mp3_frames(8)


def mp3_without_id3() -> bytes:
    return _mp3_frames(8)


def mp3_with_crc() -> bytes:
    """Frames protected by a CRC (FF FA): recorders that write them carry no ID3 tag either."""
    return _mp3_frames(8, b"\xff\xfa\x90\xc4")


def amr() -> bytes:
    """An AMR-NB voice note (older Android recorders): the magic, then silent 20 ms frames."""
    return b"#!AMR\n" + (b"\x3c" + bytes(31)) * 50
