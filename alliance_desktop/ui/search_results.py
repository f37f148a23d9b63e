"""The results of a search from the main window: their model, and the list that paints them."""

# Imported on the first search, not at start-up: painting rich text brings in QPainter,
# QTextDocument and QStyle, whose Python enumerations alone take some 20 ms to create.

from __future__ import annotations

import html
from typing import Any, Final

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
)
from PySide6.QtGui import QAbstractTextDocumentLayout, QFontMetrics, QPainter, QTextDocument
from PySide6.QtWidgets import (
    QApplication,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from alliance_desktop.core.dates import short_date
from alliance_desktop.core.i18n import language, t
from alliance_desktop.core.labels import label
from alliance_desktop.services.search import HARVEST, LEVER, NOTE, POINT, SearchResult
from alliance_desktop.ui.search_panel import snippet_html

AnyIndex = QModelIndex | QPersistentModelIndex

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


def results_view(model: SearchResultModel, parent: QWidget) -> QListView:
    """The list of results, each painted on three lines by :class:`RichTextDelegate`."""
    view = QListView(parent)
    view.setObjectName("searchResults")
    view.setAccessibleName(t("Résultats de la recherche", "Search results"))
    view.setModel(model)
    view.setItemDelegate(RichTextDelegate(view))
    view.setWordWrap(True)
    view.setUniformItemSizes(True)
    view.setResizeMode(QListView.ResizeMode.Adjust)
    view.setAlternatingRowColors(True)
    return view
