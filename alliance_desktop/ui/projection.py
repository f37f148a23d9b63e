"""The projection view: the board in large type on a second screen, updated as points come."""

from __future__ import annotations

import html
import uuid
from typing import Final

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeyEvent, QResizeEvent, QScreen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QTextBrowser, QVBoxLayout, QWidget

from alliance_desktop.core import enums as e
from alliance_desktop.core.i18n import t
from alliance_desktop.core.labels import label
from alliance_desktop.services.workshop import ClockAlert, PointData
from alliance_desktop.ui.board import COLUMN_COLOURS, COLUMNS

# How long a point just typed stays highlighted, so that the room sees what is new.
HIGHLIGHT_MS: Final = 5000
_HIGHLIGHT: Final = "#fff2a8"
_ALERTS: Final = {
    ClockAlert.NONE: "#1c1c1c",
    ClockAlert.END_SOON: "#8a5a00",
    ClockAlert.LATE_SOON: "#8a5a00",
    ClockAlert.OVERRUN: "#a3240f",
}


def column_html(
    points: list[PointData], highlight: uuid.UUID | None, draft: str, colour: str
) -> str:
    """One column's points as HTML, the newest highlighted, the point being typed last."""
    rows = []
    for n, p in enumerate(points, start=1):
        background = _HIGHLIGHT if p.id == highlight else "transparent"
        rows.append(
            f'<p style="background-color: {background}; color: {colour}; '
            f'margin-bottom: 10px;">{n}. {_esc(p.text)}</p>'
        )
    if draft.strip():
        rows.append(f'<p style="color: #6b6b6b;"><i>✎ {_esc(draft)}</i></p>')
    return "".join(rows)


def _esc(text: str) -> str:
    return html.escape(text).replace("\n", "<br/>")


