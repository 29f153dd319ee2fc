"""Pictures and videos made in the test (never files from the network): smooth random pictures
whose PDQ hashes are far apart, a resized and re-compressed copy, a short MP4."""

from __future__ import annotations

import io

import numpy
from PIL import Image


def picture(seed: int, size: tuple[int, int] = (640, 480)) -> Image.Image:
    rng = numpy.random.default_rng(seed)
    small = (rng.random((24, 32, 3)) * 255).astype("uint8")
    return Image.fromarray(small).resize(size, Image.Resampling.BICUBIC)


def encoded(image: Image.Image, kind: str = "PNG", **options) -> bytes:
    out = io.BytesIO()
    image.save(out, kind, **options)
    return out.getvalue()


def png(seed: int) -> bytes:
    return encoded(picture(seed))


def resized_jpeg(seed: int) -> bytes:
    """The same picture, smaller and re-compressed, as a copy sent on by a messenger."""
    return encoded(picture(seed).resize((400, 300)), "JPEG", quality=55)


def mp4(seeds: list[int], seconds_each: int = 2, fps: int = 5) -> bytes:
    """A video showing each picture for `seconds_each` seconds (MPEG-4 part 2, no audio)."""
    import av

    out = io.BytesIO()
    container = av.open(out, "w", format="mp4")
    stream = container.add_stream("mpeg4", rate=fps)
    stream.width, stream.height, stream.pix_fmt = 320, 240, "yuv420p"
    for seed in seeds:
        frame = av.VideoFrame.from_image(picture(seed, (320, 240)))
        for _ in range(seconds_each * fps):
            for packet in stream.encode(frame):
                container.mux(packet)
    for packet in stream.encode():
        container.mux(packet)
    container.close()
    return out.getvalue()
