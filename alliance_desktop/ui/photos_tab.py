"""Photos: the graphic-facilitation boards, dropped or chosen, with thumbnails and captions."""

from __future__ import annotations

import functools
import uuid
from pathlib import Path
from typing import Any, Final, NamedTuple

from PySide6.QtCore import (
    QAbstractListModel,
    QBuffer,
    QByteArray,
    QIODevice,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDropEvent,
    QImageReader,
    QKeyEvent,
    QPainter,
    QPixmap,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListView,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from alliance_desktop.core.errors import KnownError
from alliance_desktop.core.i18n import t
from alliance_desktop.services.attachments import (
    Normalised,
    PhotoData,
    add_photo,
    delete_photo,
    photos,
    read_photo,
    restore_photo,
    set_caption,
)
from alliance_desktop.services.workshop import Changes
from alliance_desktop.ui.tasks import Worker
from alliance_desktop.ui.undo import ServiceCommand, deleting
from alliance_desktop.ui.workshop_context import WorkshopContext

AnyIndex = QModelIndex | QPersistentModelIndex

THUMBNAIL: Final = QSize(240, 180)
# Room under each thumbnail for a caption of up to three lines.
CAPTION_LINES: Final = 3
IMAGE_FILTER: Final = "*.jpg *.jpeg *.png *.webp *.tif *.tiff *.bmp *.gif *.heic"
ID_ROLE: Final = Qt.ItemDataRole.UserRole + 1


class _Read(NamedTuple):
    """A photo read and normalised on the worker thread, for the session it was added to."""

    meeting_id: uuid.UUID
    filename: str
    image: Normalised


def _read(meeting_id: uuid.UUID, path: Path) -> _Read:
    filename, image = read_photo(path)
    return _Read(meeting_id, filename, image)


def thumbnail(data: bytes, size: QSize = THUMBNAIL) -> QPixmap:
    """A small picture of a stored JPEG, decoded at reduced scale (quick even at 2000 px)."""
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer, QByteArray(b"jpeg"))
    original = reader.size()
    if original.isValid():
        reader.setScaledSize(original.scaled(size, Qt.AspectRatioMode.KeepAspectRatio))
    return QPixmap.fromImage(reader.read())


