"""Small widgets the workshop tabs share: a type-ahead filter, a choice delegate, tables."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum

from PySide6.QtCore import (
    QAbstractItemModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSize,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QKeyEvent, QKeySequence, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QWidget,
)

from alliance_desktop.core.labels import label
from alliance_desktop.services.attendance import fold
from alliance_desktop.ui.workshop_models import SEARCH_ROLE

AnyIndex = QModelIndex | QPersistentModelIndex


def is_undo_key(event: QKeyEvent) -> bool:
    """Whether ``event`` is one of the keys that undo or redo."""
    pressed = QKeySequence(event.keyCombination().toCombined())
    return any(
        pressed.matches(seq) == QKeySequence.SequenceMatch.ExactMatch
        for seq in (
            *QKeySequence.keyBindings(QKeySequence.StandardKey.Undo),
            *QKeySequence.keyBindings(QKeySequence.StandardKey.Redo),
            QKeySequence("Ctrl+Y"),
        )
    )


class EntryLine(QLineEdit):
    """A line where a new item is typed and saved with Enter.

    Empty, it leaves Ctrl+Z / Ctrl+Y to the window, so that they undo the item just
    saved; with text in it, they undo the typing, as in any text field.
    """

    def event(self, event: QEvent) -> bool:
        """Let the window's undo and redo through when the line is empty."""
        if (
            event.type() == QEvent.Type.ShortcutOverride
            and isinstance(event, QKeyEvent)
            and not self.text()
            and is_undo_key(event)
        ):
            event.ignore()
            return False
        return super().event(event)


class ElidedLabel(QLabel):
    """A one-line label that ends with « … » when its text does not fit (whole in the tooltip)."""

    def setText(self, text: str) -> None:
        """Show ``text``, cut to the width when needed."""
        super().setText(text)
        self.setToolTip(text)

    def minimumSizeHint(self) -> QSize:
        """Any width: the text is cut rather than the window widened."""
        return QSize(0, super().minimumSizeHint().height())

    def paintEvent(self, _event: QPaintEvent) -> None:
        """Draw the text, elided to the label's width."""
        painter = QPainter(self)
        shown = self.fontMetrics().elidedText(
            self.text(), Qt.TextElideMode.ElideRight, self.contentsRect().width()
        )
        painter.setPen(self.palette().color(self.foregroundRole()))
        painter.drawText(self.contentsRect(), int(self.alignment()), shown)
        painter.end()


class FoldedFilter(QSortFilterProxyModel):
    """Keeps the rows whose search text holds every word typed, accents and case ignored."""

    def __init__(self, parent: QObject | None = None) -> None:
        """No filter until :meth:`set_query`."""
        super().__init__(parent)
        self._words: list[str] = []

    def set_query(self, text: str) -> None:
        """Filter on ``text`` (empty: every row)."""
        self.beginFilterChange()
        self._words = fold(text).split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        """Whether the row's ``SEARCH_ROLE`` text contains every word of the query."""
        if not self._words:
            return True
        model = self.sourceModel()
        key = model.index(source_row, 0, source_parent).data(SEARCH_ROLE) or ""
        return all(word in key for word in self._words)


class ChoiceDelegate(QStyledItemDelegate):
    """Edits a cell with a list of enumeration values shown by their labels."""

    def __init__(self, choices: Sequence[StrEnum], parent: QObject | None = None) -> None:
        """Offer ``choices``; the model receives the chosen value itself."""
        super().__init__(parent)
        self._choices = list(choices)

    def createEditor(
        self, parent: QWidget, _option: QStyleOptionViewItem, _index: AnyIndex
    ) -> QWidget:
        """A drop-down list of the labels."""
        editor = QComboBox(parent)
        for value in self._choices:
            editor.addItem(label(value))
        return editor

    def setEditorData(self, editor: QWidget, index: AnyIndex) -> None:
        """Start on the value the cell shows."""
        assert isinstance(editor, QComboBox)
        shown = index.data(Qt.ItemDataRole.EditRole)
        row = editor.findText(str(shown))
        editor.setCurrentIndex(max(row, 0))

    def setModelData(self, editor: QWidget, model: QAbstractItemModel, index: AnyIndex) -> None:
        """Hand the chosen enumeration value to the model."""
        assert isinstance(editor, QComboBox)
        # By position: a value stored as item data would come back as a plain string.
        model.setData(index, self._choices[editor.currentIndex()], Qt.ItemDataRole.EditRole)


def setup_table(view: QTableView, name: str, accessible: str) -> QTableView:
    """Set ``view`` up the way every workshop table is: rows, no grid, keyboard first."""
    view.setObjectName(name)
    view.setAccessibleName(accessible)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(
        QAbstractItemView.EditTrigger.DoubleClicked
        | QAbstractItemView.EditTrigger.EditKeyPressed
        | QAbstractItemView.EditTrigger.SelectedClicked
    )
    # Tab leaves the table for the next field instead of walking its cells.
    view.setTabKeyNavigation(False)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    # One line a row, cut with « … »: the whole text is in the tooltip and the editor.
    view.setWordWrap(False)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.verticalHeader().setVisible(False)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    # Sized to the contents once, when a session is loaded (fit_columns), not in
    # ResizeToContents mode: that mode measures every row of every column at each
    # layout, which a 300-line attendance sheet pays for whenever a point is added.
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(False)
    # Measured on the first rows only: a long sheet is sized as quickly as a short one.
    header.setResizeContentsPrecision(60)
    return view


def fit_columns(view: QTableView, at_least: Mapping[int, Iterable[str]] | None = None) -> None:
    """Size the columns that do not stretch to what they hold now.

    Args:
        view: the table.
        at_least: for some columns, every text they may come to show (the labels of a
            choice): they are made wide enough for the longest, even while empty.
    """
    header = view.horizontalHeader()
    metrics = view.fontMetrics()
    for column in range(header.count()):
        if header.sectionResizeMode(column) == QHeaderView.ResizeMode.Stretch:
            continue
        view.resizeColumnToContents(column)
        texts = (at_least or {}).get(column)
        if texts:
            # Room for the cell's margins, and for a drop-down's arrow while editing.
            wanted = max(metrics.horizontalAdvance(text) for text in texts) + 36
            header.resizeSection(column, max(header.sectionSize(column), wanted))


def stretch_column(view: QTableView, column: int) -> None:
    """Let ``column`` take the width the others leave."""
    view.horizontalHeader().setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
