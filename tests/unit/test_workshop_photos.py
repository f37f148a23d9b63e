"""Board photos: normalised by Pillow (upright, RGB JPEG, 2000 px), refused in plain words."""

from __future__ import annotations

import datetime as dt
import io
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from alliance_desktop.services.attachments import (
    MAX_SIDE,
    PhotoData,
    UnreadableImage,
    add_photo,
    delete_photo,
    normalise_image,
    photos,
    read_photo,
    restore_photo,
    set_caption,
)
from alliance_desktop.services.workshop import PlanFields, create_meeting
from alliance_desktop.storage.database import Database, open_database


def _jpeg(size: tuple[int, int], orientation: int | None = None, mode: str = "RGB") -> bytes:
    img = Image.new(mode, size, "red" if mode != "RGBA" else (255, 0, 0, 0))
    out = io.BytesIO()
    if mode == "RGBA":
        img.save(out, "PNG")
        return out.getvalue()
    exif = Image.Exif()
    if orientation is not None:
        exif[0x0112] = orientation
    img.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def _open(data: bytes) -> Image.Image:
    img = Image.open(io.BytesIO(data))
    img.load()
    return img


def test_phone_photo_is_turned_upright_and_made_smaller() -> None:
    # A phone held upright writes a landscape picture and "rotate 90°" in its EXIF.
    result = normalise_image(_jpeg((4000, 3000), orientation=6), "tableau.jpg")
    img = _open(result.data)
    assert img.format == "JPEG" and img.mode == "RGB"
    assert (result.width, result.height) == img.size == (1500, MAX_SIDE)
    assert img.getexif().get(0x0112) in (None, 1)


def test_transparent_png_becomes_a_white_rgb_jpeg() -> None:
    result = normalise_image(_jpeg((300, 200), mode="RGBA"), "schema.png")
    img = _open(result.data)
    assert (img.format, img.mode, img.size) == ("JPEG", "RGB", (300, 200))
    r, g, b = img.getpixel((10, 10))  # type: ignore[misc]
    assert min(r, g, b) > 240


@pytest.mark.parametrize(
    ("data", "why"),
    [
        (b"", "le fichier est vide"),
        (b"Compte-rendu du 29 mai", "ce n'est pas une image lisible"),
        (_jpeg((800, 600))[:400], "l'image est endommagée ou tronquée"),
    ],
)
def test_unreadable_files_are_refused_in_plain_words(data: bytes, why: str) -> None:
    with pytest.raises(UnreadableImage) as caught:
        normalise_image(data, "photo.jpg")
    assert str(caught.value) == (
        f"« photo.jpg » n'a pas été ajoutée : {why}. Choisissez une photo JPEG ou PNG."
    )


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(UnreadableImage, match="ne peut pas être lu"):
        read_photo(tmp_path / "absente.jpg")


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "photos.sqlite3")
    yield database
    database.close()


def test_store_caption_delete_restore(db: Database, tmp_path: Path) -> None:
    changes = create_meeting(db, PlanFields(date=dt.date(2024, 5, 29), title="GES 2"))
    assert changes.meeting_id is not None
    meeting_id: uuid.UUID = changes.meeting_id
    path = tmp_path / "fresque.jpg"
    path.write_bytes(_jpeg((2400, 1800)))
    filename, image = read_photo(path)
    (photo,) = add_photo(db, meeting_id, filename, image, "Fresque « GES »").upserted_of(PhotoData)
    assert (photo.filename, photo.caption, photo.width, photo.height) == (
        "fresque.jpg",
        "Fresque « GES »",
        2000,
        1500,
    )
    (captioned,) = set_caption(db, photo.id, "  Fresque de l'atelier  ").upserted_of(PhotoData)
    assert captioned.caption == "Fresque de l'atelier"
    (snapshot,) = delete_photo(db, photo.id).deleted_of(PhotoData)
    assert photos(db, meeting_id) == []
    restore_photo(db, snapshot)
    (back,) = photos(db, meeting_id)
    assert (back.id, back.caption, back.data) == (photo.id, "Fresque de l'atelier", image.data)
