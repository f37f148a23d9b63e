"""Qt models of the workshop screen: thin adapters over the services' plain records."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import Any, Final, Generic, Protocol, TypeVar

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QFont

AnyIndex = QModelIndex | QPersistentModelIndex

# The id of the record on a row, for views and tests that need to find it again.
ID_ROLE: Final = Qt.ItemDataRole.UserRole + 1
# Text folded for type-ahead (no case, no accents), prepared by the model's owner.
SEARCH_ROLE: Final = Qt.ItemDataRole.UserRole + 2


class HasId(Protocol):
    """What every record shown in these models has: an id."""

    @property
    def id(self) -> uuid.UUID:
        """The row's id."""


class Record(HasId, Protocol):
    """A record that also has a place in its list."""

    @property
    def position(self) -> float:
        """Where the row stands in its list."""


R = TypeVar("R", bound=Record)

_TABLE_ROLES: Final = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.EditRole,
        Qt.ItemDataRole.AccessibleTextRole,
        Qt.ItemDataRole.CheckStateRole,
        Qt.ItemDataRole.TextAlignmentRole,
        Qt.ItemDataRole.FontRole,
        Qt.ItemDataRole.ToolTipRole,
        ID_ROLE,
        SEARCH_ROLE,
    }
)
_LIST_ROLES: Final = frozenset(
    {
        Qt.ItemDataRole.DisplayRole,
        Qt.ItemDataRole.AccessibleTextRole,
        Qt.ItemDataRole.EditRole,
        Qt.ItemDataRole.ToolTipRole,
        ID_ROLE,
    }
)
K = TypeVar("K", bound=HasId)


