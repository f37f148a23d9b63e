"""Photos: dropped or chosen files, read off the GUI thread, thumbnails, captions, undo."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TypeVar

import pytest
from PIL import Image
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QPixmap
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from alliance_desktop.storage.database import Database
from alliance_desktop.storage.models import Attachment
from alliance_desktop.ui.main_window import MainWindow
from alliance_desktop.ui.photos_tab import THUMBNAIL, PhotosTab

from .keys import press, type_text

pytestmark = pytest.mark.gui


def _photo(path: Path, size: tuple[int, int] = (1200, 900)) -> Path:
    out = io.BytesIO()
    Image.new("RGB", size, "navy").save(out, "JPEG")
    path.write_bytes(out.getvalue())
    return path


@pytest.fixture
def tab(workshop_window: MainWindow) -> PhotosTab:
    workshop_window.select_row(2)
    assert workshop_window.open_workshop("photos")
    return workshop_window.workshop().photos


def _stored(db: Database) -> list[tuple[str, str | None, int | None]]:
    with db.read() as s:
        return [
            (a.filename, a.caption, a.width)
            for a in s.scalars(select(Attachment).order_by(Attachment.position))
        ]


def test_chosen_files_become_thumbnails_with_captions(
    tab: PhotosTab, db: Database, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = [_photo(tmp_path / "tableau-1.jpg"), _photo(tmp_path / "tableau-2.jpg", (3000, 2000))]
    monkeypatch.setattr(
        QFileDialog, "getOpenFileNames", lambda *_args: ([str(f) for f in files], "")
    )
    tab.add_button.click()
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2)
    assert not tab.busy()
    assert sorted(_stored(db)) == [
        ("tableau-1.jpg", None, 1200),
        ("tableau-2.jpg", None, 2000),
    ]
    icon = tab.model.index(0, 0).data(Qt.ItemDataRole.DecorationRole)
    assert isinstance(icon, QPixmap) and not icon.isNull()
    assert icon.width() <= 240 and icon.height() <= 180
    tab.view.setCurrentIndex(tab.model.index(0, 0))
    tab.caption.setFocus()
    type_text("Fresque « Réduire les GES » — œuvre collective")
    press(Qt.Key.Key_Return)
    assert _stored(db)[0][1] == "Fresque « Réduire les GES » — œuvre collective"
    assert tab.model.index(0, 0).data() == "Fresque « Réduire les GES » — œuvre collective"
    tab.view.setFocus()
    press(Qt.Key.Key_Delete)
    assert len(_stored(db)) == 1
    tab.context.stack.undo()
    assert _stored(db)[0][1] == "Fresque « Réduire les GES » — œuvre collective"
    assert tab.model.rowCount() == 2


E = TypeVar("E", QDragEnterEvent, QDropEvent)


def _drag_event(kind: type[E], mime: QMimeData) -> E:
    # Qt 6.12 takes a QPointF and deprecates the QPoint form; Qt 6.11 knows only QPoint.
    args = (
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    try:
        return kind(QPointF(10, 10), *args)  # type: ignore[call-overload,no-any-return,unused-ignore]
    except TypeError:
        return kind(QPoint(10, 10), *args)  # type: ignore[call-overload,unused-ignore]


def test_dropped_files_are_added(tab: PhotosTab, qtbot: QtBot, tmp_path: Path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(_photo(tmp_path / "déposée.jpg")))])
    enter = _drag_event(QDragEnterEvent, mime)
    tab.dragEnterEvent(enter)
    assert enter.isAccepted()
    drop = _drag_event(QDropEvent, mime)
    tab.dropEvent(drop)
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)
    assert tab.model.index(0, 0).data() == "déposée.jpg"


def test_unreadable_file_is_explained(
    tab: PhotosTab, db: Database, qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warnings.append(text))
    notes = tmp_path / "compte-rendu.jpg"
    notes.write_text("pas une image", encoding="utf-8")
    tab.add_files([notes])
    qtbot.waitUntil(lambda: bool(warnings))
    assert warnings == [
        "« compte-rendu.jpg » n'a pas été ajoutée : ce n'est pas une image lisible. "
        "Choisissez une photo JPEG ou PNG."
    ]
    assert tab.status.text() == warnings[0]
    assert _stored(db) == []
    assert not tab.busy()


def test_photo_model_passes_qt_checks(
    qtmodeltester: ModelTester, tab: PhotosTab, qtbot: QtBot, tmp_path: Path
) -> None:
    tab.add_files([_photo(tmp_path / "a.jpg")])
    qtbot.waitUntil(lambda: tab.model.rowCount() == 1)
    qtmodeltester.check(tab.model)  # type: ignore[no-untyped-call]


def test_landscape_and_portrait_thumbnails_are_shown_whole(
    tab: PhotosTab, qtbot: QtBot, tmp_path: Path
) -> None:
    tab.add_files(
        [
            _photo(tmp_path / "paysage.jpg", (1200, 800)),
            _photo(tmp_path / "portrait.jpg", (800, 1200)),
        ]
    )
    qtbot.waitUntil(lambda: tab.model.rowCount() == 2 and not tab.busy())
    landscape, portrait = (tab.model.index(row, 0) for row in range(2))
    for index in (landscape, portrait):
        icon = index.data(Qt.ItemDataRole.DecorationRole)
        assert isinstance(icon, QPixmap) and icon.size() == THUMBNAIL
        # The cell is as wide as the thumbnail: nothing of the picture is cut off.
        assert tab.view.visualRect(index).width() >= THUMBNAIL.width()
    image = landscape.data(Qt.ItemDataRole.DecorationRole).toImage()
    # A 3:2 picture fills the width and is letterboxed above and below.
    assert image.pixelColor(2, THUMBNAIL.height() // 2).alpha() == 255
    assert image.pixelColor(THUMBNAIL.width() - 3, THUMBNAIL.height() // 2).alpha() == 255
    assert image.pixelColor(THUMBNAIL.width() // 2, 2).alpha() == 0
    image = portrait.data(Qt.ItemDataRole.DecorationRole).toImage()
    assert image.pixelColor(THUMBNAIL.width() // 2, 2).alpha() == 255
    assert image.pixelColor(2, THUMBNAIL.height() // 2).alpha() == 0
    # The caption, below, has room for more than one line.
    rect = tab.view.visualRect(landscape)
    assert rect.height() >= THUMBNAIL.height() + 2 * tab.view.fontMetrics().lineSpacing()


def test_alt_j_adds_photos_as_f1_says(
    tab: PhotosTab, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    from alliance_desktop.ui.shortcuts import shortcut_sections

    asked: list[bool] = []

    def choose(*_args: object) -> tuple[list[str], str]:
        asked.append(True)
        return [], ""

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", choose)
    tab.view.setFocus()
    press(Qt.Key.Key_J, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: asked == [True])  # a mnemonic clicks after a short flash
    photos = dict(shortcut_sections())["Photos"]
    assert ("Alt+J", "Ajouter des photos") in photos
