"""Voice notes and videos are told from their bytes (qorgau/intake/media.py, through `sniff`), never
from their names: what phones and messengers write is taken, other containers are not."""

import pytest

from qorgau.intake.evidence import ALLOWED_TYPES, sniff
from qorgau.intake.media import MEDIA_TYPES, sniff_media
from tests.intake import media_samples as samples
from tests.intake.conftest import EXE, PDF, PNG


@pytest.mark.parametrize(
    ("sample", "expected"),
    [
        (samples.ogg_opus, "audio/ogg"),  # WhatsApp, Telegram
        (samples.m4a, "audio/mp4"),  # iPhone Voice Memos, Samsung
        (samples.m4a_with_mp4_brand, "audio/mp4"),  # generic brands, one sound track
        (samples.mp3_with_id3, "audio/mpeg"),
        (samples.mp3_without_id3, "audio/mpeg"),
        (samples.mp3_with_crc, "audio/mpeg"),  # FF FA: unknown to filetype
        (samples.amr, "audio/amr"),  # older Android recorders
        (samples.mp4, "video/mp4"),  # Android screen recordings
        (samples.mp4_dash, "video/mp4"),  # brands filetype does not know
        (samples.mov, "video/quicktime"),  # iPhone videos and screen recordings
        (samples.three_gp, "video/3gpp"),  # filetype reads it as mp4
        (samples.webm, "video/webm"),  # a browser's MediaRecorder
    ],
)
def test_what_phones_record_is_told_from_its_bytes(sample, expected):
    content = sample()
    assert sniff_media(content) == expected
    assert sniff(content, size=len(content)) == expected
    assert expected in ALLOWED_TYPES and expected in MEDIA_TYPES


def test_the_real_voice_note_sample_is_ogg_with_opus_inside():
    content = samples.ogg_opus()
    assert content.startswith(b"OggS\x00\x02") and content.count(b"OggS") == 3
    assert content[28:36] == b"OpusHead" and b"OpusTags" in content


@pytest.mark.parametrize(
    ("content", "why"),
    [
        (samples.mkv(), "Matroska, not WebM (the EBML DocType)"),
        (b"\x1a\x45\xdf\xa3" + bytes(60), "EBML without a DocType"),
        (b"OggS\x00\x02" + bytes(20) + b"\x01\x1e\x80theora" + bytes(40), "Theora video in Ogg"),
        (b"RIFF\x24\x00\x00\x00AVI LIST" + bytes(64), "AVI"),
        (b"RIFF\x24\x00\x00\x00WAVEfmt " + bytes(64), "WAV"),
        (b"\xff\xfb\x90\xc4" + bytes(500) + b"not a second frame", "one MPEG frame, then junk"),
        (b"\xff\xf1\x50\x80" + bytes(64), "raw AAC (ADTS)"),
        (b"\x00\x00\x00\x18ftypavif\x00\x00\x00\x00avifmif1" + bytes(32), "AVIF picture"),
        (EXE, "a program"),
    ],
)
def test_other_containers_and_pretenders_are_not_taken(content, why):
    assert sniff(content, size=len(content)) is None, why


def test_pictures_and_documents_are_told_as_before():
    assert sniff(samples.heic()) == "image/heic"  # ISO-BMFF too, but a picture
    assert sniff(PNG) == "image/png" and sniff(PDF) == "application/pdf"
    assert sniff(b"ID3 tags are written at the start of an mp3.\n") == "text/plain"
    assert sniff("Сәлем, бұл чат экспорты.\n".encode()) == "text/plain"


def test_a_picture_named_like_a_voice_note_is_a_picture():
    # sniff sees only bytes: the name "voice.ogg" plays no part
    assert sniff(PNG) == "image/png" and sniff_media(PNG) is None


def test_a_voice_note_cut_short_is_still_told_from_its_head():
    head = samples.mp3_with_id3()[:12]
    assert sniff_media(head) == "audio/mpeg"
    assert sniff_media(samples.ogg_opus()[:40]) == "audio/ogg"
