"""The sharing part of the status bar: last sync, changes to publish, conflicts to review."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QToolButton, QWidget

from alliance_desktop.core.i18n import t
from alliance_desktop.ui.sharing import wording

if TYPE_CHECKING:
    from alliance_desktop.services.sharing import SharingStatus

Now = Callable[[], dt.datetime]


def utc_now() -> dt.datetime:
    """The current time in naive UTC, as the change log keeps times."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class SyncStatusWidget(QWidget):
    """« Synchronisé il y a 3 min · 4 modifications à publier · 1 conflit à revoir ».

    The age of the last sync is worded again every 20 seconds from the time already
    known, without reading the database; the counts change when the controller reads
    the status again (on the worker thread).

    Signals:
        conflicts_clicked: the conflicts' link was clicked.
        setup_clicked: « Non partagé » was clicked (to choose the shared folder).
    """

    conflicts_clicked = Signal()
    setup_clicked = Signal()

    def __init__(self, parent: QWidget | None = None, *, now: Now | None = None) -> None:
        """An empty widget, filled by :meth:`show_status`."""
        super().__init__(parent)
        self.setObjectName("sharing-status")
        self._now = now or utc_now
        self._status: SharingStatus | None = None
        self._busy = ""
        self._problem = ""

        self.sync_label = QLabel(self)
        self.sync_label.setObjectName("sharing-status-sync")
        self.setup_button = QToolButton(self)
        self.setup_button.setObjectName("sharing-status-setup")
        self.setup_button.setAutoRaise(True)
        self.setup_button.setText(t("Non partagé", "Not shared"))
        self.setup_button.setToolTip(
            t(
                "Partage › Dossier partagé… pour partager la base avec les autres animateurs",
                "Sharing › Shared folder… to share the database with the other facilitators",
            )
        )
        self.setup_button.clicked.connect(self.setup_clicked)
        self.pending_separator = QLabel("·", self)
        self.pending_label = QLabel(self)
        self.pending_label.setObjectName("sharing-status-pending")
        self.conflicts_separator = QLabel("·", self)
        self.conflicts_button = QToolButton(self)
        self.conflicts_button.setObjectName("sharing-status-conflicts")
        self.conflicts_button.setAutoRaise(True)
        self.conflicts_button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.conflicts_button.setToolTip(
            t("Examiner les conflits (Partage › Conflits…)", "Review the conflicts")
        )
        # Red and underlined: a decision is awaited, and the text is a link.
        self.conflicts_button.setStyleSheet(
            "QToolButton { color: #b3261e; text-decoration: underline; }"
        )
        self.conflicts_button.clicked.connect(self.conflicts_clicked)

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 8, 0)
        layout.setSpacing(6)
        for widget in (
            self.sync_label,
            self.setup_button,
            self.pending_separator,
            self.pending_label,
            self.conflicts_separator,
            self.conflicts_button,
        ):
            layout.addWidget(widget)

        self.timer = QTimer(self)
        self.timer.setInterval(20_000)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        self.refresh()

    @property
    def status(self) -> SharingStatus | None:
        """The status shown."""
        return self._status

    def show_status(self, status: SharingStatus | None) -> None:
        """Show ``status`` (None: not known yet)."""
        self._status = status
        self.refresh()

    def set_busy(self, text: str) -> None:
        """Say what runs now (« Synchronisation… »), or nothing with an empty text."""
        self._busy = text
        self.refresh()

    def set_problem(self, text: str) -> None:
        """Say why the last automatic sync did not run, until the next one does."""
        self._problem = text
        self.refresh()

    def refresh(self) -> None:
        """Word the status again (the age of the last sync goes on)."""
        status = self._status
        shared = status is not None and status.workspace_id is not None
        self.setup_button.setVisible(status is not None and not shared)
        self.sync_label.setVisible(bool(self._busy) or shared)
        if self._busy:
            self.sync_label.setText(self._busy)
            self.sync_label.setToolTip("")
        elif self._problem:
            self.sync_label.setText(t("Dossier partagé injoignable", "Shared folder unreachable"))
            self.sync_label.setToolTip(self._problem)
        elif status is not None:
            self.sync_label.setText(wording.last_sync(status.last_sync_at, self._now()))
            self.sync_label.setToolTip(
                wording.when_utc(status.last_sync_at)
                if status.last_sync_at is not None
                else (status.shared_dir or "")
            )
        pending = status.unpublished if shared and status is not None else 0
        self.pending_label.setText(wording.unpublished(pending))
        self.pending_label.setVisible(shared)
        self.pending_separator.setVisible(shared)
        waiting = status.open_conflicts if status is not None else 0
        self.conflicts_button.setText(wording.conflicts(waiting))
        self.conflicts_button.setVisible(waiting > 0)
        self.conflicts_separator.setVisible(waiting > 0 and shared)
        self.setAccessibleName(self.summary())

    def summary(self) -> str:
        """Everything the widget says, as one line (for screen readers and tests)."""
        parts = [
            w.text()
            for w in (self.sync_label, self.setup_button, self.pending_label, self.conflicts_button)
            if not w.isHidden()
        ]
        return " · ".join(parts)
