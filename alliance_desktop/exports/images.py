"""Pictures made fit for Word: upright, RGB (or palette PNG), at most 1600 px; bad ones refused."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from typing import Final

from PIL import Image, ImageOps, UnidentifiedImageError

from alliance_desktop.core.i18n import t

MAX_SIDE: Final = 1600
# A phone photo is 12 to 50 megapixels; beyond that it is a scan of a poster or a trap.
MAX_PIXELS: Final = 80_000_000
MAX_BYTES: Final = 60 * 1024 * 1024
_EXIF_ORIENTATION: Final = 0x0112


class ImageRejected(Exception):
    """An image that cannot go into a document; the message says why, for the reader."""


@dataclass(frozen=True)
class Prepared:
    """An image ready to insert: its bytes and its size in pixels."""

    data: bytes
    width: int
    height: int


def _open(data: bytes) -> Image.Image:
    if not data:
        raise ImageRejected(t("fichier vide", "empty file"))
    if len(data) > MAX_BYTES:
        raise ImageRejected(t("fichier trop volumineux", "file too large"))
    with warnings.catch_warnings():
        # Pillow warns, then raises, on decompression bombs; both mean « too big » here.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            img = Image.open(io.BytesIO(data))
        except (UnidentifiedImageError, Image.DecompressionBombWarning) as exc:
            raise ImageRejected(t("format d'image illisible", "unreadable image format")) from exc
        except (Image.DecompressionBombError, OSError, ValueError, SyntaxError) as exc:
            raise ImageRejected(t("image illisible", "unreadable image")) from exc
    if img.width * img.height > MAX_PIXELS:
        raise ImageRejected(
            t(
                f"image trop grande ({img.width} × {img.height} pixels)",
                f"image too large ({img.width} × {img.height} pixels)",
            )
        )
    return img


def _check(img: Image.Image) -> None:
    """Read the whole file cheaply, so a truncated or corrupt one is refused, not inserted."""
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            if img.format == "PNG":
                # Checks every chunk's CRC and the final chunk without inflating pixels.
                img.verify()
            else:
                # Decoding at 1/8 scale still reads every byte of the scan.
                img.draft("RGB", (max(1, img.width // 8), max(1, img.height // 8)))
                img.load()
        except (OSError, ValueError, SyntaxError, Image.DecompressionBombWarning) as exc:
            raise ImageRejected(
                t("image endommagée ou tronquée", "damaged or truncated image")
            ) from exc


def prepare(data: bytes) -> Prepared:
    """Check and normalise an image for a document.

    An image already upright, RGB, JPEG or PNG and small enough is kept byte for byte
    (attachments are normalised when stored, so this is the usual case).

    Raises:
        ImageRejected: the image is empty, unreadable, damaged or too large.
    """
    img = _open(data)
    orientation = _orientation(img)
    width, height = img.size
    fits = (
        img.format in ("JPEG", "PNG")
        and (img.mode == "RGB" or _opaque_palette_png(img))
        and orientation == 1
        and max(width, height) <= MAX_SIDE
    )
    if fits:
        _check(img)
        return Prepared(data, width, height)
    try:
        return _normalise(img)
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombWarning) as exc:
        raise ImageRejected(
            t("image endommagée ou tronquée", "damaged or truncated image")
        ) from exc


def _opaque_palette_png(img: Image.Image) -> bool:
    # Word and LibreOffice show palette PNGs as they are; the report's charts are drawn so
    # (a quarter of the bytes), and converting each to RGB would undo the saving.
    return img.format == "PNG" and img.mode == "P" and "transparency" not in img.info


def _orientation(img: Image.Image) -> int:
    if img.format == "PNG":
        # Pillow looks for a PNG's EXIF by decoding the whole image (the chunk may follow
        # the pixels); a PNG from a camera is rare, so only an early eXIf chunk counts.
        raw = img.info.get("exif")
        if not raw:
            return 1
        exif = Image.Exif()
        exif.load(raw)
        return int(exif.get(_EXIF_ORIENTATION, 1))
    return int(img.getexif().get(_EXIF_ORIENTATION, 1))


def _normalise(img: Image.Image) -> Prepared:
    source_format = img.format
    upright = ImageOps.exif_transpose(img)
    if upright.mode in ("RGBA", "LA", "PA") or (
        upright.mode == "P" and "transparency" in upright.info
    ):
        rgba = upright.convert("RGBA")
        rgb = Image.new("RGB", rgba.size, "white")
        rgb.paste(rgba, mask=rgba.getchannel("A"))
    else:
        rgb = upright.convert("RGB")
    rgb.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    if source_format == "PNG":
        # Diagrams and charts stay crisp as PNG; photos become JPEG.
        rgb.save(out, "PNG")
    else:
        rgb.save(out, "JPEG", quality=85, optimize=True)
    return Prepared(out.getvalue(), rgb.width, rgb.height)
