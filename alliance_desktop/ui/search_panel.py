"""Search across every session from the main window; results open the session at the item."""

from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING, Any, Final

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QFontMetrics,
    QKeyEvent,
    QPainter,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QLineEdit,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from alliance_desktop.core.dates import short_date
from alliance_desktop.core.i18n import language, t
from alliance_desktop.core.labels import label
from alliance_desktop.services.search import HARVEST, LEVER, NOTE, POINT, SearchResult, search_all
from alliance_desktop.ui.tasks import Worker

if TYPE_CHECKING:
    from alliance_desktop.storage.database import Database

AnyIndex = QModelIndex | QPersistentModelIndex

# Typing pauses this long before the search starts: one query per word, not per letter.
SEARCH_DELAY_MS: Final = 200
HTML_ROLE: Final = Qt.ItemDataRole.UserRole + 3

_KIND_NAMES: Final = {
    NOTE: ("Note d'écoute", "Listening note"),
    LEVER: ("Levier", "Lever"),
    HARVEST: ("Récolte", "Harvest"),
}


def kind_name(result: SearchResult) -> str:
    """The kind of item found: « Consensus », « Note d'écoute », « Levier »."""
    if result.kind == POINT and result.point_kind is not None:
        return label(result.point_kind)
    fr, en = _KIND_NAMES.get(result.kind, ("", ""))
    return t(fr, en)


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


class SearchResultModel(QAbstractListModel):
    """The results of the last search, best first."""

    def __init__(self, parent: QObject | None = None) -> None:
        """No results."""
        super().__init__(parent)
        self._rows: list[SearchResult] = []

    def set_results(self, results: list[SearchResult]) -> None:
        """Replace every row."""
        self.beginResetModel()
        self._rows = list(results)
        self.endResetModel()

    def result(self, row: int) -> SearchResult | None:
        """The result on ``row``, or None."""
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: B008
        """Number of results."""
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Plain text for screen readers and tests, rich text for the delegate."""
        r = self.result(index.row()) if index.isValid() else None
        if r is None:
            return None
        head = f"{short_date(r.meeting_date)} {r.meeting_date.year} · {r.meeting_title}"
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            text = r.snippet.replace("[", "").replace("]", "")
            return (
                f"{head} — {kind_name(r)} : {text}"
                if language() == "fr"
                else (f"{head} — {kind_name(r)}: {text}")
            )
        if role == HTML_ROLE:
            return (
                f"<span style='color:#555'>{html.escape(head)} — {html.escape(kind_name(r))}"
                f"</span><br/>{snippet_html(r.snippet)}"
            )
        if role == Qt.ItemDataRole.ToolTipRole:
            return r.meeting_title
        return None


class RichTextDelegate(QStyledItemDelegate):
    """Paints a row's ``HTML_ROLE`` text (two lines: where, then the words found)."""

    def _document(self, option: QStyleOptionViewItem, index: AnyIndex) -> QTextDocument:
        doc = QTextDocument()
        doc.setDefaultFont(option.font)
        doc.setHtml(str(index.data(HTML_ROLE) or ""))
        doc.setTextWidth(max(option.rect.width() - 8, 50))
        return doc

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: AnyIndex) -> None:
        """The selection background, then the rich text."""
        self.initStyleOption(option, index)
        style = option.widget.style() if option.widget else QApplication.style()
        text_option = QStyleOptionViewItem(option)
        text_option.text = ""
        style.drawControl(
            QStyle.ControlElement.CE_ItemViewItem, text_option, painter, option.widget
        )
        doc = self._document(option, index)
        context = QAbstractTextDocumentLayout.PaintContext()
        if option.state & QStyle.StateFlag.State_Selected:
            context.palette.setColor(
                context.palette.ColorRole.Text,
                option.palette.highlightedText().color(),
            )
        painter.save()
        rect = option.rect
        painter.translate(rect.left() + 4, rect.top() + 2)
        painter.setClipRect(QRectF(0, 0, rect.width() - 4, rect.height()))
        doc.documentLayout().draw(painter, context)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: AnyIndex) -> QSize:
        """Three lines (where, then the words found), whatever the row.

        The same for every row: the list then measures one row, not two hundred
        documents, and shows its results at once.
        """
        lines = QFontMetrics(option.font).lineSpacing()
        return QSize(max(option.rect.width(), 100), 3 * lines + 8)


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
        self.model = SearchResultModel(self)
        self.view = QListView(self)
        self.view.setObjectName("searchResults")
        self.view.setAccessibleName(t("Résultats de la recherche", "Search results"))
        self.view.setModel(self.model)
        self.view.setItemDelegate(RichTextDelegate(self.view))
        self.view.setWordWrap(True)
        self.view.setUniformItemSizes(True)
        self.view.setResizeMode(QListView.ResizeMode.Adjust)
        self.view.setAlternatingRowColors(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.line)
        layout.addWidget(self.status)
        layout.addWidget(self.view, 1)
        self.status.hide()
        self.view.hide()

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
        self.view.activated.connect(self._activated)

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
        self.view.setVisible(active)
        self.status.setVisible(active)
        if active:
            self.status.setText(t("Recherche…", "Searching…"))
            self._timer.start()
        else:
            self._timer.stop()
            self.model.set_results([])
        self.active_changed.emit(active)

    def search_now(self) -> None:
        """Start searching what the field holds (on the worker thread)."""
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
        if self._timer.isActive():
            return  # the results are not there yet: Enter would open a stale one
        result = self.model.result(max(self.view.currentIndex().row(), 0))
        if result is not None:
            self.activated.emit(result)

    def _to_results(self) -> None:
        if self.model.rowCount():
            self.view.setFocus(Qt.FocusReason.OtherFocusReason)
            if not self.view.currentIndex().isValid():
                self.view.setCurrentIndex(self.model.index(0, 0))

    def _activated(self, index: QModelIndex) -> None:
        result = self.model.result(index.row())
        if result is not None:
            self.activated.emit(result)
