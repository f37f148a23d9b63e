"""Read-only view of one session's content."""

from __future__ import annotations

from PySide6.QtWidgets import QTextBrowser, QWidget

from alliance_desktop.core.i18n import t
from alliance_desktop.services.meetings import MeetingDetail
from alliance_desktop.ui.meeting_html import STYLE_SHEET, meeting_html, message_html


class MeetingView(QTextBrowser):
    """Shows a session's title, attendance, board, objectives, levers, notes and harvest."""

    def __init__(self, parent: QWidget | None = None) -> None:
        """An empty, read-only page."""
        super().__init__(parent)
        self.setObjectName("meetingView")
        self.setAccessibleName(t("Contenu de la séance", "Session content"))
        self.setReadOnly(True)
        # The page holds user text only; nothing in it should be followed as a link.
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self.document().setDefaultStyleSheet(STYLE_SHEET)
        self.document().setDocumentMargin(12)
        self.detail: MeetingDetail | None = None

    def show_meeting(self, detail: MeetingDetail) -> None:
        """Display ``detail`` from its top."""
        self.detail = detail
        self.setHtml(meeting_html(detail))
        self.setAccessibleDescription(detail.summary.title)
        self.verticalScrollBar().setValue(0)

    def show_message(self, text: str) -> None:
        """Display a short message instead of a session."""
        self.detail = None
        self.setHtml(message_html(text))
        self.setAccessibleDescription(text)
