"""Pictures for Word: upright, RGB, at most 1600 px; unreadable or huge ones refused."""

from __future__ import annotations

import io
import struct
import zlib

import pytest
from PIL import Image
from test_exports_data import jpeg, png_rgba

from alliance_desktop.exports.docxwriter import Writer
from alliance_desktop.exports.images import MAX_SIDE, ImageRejected, prepare


def size_of(data: bytes) -> tuple[int, int]:
    with Image.open(io.BytesIO(data)) as img:
        assert img.mode == "RGB"
        return img.size


def test_small_upright_jpeg_is_kept_byte_for_byte() -> None:
    data = jpeg((640, 480))
    assert prepare(data).data == data


def test_exif_orientation_is_applied() -> None:
    out = prepare(jpeg((400, 300), orientation=6))
    assert (out.width, out.height) == (300, 400)
    assert size_of(out.data) == (300, 400)


@pytest.mark.parametrize(("turn", "orientation"), [(90, 6), (-90, 8), (180, 3)])
def test_sideways_photo_comes_back_upright(turn: int, orientation: int) -> None:
    # A red mark top-left in the scene; the camera stored the pixels turned, with a tag.
    scene = Image.new("RGB", (400, 300), "white")
    scene.paste((255, 0, 0), (0, 0, 60, 60))
    stored = scene.rotate(turn, expand=True)
    exif = Image.Exif()
    exif[0x0112] = orientation
    buf = io.BytesIO()
    stored.save(buf, "JPEG", exif=exif.tobytes(), quality=95)
    out = prepare(buf.getvalue())
    with Image.open(io.BytesIO(out.data)) as img:
        assert img.size == (400, 300)
        r, g, b = img.convert("RGB").getpixel((20, 20))  # type: ignore[misc]
        assert r > 200 and g < 80 and b < 80


def test_transparent_png_becomes_rgb_png() -> None:
    out = prepare(png_rgba())
    assert out.data.startswith(b"\x89PNG")
    assert size_of(out.data) == (300, 200)


def test_big_photo_is_scaled_down() -> None:
    out = prepare(jpeg((4000, 3000)))
    assert max(out.width, out.height) == MAX_SIDE
    assert size_of(out.data) == (1600, 1200)


def test_cmyk_and_grey_become_rgb() -> None:
    for mode in ("CMYK", "L"):
        buf = io.BytesIO()
        Image.new(mode, (50, 40)).save(buf, "JPEG")
        assert size_of(prepare(buf.getvalue()).data) == (50, 40)


def _png_header(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return (
        b"\x89PNG\r\n\x1a\n"
        + struct.pack(">I", len(ihdr))
        + chunk
        + struct.pack(">I", zlib.crc32(chunk))
    )


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not an image at all",
        jpeg((800, 600))[:2000],  # truncated mid-scan
        _png_header(30_000, 30_000),  # a decompression bomb's header
        b"\x89PNG\r\n\x1a\n" + b"\0" * 64,
    ],
    ids=["empty", "text", "truncated", "bomb", "corrupt-png"],
)
def test_bad_images_are_refused_with_a_reason(data: bytes) -> None:
    with pytest.raises(ImageRejected) as exc:
        prepare(data)
    assert str(exc.value)


def test_writer_notes_a_refused_image_and_goes_on() -> None:
    doc = Writer()
    assert doc.picture(b"garbage", "légende", "photo.jpg") is False
    assert doc.picture(jpeg(), "légende", "photo.jpg") is True
    texts = [p.text for p in doc.doc.paragraphs]
    assert any("photo.jpg" in t and "non reproduite" in t for t in texts)
    assert len(doc.doc.inline_shapes) == 1
    assert doc.skipped_images == 1
