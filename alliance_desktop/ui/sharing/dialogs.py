"""The shared folder dialog and the report shown after a sync or a merged file."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from alliance_desktop.core.i18n import t
from alliance_desktop.ui.sharing import wording
from alliance_desktop.ui.sharing.models import TextTableModel

if TYPE_CHECKING:
    from alliance_desktop.services.sharing import SharingStatus, SyncReport


def _bold(label: QLabel, scale: float = 1.0) -> QLabel:
    font = label.font()
    font.setBold(True)
    if scale != 1.0:
        font.setPointSizeF(font.pointSizeF() * scale)
    label.setFont(font)
    return label


def _wrapped(text: str, parent: QWidget) -> QLabel:
    label = QLabel(text, parent)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def table_view(
    model: TextTableModel, parent: QWidget, name: str, stretch: int | None = None
) -> QTableView:
    """A read-only table of whole rows; column ``stretch`` (else the last) takes the room."""
    view = QTableView(parent)
    view.setObjectName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.verticalHeader().setVisible(False)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    if stretch is None:
        header.setStretchLastSection(True)
    else:
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    return view


class FolderDialog(QDialog):
    """« Dossier partagé… »: the folder shared with the other facilitators, and one's name.

    Signals:
        none: the caller reads :meth:`folder` and :meth:`author` once it is accepted.
    """

    def __init__(
        self,
        folder: str,
        author: str,
        status: SharingStatus | None,
        parent: QWidget | None = None,
    ) -> None:
        """The dialog, filled with the folder and name known so far."""
        super().__init__(parent)
        self.setObjectName("sharing-folder")
        self.setWindowTitle(t("Dossier partagé", "Shared folder"))
        self.setMinimumWidth(620)

        intro = _wrapped(
            t(
                "Choisissez un dossier que OneDrive, Nextcloud, Dropbox, un partage réseau "
                "ou une clé USB garde en commun entre les animateurs. Sur le premier "
                "ordinateur, un dossier vide : l'espace partagé y est créé. Sur les autres, "
                "le même dossier : la base le rejoint et reçoit tout. La base de travail "
                "reste sur cet ordinateur ; le dossier ne reçoit que des copies.",
                "Choose a folder that OneDrive, Nextcloud, Dropbox, a network share or a USB "
                "stick keeps in common between the facilitators. On the first laptop, an "
                "empty folder: the shared workspace is created there. On the others, the "
                "same folder: the database joins it and receives everything. The working "
                "database stays on this laptop; the folder only receives copies.",
            ),
            self,
        )
        if status is not None and status.workspace_id is not None:
            state = t(
                f"Cette base est partagée ; dernier dossier utilisé : « {status.shared_dir} ».",
                f"This database is shared; last folder used: “{status.shared_dir}”.",
            )
        else:
            state = t("Cette base n'est pas encore partagée.", "This database is not shared yet.")
        self.state_label = _wrapped(state, self)
        self.state_label.setObjectName("sharing-folder-state")

        self.folder_edit = QLineEdit(folder, self)
        self.folder_edit.setObjectName("sharing-folder-path")
        self.folder_edit.setMinimumWidth(380)
        self.browse_button = QPushButton(t("&Parcourir…", "&Browse…"), self)
        self.browse_button.clicked.connect(self.browse)
        row = QHBoxLayout()
        row.addWidget(self.folder_edit, 1)
        row.addWidget(self.browse_button)
        self.author_edit = QLineEdit(author, self)
        self.author_edit.setObjectName("sharing-folder-author")
        self.author_edit.setPlaceholderText(t("Prénom Nom", "First name Last name"))
        self.author_edit.setToolTip(
            t(
                "Les autres animateurs voient ce nom sur vos modifications.",
                "The other facilitators see this name on your changes.",
            )
        )
        form = QFormLayout()
        folder_label = QLabel(t("&Dossier partagé :", "Shared &folder:"), self)
        folder_label.setBuddy(self.folder_edit)
        author_label = QLabel(t("Votre &nom :", "Your &name:"), self)
        author_label.setBuddy(self.author_edit)
        form.addRow(folder_label, row)
        form.addRow(author_label, self.author_edit)

        self.error_label = QLabel(self)
        self.error_label.setObjectName("sharing-folder-error")
        self.error_label.setStyleSheet("color: #b3261e;")
        self.error_label.setWordWrap(True)
        self.error_label.hide()

        self.buttons = QDialogButtonBox(self)
        self.ok_button = self.buttons.addButton(
            t("&Synchroniser", "&Synchronise"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.state_label)
        layout.addLayout(form)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        (self.author_edit if folder and not author else self.folder_edit).setFocus()

    def browse(self) -> None:
        """Choose the folder with the system's dialog."""
        chosen = QFileDialog.getExistingDirectory(
            self, t("Dossier partagé", "Shared folder"), self.folder_edit.text()
        )
        if chosen:
            self.folder_edit.setText(str(Path(chosen)))

    def folder(self) -> Path | None:
        """The folder typed or chosen, if any."""
        text = self.folder_edit.text().strip()
        return Path(text) if text else None

    def author(self) -> str:
        """The name typed."""
        return " ".join(self.author_edit.text().split())

    def accept(self) -> None:
        """Close only with a folder and a name."""
        if self.folder() is None:
            self._error(t("Choisissez le dossier partagé.", "Choose the shared folder."))
            self.folder_edit.setFocus()
            return
        if not self.author():
            self._error(
                t(
                    "Indiquez votre nom : les autres animateurs le voient sur vos modifications.",
                    "Give your name: the other facilitators see it on your changes.",
                )
            )
            self.author_edit.setFocus()
            return
        super().accept()

    def _error(self, text: str) -> None:
        self.error_label.setText(text)
        self.error_label.show()