class ProjectionWindow(QWidget):
    """The board for the room: title and clock on top, the three columns below.

    Shows nothing personal (no attendance, no signed notes) and cannot be edited.
    Escape or F5 closes it.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        """An empty board in its own top-level window."""
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("projectionWindow")
        self.setWindowTitle(t("Projection — Alliance", "Projection — Alliance"))
        self.setAccessibleName(t("Vue de projection", "Projection view"))
        self.setStyleSheet("QWidget#projectionWindow { background: #ffffff; }")
        # The facilitator's hands stay on the laptop: showing the room's view must not
        # take the keyboard away from the board.
        self.setAttribute(Qt.WidgetAttribute.WA_ShowWithoutActivating)
        self._points: list[PointData] = []
        self._highlight: uuid.UUID | None = None
        self._drafts: dict[e.PointKind, str] = dict.fromkeys(COLUMNS, "")
        self.title = QLabel(self)
        self.title.setObjectName("projectionTitle")
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setWordWrap(True)
        self.subtitle = QLabel(self)
        self.subtitle.setObjectName("projectionSubtitle")
        self.subtitle.setTextFormat(Qt.TextFormat.PlainText)
        self.subtitle.setStyleSheet("color: #555555;")
        self.clock = QLabel(self)
        self.clock.setObjectName("projectionClock")
        self.clock.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.headers: dict[e.PointKind, QLabel] = {}
        self.columns: dict[e.PointKind, QTextBrowser] = {}
        heading = QVBoxLayout()
        heading.setSpacing(2)
        heading.addWidget(self.title)
        heading.addWidget(self.subtitle)
        top = QHBoxLayout()
        top.addLayout(heading, 1)
        top.addWidget(self.clock, 0, Qt.AlignmentFlag.AlignTop)
        board = QHBoxLayout()
        board.setSpacing(16)
        for kind in COLUMNS:
            background, foreground = COLUMN_COLOURS[kind]
            header = QLabel(label(kind), self)
            header.setStyleSheet(
                f"background: {background}; color: {foreground}; padding: 6px 10px; "
                "border-radius: 6px; font-weight: bold;"
            )
            browser = QTextBrowser(self)
            browser.setObjectName(f"projection_{kind.value}")
            browser.setAccessibleName(label(kind))
            browser.setOpenLinks(False)
            browser.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            browser.setStyleSheet(f"QTextBrowser {{ border: 3px solid {background}; }}")
            column = QVBoxLayout()
            column.addWidget(header)
            column.addWidget(browser, 1)
            board.addLayout(column, 1)
            self.headers[kind] = header
            self.columns[kind] = browser
        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 16, 24, 16)
        layout.addLayout(top)
        layout.addLayout(board, 1)
        self.highlight_timer = QTimer(self)
        self.highlight_timer.setSingleShot(True)
        self.highlight_timer.setInterval(HIGHLIGHT_MS)
        self.highlight_timer.timeout.connect(self._clear_highlight)
        self.resize(1280, 720)
        self._scale_fonts()

    # --- content ---------------------------------------------------------------------

    def set_title(self, title: str, subtitle: str) -> None:
        """The session's title, and below it its date and theme."""
        self.title.setText(title)
        self.subtitle.setText(subtitle)

    def set_clock(self, text: str, alert: ClockAlert) -> None:
        """The clock, coloured as the facilitator's (orange soon, red past the time)."""
        self.clock.setText(text)
        self.clock.setStyleSheet(f"color: {_ALERTS[alert]};")

    def show_board(self, points: list[PointData], added: uuid.UUID | None) -> None:
        """Show ``points``; ``added`` (a point just typed) is highlighted for a few seconds."""
        self._points = points
        if added is not None:
            self._highlight = added
            self.highlight_timer.start()
            self._drafts = dict.fromkeys(COLUMNS, "")
        self._render()

    def set_draft(self, kind: e.PointKind, text: str) -> None:
        """Show the point being typed in column ``kind`` as it is typed."""
        self._drafts[kind] = text
        self._render(kind)

    def highlighted(self) -> uuid.UUID | None:
        """The point highlighted now, if any."""
        return self._highlight

    def column_text(self, kind: e.PointKind) -> str:
        """What column ``kind`` shows, as plain text."""
        return self.columns[kind].toPlainText()

    def _clear_highlight(self) -> None:
        self._highlight = None
        self._render()

    def _render(self, only: e.PointKind | None = None) -> None:
        for kind in COLUMNS if only is None else (only,):
            points = [p for p in self._points if p.kind == kind]
            browser = self.columns[kind]
            browser.setHtml(
                column_html(points, self._highlight, self._drafts[kind], COLUMN_COLOURS[kind][1])
            )
            self.headers[kind].setText(f"{label(kind)} · {len(points)}")
            # The newest point is at the bottom: keep it in sight.
            bar = browser.verticalScrollBar()
            bar.setValue(bar.maximum())

    # --- window ----------------------------------------------------------------------

    def place(self, avoid: QScreen | None) -> None:
        """Full screen on another screen than ``avoid`` (the laptop's) if there is one."""
        others = [s for s in QGuiApplication.screens() if s is not avoid]
        if others:
            screen = others[0]
            self.setScreen(screen)
            self.setGeometry(screen.geometry())
            self.showFullScreen()
        else:
            # A single screen: a window the facilitator can drag to the projector.
            self.showNormal()

    def _scale_fonts(self) -> None:
        # Type sized to the window: readable from the back of a room of 100 people.
        height = max(self.height(), 400)
        text_px = max(height // 28, 16)
        for browser in self.columns.values():
            font = browser.font()
            font.setPixelSize(text_px)
            browser.setFont(font)
            browser.document().setDefaultFont(font)
        for header in self.headers.values():
            font = header.font()
            font.setPixelSize(int(text_px * 1.1))
            header.setFont(font)
        title_font = self.title.font()
        title_font.setPixelSize(int(text_px * 1.2))
        title_font.setBold(True)
        self.title.setFont(title_font)
        subtitle_font = self.subtitle.font()
        subtitle_font.setPixelSize(int(text_px * 0.8))
        self.subtitle.setFont(subtitle_font)
        clock_font = self.clock.font()
        clock_font.setPixelSize(int(text_px * 1.2))
        clock_font.setBold(True)
        self.clock.setFont(clock_font)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Scale the type with the window."""
        super().resizeEvent(event)
        self._scale_fonts()
        self._render()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Escape or F5 closes the projection."""
        if event.key() in (Qt.Key.Key_Escape, Qt.Key.Key_F5):
            self.close()
            event.accept()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Stop the highlight timer with the window."""
        self.highlight_timer.stop()
        super().closeEvent(event)
