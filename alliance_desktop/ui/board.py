"""The board (« Tableau »): consensus, dissent and open questions, typed as they are said."""

from __future__ import annotations

import uuid
from typing import Final

from PySide6.QtCore import (
    QEvent,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QAction, QColor, QKeyEvent, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHBoxLayout,
    QLabel,
    QListView,
    QSizePolicy,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from alliance_desktop.core import enums as e
from alliance_desktop.core.i18n import t
from alliance_desktop.core.labels import label
from alliance_desktop.services.workshop import (
    Changes,
    PointData,
    add_point,
    delete_point,
    edit_point,
    move_point,
    position_between,
    restore_point,
)
from alliance_desktop.ui.undo import ServiceCommand, deleting
from alliance_desktop.ui.widgets import EntryLine
from alliance_desktop.ui.workshop_context import WorkshopContext
from alliance_desktop.ui.workshop_models import RecordListModel

AnyIndex = QModelIndex | QPersistentModelIndex

COLUMNS: Final = (e.PointKind.CONSENSUS, e.PointKind.DISSENT, e.PointKind.OPEN_QUESTION)
# The plain key that opens each column's editor when no text field has the focus.
COLUMN_KEYS: Final = {
    e.PointKind.CONSENSUS: "C",
    e.PointKind.DISSENT: "D",
    e.PointKind.OPEN_QUESTION: "Q",
}
# Soft tints, each with its own dark text, as on the read-only page (meeting_html.py).
COLUMN_COLOURS: Final = {
    e.PointKind.CONSENSUS: ("#e4f2e8", "#173823"),
    e.PointKind.DISSENT: ("#fbe9e2", "#4a1d0e"),
    e.PointKind.OPEN_QUESTION: ("#e6eef9", "#132d50"),
}

_ALT: Final = Qt.KeyboardModifier.AltModifier
_NONE: Final = Qt.KeyboardModifier.NoModifier
# (modifiers, key) -> what the column's list does with it.
_LIST_KEYS: Final = {
    (_ALT, Qt.Key.Key_Left): "left",
    (_ALT, Qt.Key.Key_Right): "right",
    (_ALT, Qt.Key.Key_Up): "up",
    (_ALT, Qt.Key.Key_Down): "down",
    (_NONE, Qt.Key.Key_Delete): "delete",
}


def _board_key(event: QKeyEvent) -> str | None:
    mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
    return _LIST_KEYS.get((mods, Qt.Key(event.key())))


class PointDelegate(QStyledItemDelegate):
    """Paints points as usual, remembering the height of each wrapped text.

    A column of word-wrapped rows is laid out again whenever a point comes in, which
    asks every row for its size; measuring a text once per width keeps adding a point
    quick in a long session.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        """An empty cache."""
        super().__init__(parent)
        self._sizes: dict[tuple[str, int], QSize] = {}

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        """The size of the row's text at the view's width, measured once."""
        key = (str(index.data(Qt.ItemDataRole.DisplayRole)), option.rect.width())
        size = self._sizes.get(key)
        if size is None:
            if len(self._sizes) > 5000:
                self._sizes.clear()
            size = super().sizeHint(option, index)
            self._sizes[key] = size
        return size


class PointListView(QListView):
    """One column's points, with the board's keys.

    Signals:
        board_key: Alt+arrow or Delete was pressed on the current point; carries
            "left", "right", "up", "down" or "delete".
    """

    board_key = Signal(str)

    def event(self, event: QEvent) -> bool:
        """Claim the board's keys before window-wide shortcuts (Alt+↑/↓ change session)."""
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and _board_key(event) is not None
            and self.state() != QAbstractItemView.State.EditingState
        ):
            event.accept()
            return True
        return super().event(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Board keys act on the current point; Enter edits it in place."""
        action = _board_key(event)
        if action is not None:
            if self.currentIndex().isValid():
                self.board_key.emit(action)
            event.accept()
            return
        if (
            event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and self.currentIndex().isValid()
            and self.state() != QAbstractItemView.State.EditingState
        ):
            self.edit(self.currentIndex())
            event.accept()
            return
        super().keyPressEvent(event)


class DraftEdit(EntryLine):
    """The line where a new point is typed.

    Signals:
        leave: Escape or ↑ asked to go back to the column's list.
    """

    leave = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Escape empties the line, then leaves it; ↑ goes to the points above."""
        if event.key() == Qt.Key.Key_Escape:
            if self.text():
                self.clear()
            else:
                self.leave.emit()
            event.accept()
            return
        if event.key() == Qt.Key.Key_Up and not event.modifiers():
            self.leave.emit()
            event.accept()
            return
        super().keyPressEvent(event)


class BoardColumn(QFrame):
    """A column of the board: its title and count, its points, the line for a new one."""

    def __init__(self, kind: e.PointKind, parent: QWidget | None = None) -> None:
        """An empty column for points of ``kind``."""
        super().__init__(parent)
        self.kind = kind
        name = kind.value
        self.setObjectName(f"column_{name}")
        background, foreground = COLUMN_COLOURS[kind]
        self.setFrameShape(QFrame.Shape.StyledPanel)
        # A palette rather than a style sheet: a style sheet on the column would route
        # the painting of every row below it through Qt's slower style-sheet style.
        palette = self.palette()
        palette.setColor(QPalette.ColorRole.Window, QColor(background))
        palette.setColor(QPalette.ColorRole.WindowText, QColor(foreground))
        self.setPalette(palette)
        self.setAutoFillBackground(True)
        self.model: RecordListModel[PointData] = RecordListModel(
            lambda p: p.text, lambda p: p.text, self
        )
        self.title = QLabel(self)
        font = self.title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.title.setFont(font)
        # The count changes with each point: an opaque label of fixed size repaints alone,
        # where a transparent one would have every widget behind it repainted too.
        self.title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.title.setAutoFillBackground(True)
        self.view = PointListView(self)
        self.view.setObjectName(f"points_{name}")
        self.view.setModel(self.model)
        self.view.setItemDelegate(PointDelegate(self.view))
        self.view.setAccessibleName(t(f"Points : {label(kind)}", f"Points: {label(kind)}"))
        self.view.setWordWrap(True)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setUniformItemSizes(False)
        self.view.setSpacing(2)
        self.view.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        # Each column keeps its own current point, for the keys; but only the column with
        # the keyboard shows it, or three points look chosen at once.
        view_palette = self.view.palette()
        for role, shown_as in (
            (QPalette.ColorRole.Highlight, QPalette.ColorRole.Base),
            (QPalette.ColorRole.HighlightedText, QPalette.ColorRole.Text),
        ):
            view_palette.setColor(
                QPalette.ColorGroup.Inactive,
                role,
                view_palette.color(QPalette.ColorGroup.Inactive, shown_as),
            )
        self.view.setPalette(view_palette)
        self.draft = DraftEdit(self)
        self.draft.setObjectName(f"draft_{name}")
        key, ctrl = COLUMN_KEYS[kind], f"Ctrl+{COLUMNS.index(kind) + 1}"
        # Short enough for a third of a laptop screen; the keys are in the column's title,
        # the tooltip and F1.
        self.draft.setPlaceholderText(
            t("Nouveau point — Entrée enregistre", "New point — Enter saves")
        )
        self.draft.setToolTip(
            t(
                f"Nouveau point : {key} ou {ctrl} pour venir ici, Entrée enregistre",
                f"New point: {key} or {ctrl} to come here, Enter saves",
            )
        )
        self.draft.setAccessibleName(
            t(f"Nouveau point : {label(kind)}", f"New point: {label(kind)}")
        )
        self.title.setBuddy(self.draft)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.setSpacing(6)
        layout.addWidget(self.title)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.draft)
        self.draft.leave.connect(self.focus_list)
        self.update_title()

    def update_title(self) -> None:
        """« Consensus (C) · 3 »."""
        n = self.model.rowCount()
        self.title.setText(f"{label(self.kind)} ({COLUMN_KEYS[self.kind]}) · {n}")

    def focus_list(self) -> None:
        """Put the focus on the points, on the last one if none is current."""
        if not self.view.currentIndex().isValid() and self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(self.model.rowCount() - 1, 0))
        self.view.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def select(self, point_id: uuid.UUID) -> None:
        """Make ``point_id`` the current point and show it."""
        row = self.model.row_of(point_id)
        if row < 0:
            return
        index = self.model.index(row, 0)
        self.view.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
        )
        self.view.scrollTo(index)