def facilitator_rows(report: SyncReport) -> list[list[str | int]]:
    """One row per facilitator whose changes arrived: who, added, changed, deleted, conflicts."""
    rows: list[list[str | int]] = []
    for fc in report.facilitators:
        who = fc.author or fc.device_name or fc.device_id[:8]
        if fc.device_name and fc.author and fc.device_name != fc.author:
            who = f"{fc.author} ({fc.device_name})"
        rows.append([who, fc.added, fc.changed, fc.deleted, fc.conflicts])
    return rows


class ReportDialog(QDialog):
    """What a sync or a merged file did, per facilitator, and what was left aside.

    Signals:
        review_requested: « Examiner les conflits… » was clicked.
    """

    review_requested = Signal()

    def __init__(
        self, report: SyncReport, *, compacted: bool = False, parent: QWidget | None = None
    ) -> None:
        """The report of ``report`` (``compacted``: an erasure arrived and was applied)."""
        super().__init__(parent)
        self.setObjectName("sharing-report")
        self.report = report
        merged = report.action == "merged"
        self.setWindowTitle(
            t("Fusion d'un fichier", "Merging a file")
            if merged
            else t("Synchronisation", "Synchronisation")
        )
        self.setMinimumWidth(640)
        self.heading = _bold(QLabel(report.lines()[0], self), 1.15)
        self.heading.setObjectName("sharing-report-heading")
        parts = []
        if not merged:
            parts.append(
                t("Envoyé : ", "Sent: ")
                + wording.count(
                    report.published, ("modification", "modifications"), ("change", "changes")
                )
            )
        parts.append(
            t("Reçu : ", "Received: ")
            + wording.count(len(report.merged_files), ("fichier", "fichiers"), ("file", "files"))
        )
        self.summary = QLabel(" · ".join(parts), self)
        self.summary.setObjectName("sharing-report-summary")

        self.facilitators = TextTableModel(
            [
                t("Animateur", "Facilitator"),
                t("Ajouts", "Added"),
                t("Modifications", "Changed"),
                t("Suppressions", "Deleted"),
                t("Conflits", "Conflicts"),
            ],
            self,
        )
        self.facilitators.set_rows(facilitator_rows(report))
        self.facilitators_view = table_view(
            self.facilitators, self, "sharing-report-facilitators", stretch=0
        )
        self.facilitators_view.setVisible(bool(report.facilitators))
        self.nothing_label = QLabel(
            t("Rien de nouveau des autres animateurs.", "Nothing new from the other facilitators."),
            self,
        )
        self.nothing_label.setVisible(not report.facilitators)

        self.conflicts_label = _bold(QLabel(wording.conflicts(report.open_conflicts), self))
        self.conflicts_label.setObjectName("sharing-report-conflicts")
        self.conflicts_label.setStyleSheet("color: #b3261e;")
        self.review_button = QPushButton(
            t("&Examiner les conflits…", "&Review the conflicts…"), self
        )
        self.review_button.clicked.connect(self.review_requested)
        self.review_button.clicked.connect(self.accept)
        conflicts_row = QHBoxLayout()
        conflicts_row.addWidget(self.conflicts_label)
        conflicts_row.addStretch(1)
        conflicts_row.addWidget(self.review_button)
        has_conflicts = report.open_conflicts > 0
        self.conflicts_label.setVisible(has_conflicts)
        self.review_button.setVisible(has_conflicts)

        notes: list[str] = []
        if report.waiting:
            notes.append(
                t(
                    f"{report.waiting} fiche(s) attendent une autre fiche pas encore reçue "
                    "(encore en cours de synchronisation) : elles apparaîtront avec elle.",
                    f"{report.waiting} record(s) wait for another not received yet (still "
                    "syncing): they will appear with it.",
                )
            )
        if compacted:
            notes.append(
                t(
                    "L'effacement d'une personne (RGPD) est arrivé : il a été appliqué et la "
                    "base compactée.",
                    "A person's erasure (GDPR) arrived: it was applied and the database compacted.",
                )
            )
        if report.backup is not None:
            notes.append(
                t(
                    f"Sauvegarde prise avant la fusion : {report.backup.name} "
                    "(Partage › Sauvegardes…).",
                    f"Backup taken before merging: {report.backup.name} (Sharing › Backups…).",
                )
            )
        self.notes_label = _wrapped("\n".join(notes), self)
        self.notes_label.setObjectName("sharing-report-notes")
        if report.backup is not None:
            self.notes_label.setToolTip(str(report.backup))
        self.notes_label.setVisible(bool(notes))

        self.set_aside = TextTableModel([t("Fichier", "File"), t("Raison", "Reason")], self)
        self.set_aside.set_rows(
            [[s.name, s.reason] for s in report.set_aside],
            tips=[s.reason for s in report.set_aside],
        )
        self.set_aside_box = self._box(
            t("Fichiers mis de côté", "Files set aside"),
            t(
                "Ces fichiers n'ont pas été fusionnés ; la base n'en a rien reçu. Ceux qui "
                "sont encore en cours de copie seront repris à la prochaine synchronisation.",
                "These files were not merged; the database received nothing from them. Those "
                "still being copied will be tried again at the next sync.",
            ),
            self.set_aside,
            "sharing-report-set-aside",
            len(report.set_aside),
        )
        self.foreign = TextTableModel([t("Fichier", "File"), t("Nature", "Kind")], self)
        self.foreign.set_rows(
            [[f.name, wording.foreign_kind(f.kind, f.client)] for f in report.foreign]
        )
        self.foreign_box = self._box(
            t("Fichiers étrangers", "Foreign files"),
            t(
                "Laissés en place : Alliance Desktop ne supprime jamais un fichier qu'il n'a "
                "pas écrit. Une copie de conflit d'un client de synchronisation peut être "
                "fusionnée avec Partage › Fusionner un fichier….",
                "Left in place: Alliance Desktop never deletes a file it did not write. A "
                "sync client's conflict copy can be merged with Sharing › Merge a file….",
            ),
            self.foreign,
            "sharing-report-foreign",
            len(report.foreign),
        )

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        self.copy_button = buttons.addButton(
            t("&Copier le rapport", "&Copy the report"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.copy_button.clicked.connect(self.copy)
        buttons.rejected.connect(self.reject)
        close = buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setText(t("Fermer", "Close"))

        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.summary)
        layout.addWidget(self.facilitators_view)
        layout.addWidget(self.nothing_label)
        layout.addLayout(conflicts_row)
        layout.addWidget(self.set_aside_box)
        layout.addWidget(self.foreign_box)
        layout.addWidget(self.notes_label)
        layout.addWidget(buttons)
        self._fit_tables()
        (self.review_button if has_conflicts else close).setFocus()

    def sizeHint(self) -> QSize:
        """As tall as its wrapped sentences need at the dialog's width, no taller.

        Qt sizes a window from its contents' hints, which word-wrapped labels give for a
        narrow width: the dialog would open with blank bands between its parts.
        """
        hint = super().sizeHint()
        width = max(self.minimumWidth(), hint.width())
        layout = self.layout()
        if layout is None or not layout.hasHeightForWidth():
            return hint
        return QSize(width, layout.totalHeightForWidth(width))

    def _box(self, title: str, note: str, model: TextTableModel, name: str, rows: int) -> QGroupBox:
        box = QGroupBox(f"{title} ({rows})", self)
        box.setObjectName(name)
        layout = QVBoxLayout(box)
        layout.addWidget(_wrapped(note, box))
        layout.addWidget(table_view(model, box, f"{name}-table"))
        box.setVisible(rows > 0)
        return box

    def _fit_tables(self) -> None:
        # Short tables take the room of their rows, not a fixed scrolling area.
        for view in self.findChildren(QTableView):
            model = view.model()
            rows = min(model.rowCount(), 8) if model is not None else 0
            height = view.horizontalHeader().sizeHint().height() + 4
            height += sum(view.sizeHintForRow(r) for r in range(rows)) if rows else 0
            view.setMinimumHeight(min(height, 260))
            view.setMaximumHeight(max(height, 60) if rows < 8 else 260)

    def lines(self) -> Sequence[str]:
        """The report as sentences."""
        return self.report.lines()

    def copy(self) -> None:
        """Put the report's sentences on the clipboard (to paste in an e-mail)."""
        QGuiApplication.clipboard().setText("\n".join(self.lines()))
