"""Search across every session from the main window; results open the session at the item."""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Final

from PySide6.QtCore import QModelIndex, Qt, QTimer, Signal
from PySide6.QtWidgets import QLabel, QLineEdit, QVBoxLayout, QWidget

from alliance_desktop.core.i18n import language, t
from alliance_desktop.ui.tasks import Worker

if TYPE_CHECKING:
    from PySide6.QtGui import QKeyEvent
    from PySide6.QtWidgets import QListView

    from alliance_desktop.storage.database import Database
    from alliance_desktop.ui.search_results import SearchResultModel

# Typing pauses this long before the search starts: one query per word, not per letter.
SEARCH_DELAY_MS: Final = 200


def snippet_html(snippet: str) -> str:
    """The snippet with the matched words in bold, everything else escaped."""
    parts = re.split(r"(\[[^\]]*\])", snippet)
    out = []
    for part in parts:
        if part.startswith("[") and part.endswith("]"):
            out.append(f"<b>{html.escape(part[1:-1])}</b>")
        else:
            out.append(html.escape(part))
    return "".join(out)


class SearchLine(QLineEdit):
    """The search field: ↓ goes to the results, Escape empties it.

    Signals:
        down: ↓ was pressed.
    """

    down = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """↓ to the results; Escape clears the search."""
        if event.key() == Qt.Key.Key_Down:
            self.down.emit()
            event.accept()
            return
        if event.key() == Qt.Key.Key_Escape and self.text():
            self.clear()
            event.accept()
            return
        super().keyPressEvent(event)


class SearchPanel(QWidget):
    """The search field and its results; searching runs on a worker thread.

    Signals:
        activated: a result was chosen (Enter or double click); carries the SearchResult.
        active_changed: results are shown (True) or the field was emptied (False).
    """

    activated = Signal(object)
    active_changed = Signal(bool)

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        """An empty search on ``db``."""
        super().__init__(parent)
        self.setObjectName("searchPanel")
        self._db = db
        self.line = SearchLine(self)
        self.line.setObjectName("searchLine")
        self.line.setPlaceholderText(
            t("Rechercher dans toutes les séances… (Ctrl+F)", "Search every session… (Ctrl+F)")
        )
        self.line.setAccessibleName(t("Rechercher", "Search"))
        self.line.setClearButtonEnabled(True)
        self.status = QLabel(self)
        self.status.setObjectName("searchStatus")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.line)
        layout.addWidget(self.status)
        self.status.hide()
        # The results' list is made on the first search (see search_results.py).
        self._model: SearchResultModel | None = None
        self._view: QListView | None = None

        self.worker = Worker(self)
        self.worker.done.connect(self._found)
        self.worker.failed.connect(self._failed)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(SEARCH_DELAY_MS)
        self._timer.timeout.connect(self.search_now)
        self.line.textChanged.connect(self._typed)
        self.line.returnPressed.connect(self._enter)
        self.line.down.connect(self._to_results)

    @property
    def model(self) -> SearchResultModel:
        """The results of the last search (made with the list on first use)."""
        if self._model is None:
            self._make_results()
        assert self._model is not None
        return self._model

    @property
    def view(self) -> QListView:
        """The list of results, under the field (made on first use)."""
        if self._view is None:
            self._make_results()
        assert self._view is not None
        return self._view

    def _make_results(self) -> None:
        from alliance_desktop.ui.search_results import SearchResultModel, results_view

        self._model = SearchResultModel(self)
        self._view = results_view(self._model, self)
        self._view.hide()
        self._view.activated.connect(self._activated)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.addWidget(self._view, 1)

    def set_database(self, db: Database) -> None:
        """Search another database (the window opened one); the results are dropped."""
        self.worker.wait()
        self._db = db
        self.line.clear()

    def is_active(self) -> bool:
        """Whether a search is shown (the field is not empty)."""
        return bool(self.line.text().strip())

    def focus(self) -> None:
        """Ctrl+F: the cursor in the field, its text selected to be typed over."""
        self.line.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.line.selectAll()

    def _typed(self, text: str) -> None:
        active = bool(text.strip())
        if active or self._view is not None:
            self.view.setVisible(active)
        self.status.setVisible(active)
        if active:
            self.status.setText(t("Recherche…", "Searching…"))
            self._timer.start()
        else:
            self._timer.stop()
            if self._model is not None:
                self._model.set_results([])
        self.active_changed.emit(active)

    def search_now(self) -> None:
        """Start searching what the field holds (on the worker thread)."""
        from alliance_desktop.services.search import search_all

        self._timer.stop()
        query, db = self.line.text(), self._db
        self.worker.run(lambda: search_all(db, query))

    def _found(self, ticket: int, results: object) -> None:
        if ticket != self.worker.latest or not self.is_active():
            return  # a newer search is on its way, or the field was emptied
        assert isinstance(results, list)
        self.model.set_results(results)
        n = len(results)
        if n == 0:
            self.status.setText(t("Aucun résultat", "No result"))
        elif language() == "fr":
            self.status.setText(f"{n} résultat{'s' if n > 1 else ''}")
        else:
            self.status.setText(f"{n} result{'s' if n > 1 else ''}")
        if n and not self.view.currentIndex().isValid():
            self.view.setCurrentIndex(self.model.index(0, 0))

    def _failed(self, ticket: int, message: str) -> None:
        if ticket == self.worker.latest:
            self.status.setText(message)

    def _enter(self) -> None:
        if self._timer.isActive() or self._model is None:
            return  # the results are not there yet: Enter would open a stale one
        result = self.model.result(max(self.view.currentIndex().row(), 0))
        if result is not None:
            self.activated.emit(result)

    def _to_results(self) -> None:
        if self._model is not None and self._model.rowCount():
            self.view.setFocus(Qt.FocusReason.OtherFocusReason)
            if not self.view.currentIndex().isValid():
                self.view.setCurrentIndex(self.model.index(0, 0))

    def _activated(self, index: QModelIndex) -> None:
        result = self.model.result(index.row())
        if result is not None:
            self.activated.emit(result)
