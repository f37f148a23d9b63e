"""Pieces the members' screens share: a background job, record tables, search fields, messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from PySide6.QtCore import QEvent, QObject, Qt, QThreadPool
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QMessageBox,
    QTableView,
    QWidget,
)

from alliance_desktop import APP_NAME
from alliance_desktop.core.i18n import t
from alliance_desktop.ui.members.models import RecordsModel, SearchProxy

R = TypeVar("R")


_POOL: list[QThreadPool] = []


def pool() -> QThreadPool:
    """The members' screens' own worker thread.

    Not Qt's global pool: a job there can wait behind another screen's long job (a
    report, a sync), and reads and writes of the directory are better one at a time.
    """
    if not _POOL:
        p = QThreadPool()
        p.setMaxThreadCount(1)
        _POOL.append(p)
    return _POOL[0]


def records_table(
    parent: QWidget, name: str, accessible: str, model: RecordsModel[R], *, stretch: int = -1
) -> tuple[QTableView, SearchProxy]:
    """A sortable table of ``model``'s records, rows selected whole, keyboard first."""
    proxy = SearchProxy(parent)
    proxy.setSourceModel(model)
    view = QTableView(parent)
    view.setObjectName(name)
    view.setAccessibleName(accessible)
    view.setModel(proxy)
    view.setSortingEnabled(True)
    view.sortByColumn(-1, Qt.SortOrder.AscendingOrder)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    # Tab leaves the table for the next field instead of walking its cells.
    view.setTabKeyNavigation(False)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setStretchLastSection(stretch < 0)
    # Wide enough for an address or a function, never so wide that a pasted paragraph
    # pushes the other columns out of sight.
    header.setMaximumSectionSize(420)
    if stretch >= 0:
        filler = FillColumn(view, stretch)
        model.modelReset.connect(filler.fit_contents)
        filler.fit_contents()
    else:
        model.modelReset.connect(view.resizeColumnsToContents)
        view.resizeColumnsToContents()
    return view, proxy


class FillColumn(QObject):
    """Gives one column of a table the width its neighbours leave, never less than its text.

    Qt's stretched column takes only what is left, and when the others' texts fill the
    table it shrank to « Direction … ». This one is sized to its content like the others,
    or at least :attr:`FLOOR` pixels when the others leave less, and widened to fill the
    table when there is room; a text cut short shows whole in its tooltip.
    """

    FLOOR = 180

    def __init__(self, view: QTableView, column: int) -> None:
        """Size ``column`` of ``view`` now and whenever the table is resized."""
        super().__init__(view)
        self._view = view
        self._column = column
        self._content = 0
        self._viewport = view.viewport()
        self._viewport.installEventFilter(self)

    def fit_contents(self) -> None:
        """Every column to its content (after new rows), then the room left to the column."""
        self._view.resizeColumnsToContents()
        self._content = self._view.horizontalHeader().sectionSize(self._column)
        self.fit()

    def fit(self) -> None:
        """Widen the column to the table's width if the others leave room."""
        header = self._view.horizontalHeader()
        others = sum(
            header.sectionSize(c)
            for c in range(header.count())
            if c != self._column and not header.isSectionHidden(c)
        )
        room = self._view.viewport().width() - others
        header.resizeSection(self._column, max(min(self._content, max(room, self.FLOOR)), room))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Follow the table's width."""
        # The event's type first: while the table is destroyed, its viewport still gets
        # events, and the table must not be touched then.
        if event.type() == QEvent.Type.Resize and watched is self._viewport:
            self.fit()
        return super().eventFilter(watched, event)


def selected_records(view: QTableView, model: RecordsModel[R]) -> list[R]:
    """The records of the rows selected in ``view`` (through its proxy), in view order."""
    proxy = view.model()
    assert isinstance(proxy, SearchProxy)
    rows = sorted({i.row() for i in view.selectionModel().selectedRows()})
    return [model.record(proxy.mapToSource(proxy.index(r, 0)).row()) for r in rows]


def current_record(view: QTableView, model: RecordsModel[R]) -> R | None:
    """The record of the current row, if any."""
    index = view.currentIndex()
    if not index.isValid():
        return None
    proxy = view.model()
    assert isinstance(proxy, SearchProxy)
    return model.record(proxy.mapToSource(index).row())


def search_field(
    parent: QWidget, placeholder: str, on_change: Callable[[str], object]
) -> QLineEdit:
    """A search field that filters as one types (Échap clears it)."""
    edit = QLineEdit(parent)
    edit.setPlaceholderText(placeholder)
    edit.setAccessibleName(t("Rechercher", "Search"))
    edit.setClearButtonEnabled(True)
    edit.textChanged.connect(on_change)
    return edit


def warn(parent: QWidget | None, message: str) -> None:
    """Tell the user, in one sentence, why something was refused."""
    QMessageBox.warning(parent, APP_NAME, message)


def ask(parent: QWidget | None, title: str, message: str, yes: str) -> bool:
    """A yes/no question whose safe answer (No) is the default."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(title)
    box.setText(message)
    confirm = box.addButton(yes, QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(t("Annuler", "Cancel"), QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.exec()
    return box.clickedButton() is confirm