def letterboxed(picture: QPixmap, size: QSize = THUMBNAIL) -> QPixmap:
    """``picture`` centred on a transparent ``size`` canvas: every cell shows a whole photo.

    The list lays its cells out from one size; a landscape board photo is wider than a
    portrait one, so without the margins the wider ones were cut to the narrower width.
    """
    canvas = QPixmap(size)
    canvas.fill(QColor(0, 0, 0, 0))
    if picture.isNull():
        return canvas
    scaled = picture
    if picture.width() > size.width() or picture.height() > size.height():
        scaled = picture.scaled(
            size, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
    painter = QPainter(canvas)
    painter.drawPixmap(
        (size.width() - scaled.width()) // 2, (size.height() - scaled.height()) // 2, scaled
    )
    painter.end()
    return canvas


class PhotoDelegate(QStyledItemDelegate):
    """One cell size for every photo: the whole thumbnail, and the caption wrapped below."""

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        """The thumbnail's width (plus a margin) by the thumbnail and three caption lines."""
        line = option.fontMetrics.lineSpacing()
        return QSize(THUMBNAIL.width() + 16, THUMBNAIL.height() + CAPTION_LINES * line + 12)


class PhotoListModel(QAbstractListModel):
    """The session's photos: caption (or file name) and thumbnail."""

    def __init__(self, parent: QObject | None = None) -> None:
        """No photos."""
        super().__init__(parent)
        self._rows: list[PhotoData] = []
        self._thumbs: dict[uuid.UUID, QPixmap] = {}

    def set_photos(self, rows: list[PhotoData]) -> None:
        """Replace every row; thumbnails are made here, once, not when painting."""
        self.beginResetModel()
        self._rows = sorted(rows, key=lambda p: p.position)
        self._thumbs = {p.id: letterboxed(thumbnail(p.data)) for p in self._rows}
        self.endResetModel()

    def photo(self, row: int) -> PhotoData | None:
        """The photo on ``row``, or None."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def photos(self) -> list[PhotoData]:
        """Every photo, in order."""
        return list(self._rows)

    def row_of(self, photo_id: uuid.UUID) -> int:
        """The row of ``photo_id``, or -1."""
        return next((r for r, p in enumerate(self._rows) if p.id == photo_id), -1)

    def upsert(self, photo: PhotoData) -> int:
        """Add a photo at its place or update its row; returns the row."""
        row = self.row_of(photo.id)
        if row >= 0:
            self._rows[row] = photo
            self.dataChanged.emit(self.index(row, 0), self.index(row, 0))
            return row
        row = next(
            (r for r, p in enumerate(self._rows) if p.position > photo.position), len(self._rows)
        )
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.insert(row, photo)
        self._thumbs[photo.id] = letterboxed(thumbnail(photo.data))
        self.endInsertRows()
        return row

    def remove(self, photo_id: uuid.UUID) -> None:
        """Drop the photo's row, if shown."""
        row = self.row_of(photo_id)
        if row < 0:
            return
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        self._thumbs.pop(photo_id, None)
        self.endRemoveRows()

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Number of photos."""
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Caption or file name, thumbnail, accessible text, id."""
        p = self.photo(index.row()) if index.isValid() else None
        if p is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return p.caption or p.filename
        if role == Qt.ItemDataRole.DecorationRole:
            return self._thumbs.get(p.id)
        if role in (Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole):
            size = f" — {p.width} × {p.height} px" if p.width and p.height else ""
            return f"{p.caption or p.filename} ({p.filename}){size}"
        if role == ID_ROLE:
            return str(p.id)
        return None


class PhotoListView(QListView):
    """Thumbnails; Delete removes the current photo.

    Signals:
        delete_pressed: Delete was pressed on a photo.
    """

    delete_pressed = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Delete removes the current photo."""
        if event.key() == Qt.Key.Key_Delete and self.currentIndex().isValid():
            self.delete_pressed.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class PhotosTab(QWidget):
    """The board photos of the session: drop files here or choose them, then caption them."""

    def __init__(self, context: WorkshopContext, parent: QWidget | None = None) -> None:
        """No photos; :meth:`load` reads them."""
        super().__init__(parent)
        self.setObjectName("photosTab")
        self.context = context
        self.setAcceptDrops(True)
        self.model = PhotoListModel(self)
        self.view = PhotoListView(self)
        self.view.setObjectName("photoList")
        self.view.setAccessibleName(t("Photos des tableaux", "Board photos"))
        self.view.setModel(self.model)
        self.view.setViewMode(QListView.ViewMode.IconMode)
        self.view.setIconSize(THUMBNAIL)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setMovement(QListView.Movement.Static)
        self.view.setSpacing(10)
        self.view.setWordWrap(True)
        # Every cell the same size (the delegate's), each thumbnail a whole, letterboxed
        # picture of that width: no grid size, which would clip a wider picture or caption.
        self.view.setUniformItemSizes(True)
        self.view.setItemDelegate(PhotoDelegate(self.view))
        self.view.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.add_button = QPushButton(t("A&jouter des photos…", "Add &photos…"), self)
        self.add_button.setObjectName("addPhotos")
        self.caption = QLineEdit(self)
        self.caption.setObjectName("photoCaption")
        self.caption.setPlaceholderText(
            t("Légende de la photo choisie — Entrée enregistre", "Caption — Enter saves")
        )
        self.caption.setAccessibleName(t("Légende de la photo", "Photo caption"))
        self.caption.setEnabled(False)
        self.status = QLabel(
            t(
                "Déposez ici les photos des tableaux de la facilitation graphique.",
                "Drop the photos of the graphic-facilitation boards here.",
            ),
            self,
        )
        self.status.setObjectName("photoStatus")
        self.status.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.caption)

        # Reading and resizing a 12-megapixel photo takes a moment: done off the GUI thread.
        self.worker = Worker(self)
        self.worker.done.connect(self._photo_read)
        self.worker.failed.connect(lambda _ticket, message: self._failed(message))
        self._pending = 0
        self.add_button.clicked.connect(self.choose_files)
        self.caption.returnPressed.connect(self._caption_entered)
        self.view.selectionModel().currentRowChanged.connect(
            lambda _current, _previous: self._current_changed()
        )
        self.view.delete_pressed.connect(self._delete_current)

    # --- content ---------------------------------------------------------------------

    def load(self) -> None:
        """Read the session's photos."""
        try:
            rows = photos(self.context.db, self.context.meeting_id)
        except KnownError as exc:
            self.context.sink.report_error(str(exc))
            rows = []
        self.model.set_photos(rows)
        self._current_changed()

    def apply(self, changes: Changes) -> None:
        """Show the photos a service call added, changed or removed."""
        for p in changes.deleted_of(PhotoData):
            self.model.remove(p.id)
        for p in changes.upserted_of(PhotoData):
            row = self.model.upsert(p)
            self.view.setCurrentIndex(self.model.index(row, 0))
        self._current_changed()

    def focus_first(self) -> None:
        """The keyboard goes to the photos (Delete, or Tab to the caption)."""
        self.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def busy(self) -> bool:
        """Whether photos are still being read."""
        return self._pending > 0

    # --- adding ----------------------------------------------------------------------

    def choose_files(self) -> None:
        """Ask for photo files and add them."""
        names, _filter = QFileDialog.getOpenFileNames(
            self,
            t("Ajouter des photos des tableaux", "Add photos of the boards"),
            str(Path.home()),
            t(
                f"Images ({IMAGE_FILTER});;Tous les fichiers (*)",
                f"Images ({IMAGE_FILTER});;All files (*)",
            ),
        )
        self.add_files([Path(n) for n in names])

    def add_files(self, paths: list[Path]) -> None:
        """Read, normalise and store each file, one after the other, off the GUI thread."""
        meeting_id = self.context.meeting_id
        for path in paths:
            self._pending += 1
            self.worker.run(functools.partial(_read, meeting_id, path))
        self._show_progress()

    def _show_progress(self) -> None:
        if self._pending:
            self.status.setText(
                t(
                    f"Préparation de {self._pending} photo(s)…",
                    f"Preparing {self._pending} photo(s)…",
                )
            )

    def _photo_read(self, _ticket: int, result: object) -> None:
        self._pending -= 1
        self._show_progress()
        assert isinstance(result, _Read)
        meeting_id, filename, image = result
        if meeting_id != self.context.meeting_id:
            return  # another session was opened meanwhile: the photo was for the other one
        if not self._pending:
            self.status.setText(t("Photo ajoutée.", "Photo added."))
        ctx = self.context
        db = ctx.db
        positions = [p.position for p in self.model.photos()]
        position = max(positions, default=-1.0) + 1.0
        photo_id = uuid.uuid4()
        ctx.stack.push(
            ServiceCommand(
                t("ajout d'une photo", "adding a photo"),
                lambda: add_photo(
                    db, meeting_id, filename, image, position=position, photo_id=photo_id
                ),
                lambda: delete_photo(db, photo_id),
                ctx.sink,
            )
        )

    def _failed(self, message: str) -> None:
        self._pending -= 1
        self.status.setText(message)
        self.context.sink.report_error(message)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        """Accept files dropped from the file manager."""
        if event.mimeData().hasUrls() and any(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        """Add the files dropped."""
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.add_files(paths)

    # --- caption and deletion --------------------------------------------------------

    def _current(self) -> PhotoData | None:
        return self.model.photo(self.view.currentIndex().row())

    def _current_changed(self) -> None:
        photo = self._current()
        self.caption.setEnabled(photo is not None)
        self.caption.setText(photo.caption if photo is not None else "")

    def _caption_entered(self) -> None:
        photo = self._current()
        if photo is None or self.caption.text().strip() == photo.caption:
            return
        db, new, old = self.context.db, self.caption.text(), photo.caption
        self.context.stack.push(
            ServiceCommand(
                t("légende d'une photo", "photo caption"),
                lambda: set_caption(db, photo.id, new),
                lambda: set_caption(db, photo.id, old),
                self.context.sink,
            )
        )

    def _delete_current(self) -> None:
        photo = self._current()
        if photo is None:
            return
        db = self.context.db
        do, undo = deleting(
            lambda: delete_photo(db, photo.id), lambda p: restore_photo(db, p), PhotoData
        )
        self.context.stack.push(
            ServiceCommand(
                t("suppression d'une photo", "deleting a photo"), do, undo, self.context.sink
            )
        )
