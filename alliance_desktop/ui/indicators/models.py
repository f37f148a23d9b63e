"""Qt models of the indicators dashboard: thin adapters over the service's plain records."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, Final, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractListModel,
    QAbstractTableModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor

from alliance_desktop.core.dates import long_date
from alliance_desktop.core.i18n import t
from alliance_desktop.core.labels import label, short_theme
from alliance_desktop.core.objectives import Status, status_label
from alliance_desktop.services.indicators import (
    IndicatorState,
    MeasurementInfo,
    MissingItem,
    MissingKind,
    ObjectiveState,
    StageState,
    ThemeOverview,
    format_number,
    format_quantity,
    stage_state_label,
)

# The import's row types only: the import module (and what it pulls in) loads with the
# import dialog, not with the dashboard.
if TYPE_CHECKING:
    from alliance_desktop.imports.measurements import AcceptedRow, RejectedRow

AnyIndex = QModelIndex | QPersistentModelIndex
R = TypeVar("R")

# The status of a row, for the chip delegate and for tests.
STATUS_ROLE: Final = Qt.ItemDataRole.UserRole + 1
# The id (as text) of the indicator a row is about, to select it from anywhere.
INDICATOR_ID_ROLE: Final = Qt.ItemDataRole.UserRole + 2

# Sober and still distinct when printed in grey; the same hues as the Word charts.
STATUS_COLOURS: Final = {
    Status.ON_TRACK: QColor(46, 107, 63),
    Status.OFF_TRACK: QColor(181, 84, 28),
    Status.NOT_MEASURABLE: QColor(110, 110, 110),
}
ILLUSTRATIVE_COLOUR: Final = QColor(176, 96, 0)
_STAGE_BACKGROUNDS: Final = {
    StageState.DONE: QColor(220, 237, 224),
    StageState.PLANNED: QColor(252, 236, 205),
    StageState.NOT_STARTED: QColor(240, 240, 240),
}
_STAGE_MARKS: Final = {StageState.DONE: "●", StageState.PLANNED: "◐", StageState.NOT_STARTED: "○"}
_RIGHT: Final = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class _RowsModel(QAbstractTableModel, Generic[R]):
    """A read-only table of plain records, one per row; subclasses say what a cell shows."""

    def __init__(self, parent: QObject | None = None) -> None:
        """Start empty; :meth:`set_rows` fills the model."""
        super().__init__(parent)
        self._rows: list[R] = []

    # Each table defines these two as methods: its column titles in the interface language,
    # and what one cell holds for a role (None: nothing). Declared, not defined here, as
    # Qt's metaclass rules out abc's abstract methods.
    headers: Callable[[], tuple[str, ...]]
    cell: Callable[[R, int, int], Any]

    def set_rows(self, rows: Sequence[R]) -> None:
        """Replace every row (a theme holds tens of rows: a reset is cheap)."""
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def record(self, row: int) -> R | None:
        """The record on ``row``, or None outside the table."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def records(self) -> list[R]:
        """All records, in display order."""
        return list(self._rows)

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Number of records (a table has no children)."""
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Number of columns."""
        return 0 if parent.isValid() else len(self.headers())

    def headerData(
        self,
        section: int,
        orientation: Qt.Orientation,
        role: int = Qt.ItemDataRole.DisplayRole,
    ) -> Any:
        """Column titles."""
        headers = self.headers()
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(headers)
        ):
            return headers[section]
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Delegate to :meth:`cell` for valid indexes."""
        if not index.isValid() or index.parent().isValid():
            return None
        record = self.record(index.row())
        if record is None or not 0 <= index.column() < len(self.headers()):
            return None
        if role == Qt.ItemDataRole.AccessibleTextRole:
            role = Qt.ItemDataRole.DisplayRole
        return self.cell(record, index.column(), role)


def _illustrative_brush() -> QBrush:
    return QBrush(ILLUSTRATIVE_COLOUR)


ILLUSTRATIVE_TIP: Final = (
    "Valeurs illustratives : données de démonstration, pas des chiffres officiels.",
    "Illustrative values: demonstration data, not official figures.",
)


class IndicatorListModel(_RowsModel[IndicatorState]):
    """The theme's catalogue: name, status chip, latest year with data."""

    NAME, STATUS, LATEST = range(3)

    def headers(self) -> tuple[str, ...]:
        """Indicateur, Statut, Données."""
        return (t("Indicateur", "Indicator"), t("Statut", "Status"), t("Données", "Data"))

    def row_of(self, indicator_id: uuid.UUID) -> int:
        """The row of an indicator, or -1."""
        return next((r for r, s in enumerate(self._rows) if s.info.id == indicator_id), -1)

    def cell(self, record: IndicatorState, column: int, role: int) -> Any:
        """Name; status words (painted as a chip); latest year, marked when illustrative."""
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.NAME:
                return record.info.name
            if column == self.STATUS:
                return status_label(record.status)
            latest = record.latest_year
            if latest is None:
                return t("aucune", "none")
            return f"{latest} ({t('illustr.', 'illustr.')})" if record.illustrative else str(latest)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.STATUS:
                return record.status_text()
            if column == self.LATEST and record.illustrative:
                return t(*ILLUSTRATIVE_TIP)
            return record.info.definition or record.info.name
        if role == Qt.ItemDataRole.ForegroundRole and column == self.LATEST:
            return _illustrative_brush() if record.illustrative else None
        if role == STATUS_ROLE:
            return record.status.value
        if role == INDICATOR_ID_ROLE:
            return str(record.info.id)
        return None


