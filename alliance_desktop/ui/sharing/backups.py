"""« Sauvegardes… »: the backups kept (recent, daily, weekly, monthly), one taken now, a restore."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelection, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from alliance_desktop.core.i18n import t
from alliance_desktop.ui.sharing import wording
from alliance_desktop.ui.sharing.dialogs import table_view
from alliance_desktop.ui.sharing.models import TextTableModel

if TYPE_CHECKING:
    from alliance_desktop.storage.sync_backups import BackupInfo

Now = Callable[[], dt.datetime]


class BackupsDialog(QDialog):
    """The backups of the open database, newest first, and what can be done with them.

    Signals:
        backup_requested: « Sauvegarder maintenant » was clicked.
        restore_requested: a restore was confirmed; carries the backup (a BackupInfo).
    """

    backup_requested = Signal()
    restore_requested = Signal(object)

    def __init__(
        self, db_path: Path, folder: Path, parent: QWidget | None = None, *, now: Now | None = None
    ) -> None:
        """An empty list for the database ``db_path``, whose backups go to ``folder``."""
        super().__init__(parent)
        self.setObjectName("sharing-backups")
        self.setWindowTitle(t("Sauvegardes", "Backups"))
        self.resize(820, 520)
        self.db_path = db_path
        self.folder = folder
        self._now = now or dt.datetime.now
        self._busy = False
        self.backups: tuple[BackupInfo, ...] = ()

        self.intro = QLabel(self)
        self.intro.setObjectName("sharing-backups-intro")
        self.intro.setWordWrap(True)
        self.model = TextTableModel(
            [
                t("Prise le", "Taken on"),
                t("Motif", "Reason"),
                t("Gardée comme", "Kept as"),
                t("Taille", "Size"),
            ],
            self,
        )
        self.view = table_view(self.model, self, "sharing-backups-list", stretch=1)
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.view.doubleClicked.connect(lambda _index: self.restore())
        self.state = QLabel(self)
        self.state.setObjectName("sharing-backups-state")
        self.state.setWordWrap(True)

        self.backup_button = QPushButton(t("&Sauvegarder maintenant", "&Back up now"), self)
        self.backup_button.clicked.connect(self._backup)
        self.restore_button = QPushButton(t("&Restaurer…", "&Restore…"), self)
        self.restore_button.clicked.connect(self.restore)
        self.folder_button = QPushButton(t("Ouvrir le &dossier", "Open the &folder"), self)
        self.folder_button.clicked.connect(self.open_folder)
        close = QPushButton(t("Fermer", "Close"), self)
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.backup_button)
        buttons.addWidget(self.restore_button)
        buttons.addWidget(self.folder_button)
        buttons.addStretch(1)
        buttons.addWidget(close)

        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.state)
        layout.addLayout(buttons)
        self._update()

    def set_backups(self, backups: Sequence[BackupInfo]) -> None:
        """List ``backups`` (newest first)."""
        self.backups = tuple(backups)
        now = self._now()
        self.model.set_rows(
            [
                [
                    wording.when(b.taken_at),
                    wording.backup_reason(b.reason),
                    wording.backup_kind(i, b.taken_at, now),
                    wording.size_text(b.size),
                ]
                for i, b in enumerate(self.backups)
            ],
            tips=[str(b.path) for b in self.backups],
            payloads=list(self.backups),
        )
        self.intro.setText(
            t(
                f"Sauvegardes de « {self.db_path.name} », vérifiées, dans « {self.folder} ». "
                "Une est prise chaque jour, et avant chaque fusion, mise à jour ou "
                "restauration ; les plus anciennes s'espacent : les dix dernières, puis une "
                "par jour pendant deux semaines, une par semaine pendant deux mois, une par "
                "mois pendant un an.",
                f"Verified backups of “{self.db_path.name}”, in “{self.folder}”. One is "
                "taken every day, and before every merge, upgrade or restore; older ones "
                "thin out: the last ten, then one a day for two weeks, one a week for two "
                "months, one a month for a year.",
            )
        )
        if self.backups:
            self.view.selectRow(0)
        self._update()

    def set_busy(self, text: str) -> None:
        """Say what runs (« Sauvegarde… »); an empty text when it is over."""
        self._busy = bool(text)
        self.state.setText(text)
        self._update()

    def current(self) -> BackupInfo | None:
        """The backup selected."""
        from alliance_desktop.storage.sync_backups import BackupInfo

        rows = self.view.selectionModel().selectedRows()
        if not rows:
            return None
        found = self.model.payload(rows[0].row())
        return found if isinstance(found, BackupInfo) else None

    def _selection_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        self._update()

    def _update(self) -> None:
        self.backup_button.setEnabled(not self._busy)
        self.restore_button.setEnabled(not self._busy and self.current() is not None)

    def _backup(self) -> None:
        if not self._busy:
            self.backup_requested.emit()

    def restore(self) -> None:
        """« Restaurer… »: confirm, then ask for the selected backup to be put back."""
        chosen = self.current()
        if chosen is None or self._busy:
            return
        answer = QMessageBox.question(
            self,
            t("Restaurer une sauvegarde", "Restore a backup"),
            t(
                f"Remplacer la base par la sauvegarde du {wording.when(chosen.taken_at)} ?\n\n"
                "L'état actuel est d'abord sauvegardé. Ce qui a été publié dans le dossier "
                "partagé depuis reviendra à la prochaine synchronisation ; le reste se "
                "retrouve dans la sauvegarde « Avant une restauration ».",
                f"Replace the database with the backup of {wording.when(chosen.taken_at)}?\n\n"
                "The current state is backed up first. What was published to the shared "
                "folder since comes back at the next sync; the rest is in the “Before a "
                "restore” backup.",
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.restore_requested.emit(chosen)

    def open_folder(self) -> bool:
        """Show the backups' folder in the file manager."""
        return QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.folder)))
