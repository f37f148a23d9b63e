"""Small widgets of the indicators dashboard: status chips and the illustrative badge."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFontMetrics, QPainter
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from alliance_desktop.core.i18n import t
from alliance_desktop.core.objectives import Status
from alliance_desktop.ui.indicators.models import ILLUSTRATIVE_TIP, STATUS_COLOURS, STATUS_ROLE


class StatusChipDelegate(QStyledItemDelegate):
    """Paints a cell's status (« en bonne voie », « en retard »…) as a coloured chip."""

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> None:
        """The selection background, then the chip centred vertically."""
        code = index.data(STATUS_ROLE)
        if code is None:
            super().paint(painter, option, index)
            return
        style = option.widget.style() if option.widget is not None else QApplication.style()
        # The selection and focus frame as for any cell, with no text of its own.
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, option.widget)
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        metrics = QFontMetrics(option.font)
        width = min(metrics.horizontalAdvance(text) + 16, option.rect.width() - 6)
        height = min(metrics.height() + 4, option.rect.height() - 4)
        rect = QRectF(
            option.rect.x() + 3,
            option.rect.y() + (option.rect.height() - height) / 2,
            width,
            height,
        )
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(STATUS_COLOURS[Status(code)])
        painter.drawRoundedRect(rect, height / 2, height / 2)
        painter.setPen(QColor("white"))
        elided = metrics.elidedText(text, Qt.TextElideMode.ElideRight, int(width) - 12)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, elided)
        painter.restore()

    def sizeHint(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> QSize:
        """Room for the words and the chip's rounded ends."""
        hint = super().sizeHint(option, index)
        return QSize(hint.width() + 16, max(hint.height(), QFontMetrics(option.font).height() + 8))


class IllustrativeBadge(QLabel):
    """« valeurs illustratives », white on orange: the demo's figures are not official."""

    def __init__(self, parent: QWidget | None = None) -> None:
        """A badge, hidden until :meth:`setVisible` shows it."""
        super().__init__(t("valeurs illustratives", "illustrative values"), parent)
        self.setObjectName("illustrativeBadge")
        self.setToolTip(t(*ILLUSTRATIVE_TIP))
        self.setAccessibleName(t(*ILLUSTRATIVE_TIP))
        self.setStyleSheet(
            "QLabel#illustrativeBadge { background: #b06000; color: white; font-weight: bold;"
            " border-radius: 8px; padding: 1px 8px; }"
        )
        self.hide()