class ObjectiveTableModel(_RowsModel[ObjectiveState]):
    """The selected indicator's objectives: what, source, session, status."""

    OBJECTIVE, SOURCE, SESSION, STATUS = range(4)

    def __init__(self, parent: QObject | None = None) -> None:
        """Start empty; :meth:`set_objectives` fills the model."""
        super().__init__(parent)
        self._unit: str | None = None

    def set_objectives(self, states: Sequence[ObjectiveState], unit: str | None) -> None:
        """Show these objectives of an indicator measured in ``unit``."""
        self._unit = unit
        self.set_rows(states)

    def headers(self) -> tuple[str, ...]:
        """Objectif, Source, Adopté en séance, Statut."""
        return (
            t("Objectif", "Objective"),
            t("Source", "Source"),
            t("Adopté en séance", "Agreed in session"),
            t("Statut", "Status"),
        )

    def cell(self, record: ObjectiveState, column: int, role: int) -> Any:
        """The objective's words; the explanation of its status as tooltip."""
        o = record.objective
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.OBJECTIVE:
                return o.summary(self._unit)
            if column == self.SOURCE:
                return o.source or "—"
            if column == self.SESSION:
                return long_date(o.agreed_in.date) if o.agreed_in else "—"
            return status_label(record.status)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == self.SESSION and o.agreed_in is not None:
                return o.agreed_in.describe()
            if column == self.OBJECTIVE and o.wording:
                return f"{o.wording}\n\n{record.assessment.explanation}"
            return record.assessment.explanation
        if role == STATUS_ROLE:
            return record.status.value
        return None


class MeasurementTableModel(_RowsModel[MeasurementInfo]):
    """The values recorded for the selected indicator, newest year first."""

    YEAR, KEY, VALUE, SOURCE, NATURE = range(5)

    def __init__(self, parent: QObject | None = None) -> None:
        """Start empty; :meth:`set_measurements` fills the model."""
        super().__init__(parent)
        self._unit: str | None = None
        self._order: dict[str, int] = {}

    def set_measurements(
        self, values: Sequence[MeasurementInfo], unit: str | None, keys: Sequence[str]
    ) -> None:
        """Show these values, each year's keys in the indicator's order."""
        self._unit = unit
        order = {k: i for i, k in enumerate(keys)}
        self.set_rows(
            sorted(
                values,
                key=lambda m: (-m.year, order.get(m.breakdown_key, len(order)), m.breakdown_key),
            )
        )

    def headers(self) -> tuple[str, ...]:
        """Année, Ventilation, Valeur, Source, Nature."""
        return (
            t("Année", "Year"),
            t("Ventilation", "Breakdown"),
            t("Valeur", "Value"),
            t("Source", "Source"),
            t("Nature", "Kind"),
        )

    def cell(self, record: MeasurementInfo, column: int, role: int) -> Any:
        """French numbers, right-aligned; illustrative values marked in every column."""
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.YEAR:
                return str(record.year)
            if column == self.KEY:
                return record.breakdown_key or "—"
            if column == self.VALUE:
                return format_quantity(record.value, self._unit)
            if column == self.SOURCE:
                return record.source or "—"
            return (
                t("illustrative", "illustrative")
                if record.illustrative
                else t("mesure", "measured")
            )
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (self.YEAR, self.VALUE):
            return _RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and record.illustrative:
            return _illustrative_brush()
        if role == Qt.ItemDataRole.ToolTipRole and record.illustrative:
            return t(*ILLUSTRATIVE_TIP)
        return None


class MissingListModel(QAbstractListModel):
    """« Ce qui manque »: one gap a row, each knowing the indicator it is about."""

    def __init__(self, parent: QObject | None = None, *, show_theme: bool = False) -> None:
        """Start empty; :meth:`set_items` fills the model.

        Args:
            parent: the owner.
            show_theme: begin each line with its theme, for a list of every theme's gaps.
        """
        super().__init__(parent)
        self._items: list[MissingItem] = []
        self._show_theme = show_theme

    def set_items(self, items: Sequence[MissingItem]) -> None:
        """Replace every gap."""
        self.beginResetModel()
        self._items = list(items)
        self.endResetModel()

    def item(self, row: int) -> MissingItem | None:
        """The gap on ``row``, or None."""
        return self._items[row] if 0 <= row < len(self._items) else None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Number of gaps."""
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """The gap in words; the indicator's id."""
        item = self.item(index.row()) if index.isValid() and not index.parent().isValid() else None
        if item is None:
            return None
        if role in (
            Qt.ItemDataRole.DisplayRole,
            Qt.ItemDataRole.ToolTipRole,
            Qt.ItemDataRole.AccessibleTextRole,
        ):
            if self._show_theme and item.kind is not MissingKind.THEME_WITHOUT_INDICATORS:
                return f"{short_theme(item.theme)} — {item.text}"
            return item.text
        if role == INDICATOR_ID_ROLE:
            return str(item.indicator_id) if item.indicator_id else None
        return None