class BoardTab(QWidget):
    """The three columns of the board and the keys that fill them.

    Signals:
        board_changed: the points changed; carries the id of a point just added (for the
            projection to highlight it), or None.
        draft_changed: a new point is being typed; carries its column and text so far.
    """

    board_changed = Signal(object)
    draft_changed = Signal(object, str)

    def __init__(self, context: WorkshopContext, parent: QWidget | None = None) -> None:
        """Empty columns; :meth:`load` fills them."""
        super().__init__(parent)
        self.setObjectName("boardTab")
        self.context = context
        self.columns: dict[e.PointKind, BoardColumn] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(8)
        for kind in COLUMNS:
            column = BoardColumn(kind, self)
            self.columns[kind] = column
            layout.addWidget(column, 1)
            column.draft.returnPressed.connect(lambda k=kind: self._draft_entered(k))
            column.draft.textChanged.connect(lambda text, k=kind: self.draft_changed.emit(k, text))
            column.view.board_key.connect(lambda action, k=kind: self._board_key(k, action))
            column.model.text_edited.connect(self.edit)
            # C / D / Q: plain letters, so they fire only where no text field takes them.
            open_column = QAction(self)
            open_column.setShortcut(QKeySequence(COLUMN_KEYS[kind]))
            open_column.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            open_column.triggered.connect(lambda _=False, k=kind: self.start_point(k))
            self.addAction(open_column)

    # --- content ---------------------------------------------------------------------

    def load(self, points: list[PointData]) -> None:
        """Show the points of a session just opened."""
        for kind, column in self.columns.items():
            column.model.set_records([p for p in points if p.kind == kind])
            column.draft.clear()
            column.update_title()
        self.board_changed.emit(None)

    def focus_first(self) -> None:
        """Focus the consensus column, where C, D and Q open a new point."""
        self.columns[e.PointKind.CONSENSUS].focus_list()

    def points(self) -> list[PointData]:
        """Every point shown, column by column, in order."""
        return [p for kind in COLUMNS for p in self.columns[kind].model.records()]

    def apply(self, changes: Changes) -> None:
        """Update the points a service call created, changed or deleted."""
        added: uuid.UUID | None = None
        for p in changes.deleted_of(PointData):
            for column in self.columns.values():
                column.model.remove(p.id)
        for p in changes.upserted_of(PointData):
            known = False
            for kind, column in self.columns.items():
                if kind != p.kind and column.model.remove(p.id):
                    known = True
            target = self.columns[p.kind].model
            known = known or target.row_of(p.id) >= 0
            target.upsert(p)
            if not known:
                added = p.id
        for column in self.columns.values():
            column.update_title()
        self.board_changed.emit(added)

    # --- actions ---------------------------------------------------------------------

    def start_point(self, kind: e.PointKind) -> None:
        """Put the cursor on the line for a new point of ``kind``."""
        self.columns[kind].draft.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _draft_entered(self, kind: e.PointKind) -> None:
        draft = self.columns[kind].draft
        if not draft.text().strip():
            return
        if self.add(kind, draft.text()) is not None:
            draft.clear()

    def add(self, kind: e.PointKind, text: str) -> uuid.UUID | None:
        """Note a new point at the end of column ``kind``; its id, or None if it failed."""
        db, meeting_id = self.context.db, self.context.meeting_id
        records = self.columns[kind].model.records()
        position = records[-1].position + 1.0 if records else 0.0
        point_id = uuid.uuid4()
        command = ServiceCommand(
            t("ajout d'un point", "adding a point"),
            lambda: add_point(db, meeting_id, kind, text, position=position, point_id=point_id),
            lambda: delete_point(db, point_id),
            self.context.sink,
        )
        self.context.stack.push(command)
        if command.failed:
            return None
        self.columns[kind].view.scrollToBottom()
        return point_id

    def edit(self, point_id: uuid.UUID, text: str) -> None:
        """Change the wording of a point."""
        old = self._find(point_id)
        if old is None:
            return
        db = self.context.db
        self.context.stack.push(
            ServiceCommand(
                t("modification d'un point", "editing a point"),
                lambda: edit_point(db, point_id, text),
                lambda: edit_point(db, point_id, old.text),
                self.context.sink,
            )
        )

    def move_point(
        self, point_id: uuid.UUID, kind: e.PointKind, position: float, what: str
    ) -> None:
        """Put a point in column ``kind`` at ``position``, undoably; keeps it current."""
        old = self._find(point_id)
        if old is None:
            return
        db = self.context.db
        command = ServiceCommand(
            what,
            lambda: move_point(db, point_id, kind, position),
            lambda: move_point(db, point_id, old.kind, old.position),
            self.context.sink,
        )
        self.context.stack.push(command)
        column = self.columns[kind]
        column.select(point_id)
        column.view.setFocus(Qt.FocusReason.OtherFocusReason)

    def delete(self, point_id: uuid.UUID) -> None:
        """Remove a point, undoably; the next one becomes current."""
        old = self._find(point_id)
        if old is None:
            return
        db = self.context.db
        column = self.columns[old.kind]
        row = column.model.row_of(point_id)
        do, undo = deleting(
            lambda: delete_point(db, point_id), lambda p: restore_point(db, p), PointData
        )
        self.context.stack.push(
            ServiceCommand(
                t("suppression d'un point", "deleting a point"), do, undo, self.context.sink
            )
        )
        left = column.model.rowCount()
        if left:
            column.view.setCurrentIndex(column.model.index(min(row, left - 1), 0))

    def _find(self, point_id: uuid.UUID) -> PointData | None:
        for column in self.columns.values():
            row = column.model.row_of(point_id)
            if row >= 0:
                return column.model.record(row)
        return None

    def _board_key(self, kind: e.PointKind, action: str) -> None:
        column = self.columns[kind]
        row = column.view.currentIndex().row()
        records = column.model.records()
        if not 0 <= row < len(records):
            return
        point = records[row]
        if action == "delete":
            self.delete(point.id)
        elif action in ("left", "right"):
            step = -1 if action == "left" else 1
            target_index = COLUMNS.index(kind) + step
            if 0 <= target_index < len(COLUMNS):
                target = COLUMNS[target_index]
                others = self.columns[target].model.records()
                position = others[-1].position + 1.0 if others else 0.0
                self.move_point(
                    point.id, target, position, t("déplacement d'un point", "moving a point")
                )
        elif action == "up" and row > 0:
            before = records[row - 2].position if row >= 2 else None
            position = position_between(before, records[row - 1].position)
            self.move_point(point.id, kind, position, t("déplacement d'un point", "moving a point"))
        elif action == "down" and row < len(records) - 1:
            after = records[row + 2].position if row + 2 < len(records) else None
            position = position_between(records[row + 1].position, after)
            self.move_point(point.id, kind, position, t("déplacement d'un point", "moving a point"))

    def reveal(self, point_id: uuid.UUID) -> bool:
        """Select ``point_id`` in its column and give that column the focus."""
        point = self._find(point_id)
        if point is None:
            return False
        column = self.columns[point.kind]
        column.select(point_id)
        column.view.setFocus(Qt.FocusReason.OtherFocusReason)
        return True
