"""Qt models of the members' screens: thin adapters over the services' plain records.

Each table is a list of records and a list of columns; a column says what a record
shows in it (text, sort key, alignment). No SQL and no rule here: the services have
computed everything before the model sees it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Final, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from alliance_desktop.core.i18n import language, t
from alliance_desktop.core.labels import label, short_theme
from alliance_desktop.core.pseudonyms import fold

AnyIndex = QModelIndex | QPersistentModelIndex
R = TypeVar("R")

# The record behind a row, for the screens (whatever the sorting).
RECORD_ROLE: Final = Qt.ItemDataRole.UserRole + 1
# What a column sorts by (dates as dates, rates as numbers, names without accents).
SORT_ROLE: Final = Qt.ItemDataRole.UserRole + 2
_RIGHT: Final = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_GREY: Final = QColor(120, 120, 120)
WARNING_BACKGROUND: Final = QColor(252, 236, 205)
GOOD_BACKGROUND: Final = QColor(220, 237, 224)


def day(value: dt.date | None) -> str:
    """A date as French users write it (« 29/05/2024 »), ISO in English; "" for none."""
    if value is None:
        return ""
    return value.strftime("%d/%m/%Y") if language() == "fr" else value.isoformat()


def yes_no(value: bool) -> str:
    """« oui » or « non »."""
    return t("oui", "yes") if value else t("non", "no")


def percent(value: float | None) -> str:
    """« 75 % », or a dash when there is nothing to divide by."""
    if value is None:
        return "—"
    return t(f"{round(value * 100)} %", f"{round(value * 100)}%")


@dataclass(frozen=True)
class Column(Generic[R]):
    """One column: its title, what a record shows in it, and how it sorts and aligns."""

    title: str
    text: Callable[[R], str]
    sort: Callable[[R], Any] | None = None
    numeric: bool = False
    tooltip: Callable[[R], str | None] | None = None
    background: Callable[[R], QColor | None] | None = None


class RecordsModel(QAbstractTableModel, Generic[R]):
    """A read-only table of plain records with the given columns.

    A column may be made checkable (:meth:`set_checkable`): its check states are kept
    by row, for a screen where the facilitator unticks what must not be done.
    """

    def __init__(self, columns: Sequence[Column[R]], parent: QObject | None = None) -> None:
        """An empty table with ``columns``; :meth:`set_records` fills it."""
        super().__init__(parent)
        self._columns = list(columns)
        self._rows: list[R] = []
        self._checkable: int | None = None
        self._checked: list[bool] = []

    # --- filling ----------------------------------------------------------------------

    def set_records(self, records: Sequence[R], *, checked: bool = True) -> None:
        """Show ``records`` (every box ticked, or none, when a column is checkable)."""
        self.beginResetModel()
        self._rows = list(records)
        self._checked = [checked] * len(self._rows)
        self.endResetModel()

    def set_checkable(self, column: int) -> None:
        """Give ``column`` a check box per row."""
        self._checkable = column

    def records(self) -> list[R]:
        """The records, in model order."""
        return list(self._rows)

    def record(self, row: int) -> R:
        """The record of ``row``."""
        return self._rows[row]

    def checked_records(self) -> list[R]:
        """The records whose box is ticked."""
        return [r for r, c in zip(self._rows, self._checked, strict=True) if c]

    def replace_record(self, row: int, record: R) -> None:
        """Show ``record`` instead of the one at ``row`` (after an edit)."""
        self._rows[row] = record
        self.dataChanged.emit(self.index(row, 0), self.index(row, self.columnCount() - 1))

    # --- Qt's interface -----------------------------------------------------------------

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """How many records (none under a row: this is a flat table)."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """How many columns."""
        return 0 if parent.isValid() else len(self._columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles; rows are numbered."""
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self._columns[section].title if 0 <= section < len(self._columns) else None
        return str(section + 1)

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        """Selectable; the checkable column can be ticked."""
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        base = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == self._checkable:
            base |= Qt.ItemFlag.ItemIsUserCheckable
        return base

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """What a cell shows for ``role``."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        record = self._rows[index.row()]
        column = self._columns[index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return column.text(record)
        if role == SORT_ROLE:
            return column.sort(record) if column.sort is not None else fold(column.text(record))
        if role == RECORD_ROLE:
            return record
        if role == Qt.ItemDataRole.TextAlignmentRole and column.numeric:
            return _RIGHT
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(record)
        if role == Qt.ItemDataRole.BackgroundRole and column.background is not None:
            colour = column.background(record)
            return QBrush(colour) if colour is not None else None
        if role == Qt.ItemDataRole.CheckStateRole and index.column() == self._checkable:
            return Qt.CheckState.Checked if self._checked[index.row()] else Qt.CheckState.Unchecked
        return None

    def setData(self, index: AnyIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:
        """Tick or untick a row of the checkable column."""
        if (
            role != Qt.ItemDataRole.CheckStateRole
            or not index.isValid()
            or index.column() != self._checkable
        ):
            return False
        state = Qt.CheckState(value) if isinstance(value, int) else value
        self._checked[index.row()] = state == Qt.CheckState.Checked
        self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])
        return True


class SearchProxy(QSortFilterProxyModel):
    """Sorts by :data:`SORT_ROLE` and keeps the rows whose text holds every word typed.

    Case and accents are ignored, as in the directory's own search.
    """

    def __init__(self, parent: QObject | None = None) -> None:
        """A proxy with no filter yet."""
        super().__init__(parent)
        self._words: list[str] = []
        self.setSortRole(SORT_ROLE)
        self.setDynamicSortFilter(True)

    def set_query(self, query: str) -> None:
        """Keep only the rows matching ``query`` (every word, anywhere in the row)."""
        self.beginFilterChange()
        self._words = fold(query).split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        """Whether every word typed appears in one of the row's cells."""
        if not self._words:
            return True
        model = self.sourceModel()
        text = " ".join(
            str(model.index(source_row, c, source_parent).data() or "")
            for c in range(model.columnCount(source_parent))
        )
        hay = fold(text)
        return all(w in hay for w in self._words)

    def lessThan(self, left: AnyIndex, right: AnyIndex) -> bool:
        """Compare sort keys; None sorts first, mixed types by their text."""
        a, b = left.data(SORT_ROLE), right.data(SORT_ROLE)
        if a is None or b is None:
            return a is None and b is not None
        try:
            return bool(a < b)
        except TypeError:
            return str(a) < str(b)


def theme_text(theme: Any) -> str:
    """A theme's short name, or « général » when there is none."""
    return short_theme(theme) if theme is not None else t("général", "general")


def kind_text(kind: Any) -> str:
    """A kind of organisation as users say it."""
    return label(kind)


GREY: Final = _GREY