class StageTableModel(_RowsModel[ThemeOverview]):
    """The theme × stage table, with each theme's indicators counted by status."""

    THEME, ACCULTURATION, OBJECTIVES, LEVERS, INDICATORS, ON, OFF, NOT_MEASURABLE = range(8)
    _STATUS_OF_COLUMN: Final = {
        5: Status.ON_TRACK,
        6: Status.OFF_TRACK,
        7: Status.NOT_MEASURABLE,
    }

    def headers(self) -> tuple[str, ...]:
        """Thématique, the three stages, then the counts."""
        return (
            t("Thématique", "Theme"),
            t("Acculturation", "Shared understanding"),
            t("Objectifs & indicateurs", "Objectives & indicators"),
            t("Leviers d'action", "Action levers"),
            t("Indicateurs", "Indicators"),
            status_label(Status.ON_TRACK),
            status_label(Status.OFF_TRACK),
            status_label(Status.NOT_MEASURABLE),
        )

    def cell(self, record: ThemeOverview, column: int, role: int) -> Any:
        """Stage cells say done, planned or not started, with the session's date."""
        stage = record.stages[column - 1] if 1 <= column <= 3 else None
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.THEME:
                return short_theme(record.theme)
            if stage is not None:
                text = f"{_STAGE_MARKS[stage.state]} {stage_state_label(stage.state)}"
                if stage.meeting is not None:
                    text += f" · {long_date(stage.meeting.date)}"
                return text
            if column == self.INDICATORS:
                return str(record.indicators)
            return str(record.count(self._STATUS_OF_COLUMN[column]))
        if role == Qt.ItemDataRole.ToolTipRole:
            if stage is not None and stage.meeting is not None:
                return stage.meeting.describe()
            if column == self.THEME:
                return label(record.theme)
            return None
        if role == Qt.ItemDataRole.BackgroundRole and stage is not None:
            return QBrush(_STAGE_BACKGROUNDS[stage.state])
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= self.INDICATORS:
            return _RIGHT
        return None


class AcceptedRowsModel(_RowsModel["AcceptedRow"]):
    """The import preview: each accepted row and what importing will do with it."""

    LINE, INDICATOR, YEAR, KEY, VALUE, ACTION = range(6)

    def headers(self) -> tuple[str, ...]:
        """Ligne, Indicateur, Année, Ventilation, Valeur, Effet."""
        return (
            t("Ligne", "Line"),
            t("Indicateur", "Indicator"),
            t("Année", "Year"),
            t("Ventilation", "Breakdown"),
            t("Valeur", "Value"),
            t("Effet", "Effect"),
        )

    def cell(self, record: AcceptedRow, column: int, role: int) -> Any:
        """The row as read, and « nouvelle », « remplace 4 800 » or « identique »."""
        if role == Qt.ItemDataRole.DisplayRole:
            if column == self.LINE:
                return str(record.line)
            if column == self.INDICATOR:
                return record.indicator
            if column == self.YEAR:
                return str(record.year)
            if column == self.KEY:
                return record.breakdown_key or "—"
            if column == self.VALUE:
                return format_number(record.value)
            if record.action == "new":
                return t("nouvelle", "new")
            if record.action == "unchanged":
                return t("identique", "unchanged")
            old = format_number(record.previous) if record.previous is not None else "?"
            return t(f"remplace {old}", f"replaces {old}")
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (
            self.LINE,
            self.YEAR,
            self.VALUE,
        ):
            return _RIGHT
        return None


class RejectedRowsModel(_RowsModel["RejectedRow"]):
    """Every rejected row of a file, with its reason."""

    LINE, REASON = range(2)

    def headers(self) -> tuple[str, ...]:
        """Ligne, Raison."""
        return (t("Ligne", "Line"), t("Raison du refus", "Why it was rejected"))

    def cell(self, record: RejectedRow, column: int, role: int) -> Any:
        """The line number and the reason in full (tooltip too: reasons can be long)."""
        if role == Qt.ItemDataRole.DisplayRole:
            return str(record.line) if column == self.LINE else record.reason
        if role == Qt.ItemDataRole.ToolTipRole and column == self.REASON:
            return record.reason
        if role == Qt.ItemDataRole.TextAlignmentRole and column == self.LINE:
            return _RIGHT
        return None
