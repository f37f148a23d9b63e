"""The sharing screens' one Qt model: rows of text prepared beforehand, with a payload each."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex


class TextTableModel(QAbstractTableModel):
    """A table of ready-made cells: the report's counts, conflicts, history, backups.

    The screens turn their plain data into text before handing it over, so ``data()``
    only reads a list. Numbers are aligned right; each row may carry a tooltip and a
    payload (the record the row stands for), read back with :meth:`payload`.
    """

    def __init__(self, headers: Sequence[str], parent: Any = None) -> None:
        """An empty table with these column titles."""
        super().__init__(parent)
        self._headers = list(headers)
        self._rows: list[list[str | int]] = []
        self._tips: list[str] = []
        self._payloads: list[object] = []

    def set_rows(
        self,
        rows: Sequence[Sequence[str | int]],
        *,
        tips: Sequence[str] | None = None,
        payloads: Sequence[object] | None = None,
    ) -> None:
        """Show ``rows`` instead of the previous ones."""
        width = len(self._headers)
        self.beginResetModel()
        self._rows = [[*row[:width], *([""] * (width - len(row)))] for row in rows]
        self._tips = list(tips) if tips is not None else []
        self._payloads = list(payloads) if payloads is not None else []
        self.endResetModel()

    def payload(self, row: int) -> object:
        """What row ``row`` stands for, or None."""
        if 0 <= row < len(self._payloads):
            return self._payloads[row]
        return None

    def cell(self, row: int, column: int) -> str:
        """The text of one cell (for tests and for copying)."""
        return str(self._rows[row][column])

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Rows of the table (none under a row: the table is flat)."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        """Columns of the table."""
        return 0 if parent.isValid() else len(self._headers)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The cell's text, its alignment, or the row's tooltip."""
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        value = self._rows[index.row()][index.column()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return str(value)
        if role == Qt.ItemDataRole.TextAlignmentRole and isinstance(value, int):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole and index.row() < len(self._tips):
            return self._tips[index.row()] or None
        return None

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        """Column titles; rows have none."""
        if (
            role == Qt.ItemDataRole.DisplayRole
            and orientation == Qt.Orientation.Horizontal
            and 0 <= section < len(self._headers)
        ):
            return self._headers[section]
        return None
