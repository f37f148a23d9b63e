"""Qt models: thin adapters that show the services' plain dataclasses in Qt views."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any, Final

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QFont

from alliance_desktop.core import enums as e
from alliance_desktop.core.dates import long_date
from alliance_desktop.core.i18n import t
from alliance_desktop.core.labels import label
from alliance_desktop.services.meetings import MeetingSummary
from alliance_desktop.ui.meeting_html import meeting_name

AnyIndex = QModelIndex | QPersistentModelIndex

# The id of the session on a row, for views and tests that need to find it again.
MEETING_ID_ROLE: Final = Qt.ItemDataRole.UserRole + 1

_DISPLAY: Final = int(Qt.ItemDataRole.DisplayRole)
_TOOLTIP: Final = int(Qt.ItemDataRole.ToolTipRole)
_ACCESSIBLE: Final = int(Qt.ItemDataRole.AccessibleTextRole)
_FONT: Final = int(Qt.ItemDataRole.FontRole)
_ALIGNMENT: Final = int(Qt.ItemDataRole.TextAlignmentRole)
# The view asks every cell for about ten roles at each layout and paint (some 5,000 calls
# before the first paint): those the list does not answer are turned away first.
_ROLES: Final = frozenset({_DISPLAY, _TOOLTIP, _ACCESSIBLE, _FONT, _ALIGNMENT, MEETING_ID_ROLE})
_RIGHT: Final = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class MeetingListModel(QAbstractTableModel):
    """The list of sessions: date, name, stage and number of people present, one per row."""

    DATE, NAME, STAGE, PRESENT = range(4)

    def __init__(self, parent: QObject | None = None) -> None:
        """Start empty; :meth:`set_meetings` fills the model."""
        super().__init__(parent)
        self._rows: list[MeetingSummary] = []
        self._bold = QFont()
        self._bold.setBold(True)

    def set_meetings(self, meetings: Sequence[MeetingSummary]) -> None:
        """Replace every row (the list is a few dozen sessions a year: a reset is cheap)."""
        self.beginResetModel()
        self._rows = list(meetings)
        self.endResetModel()

    def meeting(self, row: int) -> MeetingSummary | None:
        """The session on ``row``, or None outside the list."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_of(self, meeting_id: uuid.UUID) -> int:
        """The row holding the session ``meeting_id``, or -1."""
        for row, m in enumerate(self._rows):
            if m.id == meeting_id:
                return row
        return -1

    def meetings(self) -> list[MeetingSummary]:
        """All rows, in display order."""
        return list(self._rows)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Number of sessions (a table model has no children)."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Date, name, stage, present."""
        return 0 if parent.isValid() else 4

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        """Column titles."""
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < 4:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                t("Date", "Date"),
                t("Séance", "Session"),
                t("Étape", "Stage"),
                t("Présents", "Present"),
            )[section]
        if role == Qt.ItemDataRole.ToolTipRole and section == self.PRESENT:
            return t("Nombre de personnes présentes", "Number of people present")
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Text, tooltip, font and alignment of one cell."""
        if role not in _ROLES or not index.isValid():
            return None
        m = self.meeting(index.row())
        if m is None:
            return None
        col = index.column()
        if role == _DISPLAY:
            return self._display(m, col)
        if role == _TOOLTIP:
            return self._tooltip(m)
        if role == _ACCESSIBLE:
            # A screen reader reads one cell at a time: give the count its meaning.
            if col == self.PRESENT:
                return t(f"{m.present} présents", f"{m.present} present")
            return self._display(m, col)
        if role == _FONT:
            return self._bold if m.status == e.SessionStatus.RUNNING else None
        if role == _ALIGNMENT:
            return _RIGHT if col == self.PRESENT else None
        return str(m.id)  # MEETING_ID_ROLE

    def _display(self, m: MeetingSummary, col: int) -> str:
        if col == self.DATE:
            return long_date(m.date)
        if col == self.NAME:
            name = meeting_name(m)
            if m.status == e.SessionStatus.RUNNING:
                return f"{name} ({label(m.status)})"
            return name
        if col == self.STAGE:
            return label(m.stage) if m.stage is not None else ""
        return str(m.present)

    def _tooltip(self, m: MeetingSummary) -> str:
        parts = [m.title or meeting_name(m), long_date(m.date)]
        if m.status != e.SessionStatus.CLOSED:
            parts.append(label(m.status))
        return " · ".join(parts)
