"""Photos of the graphic-facilitation boards: normalised with Pillow, kept in the database."""

# Pillow is imported inside the functions that use it: the window must start without it.

from __future__ import annotations

import io
import uuid
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from alliance_desktop.core import enums as e
from alliance_desktop.core.errors import KnownError, os_reason
from alliance_desktop.core.i18n import t
from alliance_desktop.services.workshop import Changes, Part, clean_text
from alliance_desktop.storage.database import Database
from alliance_desktop.storage.models import Attachment, Meeting

# Large enough to read every word of a board on a projector, small enough that a year of
# sessions travels between laptops without weighing on the shared drive.
MAX_SIDE: Final = 2000
JPEG_QUALITY: Final = 85


class UnreadableImage(KnownError):
    """A file that is not an image Pillow can read (or is damaged, or far too large)."""


@dataclass(frozen=True)
class Normalised:
    """An image as stored: an upright RGB JPEG at most ``MAX_SIDE`` pixels wide and high."""

    data: bytes
    width: int
    height: int


def _refuse(name: str, why_fr: str, why_en: str) -> UnreadableImage:
    return UnreadableImage(
        t(
            f"« {name} » n'a pas été ajoutée : {why_fr}. Choisissez une photo JPEG ou PNG.",
            f"“{name}” was not added: {why_en}. Choose a JPEG or PNG photo.",
        )
    )


def normalise_image(raw: bytes, name: str) -> Normalised:
    """Turn a phone's photo into the stored form: upright, RGB, JPEG, at most 2000 px.

    Raises:
        UnreadableImage: the bytes are not a readable image, or a damaged or huge one.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    from alliance_desktop.exports.images import MAX_BYTES, MAX_PIXELS

    if not raw:
        raise _refuse(name, "le fichier est vide", "the file is empty")
    if len(raw) > MAX_BYTES:
        raise _refuse(name, "le fichier est trop volumineux", "the file is too large")
    with warnings.catch_warnings():
        # Pillow warns, then raises, on decompression bombs: both mean « too big » here.
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            with Image.open(io.BytesIO(raw)) as img:
                if img.width * img.height > MAX_PIXELS:
                    raise _refuse(name, "l'image est démesurée", "the image is far too large")
                upright = ImageOps.exif_transpose(img)
                if upright.mode in ("RGBA", "LA", "PA") or (
                    upright.mode == "P" and "transparency" in upright.info
                ):
                    # Transparent parts become white, as on the paper of the board.
                    rgba = upright.convert("RGBA")
                    rgb = Image.new("RGB", rgba.size, "white")
                    rgb.paste(rgba, mask=rgba.getchannel("A"))
                else:
                    rgb = upright.convert("RGB")
                rgb.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
                out = io.BytesIO()
                rgb.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
        except UnidentifiedImageError as exc:
            raise _refuse(
                name, "ce n'est pas une image lisible", "it is not a readable image"
            ) from exc
        except (
            OSError,
            ValueError,
            SyntaxError,
            Image.DecompressionBombError,
            Image.DecompressionBombWarning,
        ) as exc:
            raise _refuse(
                name, "l'image est endommagée ou tronquée", "the image is damaged or truncated"
            ) from exc
    return Normalised(out.getvalue(), rgb.width, rgb.height)


@dataclass(frozen=True)
class PhotoData:
    """A stored photo of a board, with its caption."""

    id: uuid.UUID
    meeting_id: uuid.UUID
    filename: str
    caption: str
    width: int | None
    height: int | None
    position: float
    data: bytes  # the stored JPEG


def _photo(a: Attachment) -> PhotoData:
    return PhotoData(
        a.id, a.meeting_id, a.filename, a.caption or "", a.width, a.height, a.position, a.data
    )


def read_photo(path: Path) -> tuple[str, Normalised]:
    """Read and normalise the file at ``path`` (slow for big photos: off the GUI thread).

    Raises:
        UnreadableImage: the file cannot be read, or is not a usable image.
    """
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _refuse(
            path.name,
            f"le fichier ne peut pas être lu ({os_reason(exc)})",
            f"the file cannot be read ({os_reason(exc)})",
        ) from exc
    return path.name, normalise_image(raw, path.name)


def add_photo(
    db: Database,
    meeting_id: uuid.UUID,
    filename: str,
    image: Normalised,
    caption: str | None = None,
    *,
    position: float | None = None,
    photo_id: uuid.UUID | None = None,
) -> Changes:
    """Store a normalised photo of a board in the session (one transaction)."""
    with db.session() as s:
        if s.get(Meeting, meeting_id) is None:
            raise KnownError(
                t(
                    "Cette séance n'existe plus : elle a été supprimée entre-temps.",
                    "This session no longer exists: it was deleted meanwhile.",
                )
            )
        if position is None:
            top = s.scalar(
                select(func.max(Attachment.position)).where(Attachment.meeting_id == meeting_id)
            )
            position = float(top) + 1.0 if top is not None else 0.0
        a = Attachment(
            id=photo_id or uuid.uuid4(),
            meeting_id=meeting_id,
            kind=e.AttachmentKind.BOARD_PHOTO,
            filename=filename,
            media_type="image/jpeg",
            caption=clean_text(caption or "") or None,
            data=image.data,
            width=image.width,
            height=image.height,
            position=position,
        )
        s.add(a)
        s.flush()
        return Changes(meeting_id, frozenset({Part.PHOTOS}), (_photo(a),))


def restore_photo(db: Database, snapshot: PhotoData) -> Changes:
    """Bring back a deleted photo with its id, caption and place."""
    image = Normalised(snapshot.data, snapshot.width or 0, snapshot.height or 0)
    return add_photo(
        db,
        snapshot.meeting_id,
        snapshot.filename,
        image,
        snapshot.caption,
        position=snapshot.position,
        photo_id=snapshot.id,
    )


def _row(s: Session, photo_id: uuid.UUID) -> Attachment:
    a = s.get(Attachment, photo_id)
    if a is None:
        raise KnownError(
            t(
                "Cette photo n'existe plus : elle a été supprimée entre-temps.",
                "This photo no longer exists: it was deleted meanwhile.",
            )
        )
    return a


def set_caption(db: Database, photo_id: uuid.UUID, caption: str) -> Changes:
    """Change a photo's caption."""
    with db.session() as s:
        a = _row(s, photo_id)
        a.caption = clean_text(caption) or None
        s.flush()
        return Changes(a.meeting_id, frozenset({Part.PHOTOS}), (_photo(a),))


def delete_photo(db: Database, photo_id: uuid.UUID) -> Changes:
    """Remove a photo; the change carries its snapshot (bytes included) for undo."""
    with db.session() as s:
        a = _row(s, photo_id)
        snapshot = _photo(a)
        s.delete(a)
        return Changes(snapshot.meeting_id, frozenset({Part.PHOTOS}), deleted=(snapshot,))


def photos(db: Database, meeting_id: uuid.UUID) -> list[PhotoData]:
    """The session's board photos, in order."""
    with db.read() as s:
        rows = s.scalars(
            select(Attachment)
            .where(
                Attachment.meeting_id == meeting_id,
                Attachment.kind == e.AttachmentKind.BOARD_PHOTO,
            )
            .order_by(Attachment.position)
        )
        return [_photo(a) for a in rows]