class RecordListModel(QAbstractListModel, Generic[R]):
    """Records kept in ``position`` order, updated one by one from the services' changes.

    Signals:
        text_edited: the user finished editing a row in place; carries its id and the new
            text. The model itself changes nothing: the owner saves through a service and
            the saved record comes back through :meth:`upsert`.
    """

    text_edited = Signal(object, str)

    def __init__(
        self,
        display: Callable[[R], str],
        edit_text: Callable[[R], str] | None = None,
        parent: QObject | None = None,
    ) -> None:
        """A list showing ``display(record)``, editable in place when ``edit_text`` is given."""
        super().__init__(parent)
        self._rows: list[R] = []
        self._display = display
        self._edit_text = edit_text

    # --- content ---------------------------------------------------------------------

    def set_records(self, records: Sequence[R]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self._rows = sorted(records, key=lambda r: r.position)
        self.endResetModel()

    def records(self) -> list[R]:
        """All rows, in display order."""
        return list(self._rows)

    def record(self, row: int) -> R | None:
        """The record on ``row``, or None outside the list."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, record_id: uuid.UUID) -> int:
        """The row of ``record_id``, or -1."""
        for row, r in enumerate(self._rows):
            if r.id == record_id:
                return row
        return -1

    def _insert_row(self, position: float) -> int:
        for row, r in enumerate(self._rows):
            if r.position > position:
                return row
        return len(self._rows)

    def upsert(self, record: R) -> int:
        """Add ``record`` or replace the row with its id, keeping the order; returns its row."""
        row = self.row_of(record.id)
        if row >= 0 and self._rows[row].position == record.position:
            self._rows[row] = record
            index = self.index(row, 0)
            self.dataChanged.emit(index, index)
            return row
        if row >= 0:
            self.remove(record.id)
        row = self._insert_row(record.position)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.insert(row, record)
        self.endInsertRows()
        # Rows below show their number: it changed for all of them.
        self._renumber(row + 1)
        return row

    def remove(self, record_id: uuid.UUID) -> bool:
        """Drop the row of ``record_id``; False if it was not shown."""
        row = self.row_of(record_id)
        if row < 0:
            return False
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        self.endRemoveRows()
        self._renumber(row)
        return True

    def _renumber(self, first: int) -> None:
        if first < len(self._rows):
            self.dataChanged.emit(
                self.index(first, 0),
                self.index(len(self._rows) - 1, 0),
                [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole],
            )

    # --- Qt's interface --------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Number of records (a list has no children)."""
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The row's text, its text to edit, and its id."""
        # Views ask for a dozen roles per row at each layout: the unused ones answer first.
        if role not in _LIST_ROLES:
            return None
        r = self.record(index.row())
        if r is None:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{index.row() + 1}. {self._display(r)}"
        if role == Qt.ItemDataRole.EditRole:
            return self._edit_text(r) if self._edit_text is not None else self._display(r)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._display(r)
        if role == ID_ROLE:
            return str(r.id)
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        """Selectable rows, editable in place when the model allows it."""
        base = super().flags(index)
        if index.isValid() and self._edit_text is not None:
            return base | Qt.ItemFlag.ItemIsEditable
        return base

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Pass an in-place edit on to the owner (see ``text_edited``)."""
        r = self.record(index.row()) if index.isValid() else None
        if r is None or role != Qt.ItemDataRole.EditRole or self._edit_text is None:
            return False
        text = str(value)
        if text.strip() and text != self._edit_text(r):
            self.text_edited.emit(r.id, text)
        return True


class TableColumn(Generic[K]):
    """One column of a :class:`RecordTableModel`: its title and how a record fills it."""

    def __init__(
        self,
        title: Callable[[], str],
        text: Callable[[K], str],
        *,
        editable: bool = False,
        align_right: bool = False,
        check: Callable[[K], bool] | None = None,
    ) -> None:
        """A column titled ``title()`` showing ``text(record)``."""
        self.title = title
        self.text = text
        self.editable = editable
        self.align_right = align_right
        self.check = check


class RecordTableModel(QAbstractTableModel, Generic[K]):
    """Records in a table, one per row, in the order given.

    Signals:
        cell_edited: the user edited a cell in place (or ticked a box); carries the
            record's id, the column and the new value. As with the list model, the owner
            saves it and the saved record comes back through :meth:`upsert`.
    """

    cell_edited = Signal(object, int, object)

    def __init__(
        self,
        columns: Sequence[TableColumn[K]],
        search_text: Callable[[K], str] | None = None,
        parent: QObject | None = None,
        *,
        order: Callable[[K], Any] | None = None,
        emphasis: Callable[[K], bool] | None = None,
    ) -> None:
        """A table of ``columns``, sorted by ``order`` if given, else in the order set.

        ``search_text`` feeds type-ahead filters (``SEARCH_ROLE``); rows for which
        ``emphasis`` is true are shown in bold.
        """
        super().__init__(parent)
        self._columns = list(columns)
        self._rows: list[K] = []
        self._search_text = search_text
        self._order = order
        self._emphasis = emphasis
        self._bold = QFont()
        self._bold.setBold(True)

    def set_records(self, records: Sequence[K]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self._rows = list(records) if self._order is None else sorted(records, key=self._order)
        self.endResetModel()

    def records(self) -> list[K]:
        """All rows, in display order."""
        return list(self._rows)

    def record(self, row: int) -> K | None:
        """The record on ``row``, or None outside the table."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, record_id: uuid.UUID) -> int:
        """The row of ``record_id``, or -1."""
        for row, r in enumerate(self._rows):
            if r.id == record_id:
                return row
        return -1

    def upsert(self, record: K) -> int:
        """Add ``record`` (at its place, or at the end) or replace its row; returns the row."""
        row = self.row_of(record.id)
        if row >= 0:
            self._rows[row] = record
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(self._columns) - 1))
            return row
        row = len(self._rows)
        if self._order is not None:
            key = self._order(record)
            row = next((i for i, r in enumerate(self._rows) if self._order(r) > key), row)
        self.beginInsertRows(QModelIndex(), row, row)
        self._rows.insert(row, record)
        self.endInsertRows()
        return row

    def remove(self, record_id: uuid.UUID) -> bool:
        """Drop the row of ``record_id``; False if it was not shown."""
        row = self.row_of(record_id)
        if row < 0:
            return False
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._rows[row]
        self.endRemoveRows()
        return True

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Number of records."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Number of columns."""
        return 0 if parent.isValid() else len(self._columns)

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        """Column titles."""
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self._columns)
        ):
            return self._columns[section].title()
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """A cell's text, check state, alignment; the row's id and search text."""
        if role not in _TABLE_ROLES:
            return None
        r = self.record(index.row())
        if r is None or not 0 <= index.column() < len(self._columns):
            return None
        col = self._columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return col.text(r)
        if role == Qt.ItemDataRole.ToolTipRole:
            return col.text(r) or None
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return f"{col.title()} : {col.text(r)}" if col.text(r) else col.title()
        if role == Qt.ItemDataRole.CheckStateRole and col.check is not None:
            return Qt.CheckState.Checked if col.check(r) else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.TextAlignmentRole and col.align_right:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == ID_ROLE:
            return str(r.id)
        if role == SEARCH_ROLE and self._search_text is not None:
            return self._search_text(r)
        if role == Qt.ItemDataRole.FontRole and self._emphasis is not None and self._emphasis(r):
            return self._bold
        return None

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        """Selectable rows; editable or checkable cells where the column says so."""
        base = super().flags(index)
        if not index.isValid() or not 0 <= index.column() < len(self._columns):
            return base
        col = self._columns[index.column()]
        if col.editable:
            base |= Qt.ItemFlag.ItemIsEditable
        if col.check is not None:
            base |= Qt.ItemFlag.ItemIsUserCheckable
        return base

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Pass an edit or a tick on to the owner (see ``cell_edited``)."""
        r = self.record(index.row()) if index.isValid() else None
        if r is None or not 0 <= index.column() < len(self._columns):
            return False
        col = self._columns[index.column()]
        if role == Qt.ItemDataRole.CheckStateRole and col.check is not None:
            checked = Qt.CheckState(value) == Qt.CheckState.Checked
            self.cell_edited.emit(r.id, index.column(), checked)
            return True
        if role == Qt.ItemDataRole.EditRole and col.editable:
            if str(value) != col.text(r):
                self.cell_edited.emit(r.id, index.column(), value)
            return True
        return False
