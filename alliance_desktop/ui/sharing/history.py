"""« Historique… »: every value a session's records held, who set it and when."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from alliance_desktop.core.i18n import t
from alliance_desktop.ui.sharing import wording
from alliance_desktop.ui.sharing.dialogs import table_view
from alliance_desktop.ui.sharing.models import TextTableModel
from alliance_desktop.ui.sharing.work import RecordHistory, SessionHistory


def state_text(field: str, current: bool) -> str:
    """Whether a value is the one held now, or was replaced."""
    if field in (wording.CREATED, wording.DELETED, wording.KEPT):
        return ""
    return t("actuelle", "current") if current else t("remplacée", "replaced")


class HistoryDialog(QDialog):
    """The records of one session on the left, the values of the chosen one on the right.

    Signals:
        none: it only shows what the worker read.
    """

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        """An empty history of the session ``title``, filled by :meth:`set_history`."""
        super().__init__(parent)
        self.setObjectName("sharing-history")
        self.setWindowTitle(t(f"Historique — {title}", f"History — {title}"))
        self.resize(1100, 620)
        self.history: SessionHistory | None = None

        self.intro = QLabel(t("Lecture de l'historique…", "Reading the history…"), self)
        self.intro.setObjectName("sharing-history-intro")
        self.intro.setWordWrap(True)
        self.records = TextTableModel([t("Fiche", "Record"), t("Valeurs", "Values")], self)
        self.records_view = table_view(self.records, self, "sharing-history-records", stretch=0)
        self.records_view.selectionModel().selectionChanged.connect(self._record_changed)
        self.lines = TextTableModel(
            [
                t("Le", "On"),
                t("Champ", "Field"),
                t("Valeur", "Value"),
                t("Par", "By"),
                t("État", "State"),
            ],
            self,
        )
        self.lines_view = table_view(self.lines, self, "sharing-history-lines", stretch=2)
        # A text's successive versions are read in full: rows grow with them.
        self.lines_view.setWordWrap(True)
        self.lines_view.verticalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self.records_view)
        splitter.addWidget(self.lines_view)
        splitter.setSizes([380, 720])
        splitter.setChildrenCollapsible(False)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.button(QDialogButtonBox.StandardButton.Close).setText(t("Fermer", "Close"))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.intro)
        layout.addWidget(splitter, 1)
        layout.addWidget(buttons)

    def set_history(self, history: SessionHistory) -> None:
        """Show ``history``, the session itself first."""
        self.history = history
        records = history.records
        self.records.set_rows(
            [[wording.record_name(r.table, r.label), len(r.lines)] for r in records],
            payloads=list(records),
        )
        changes = sum(len(r.lines) for r in records)
        if not changes:
            self.intro.setText(
                t(
                    "Aucun historique : ces fiches datent d'avant le partage de la base.",
                    "No history: these records predate sharing the database.",
                )
            )
        else:
            self.intro.setText(
                t(
                    f"{wording.count(len(records), ('fiche', 'fiches'), ('record', 'records'))}"
                    " ; chaque valeur qu'elles ont eue, par qui et quand (heure de "
                    "l'ordinateur qui l'a saisie).",
                    f"{wording.count(len(records), ('fiche', 'fiches'), ('record', 'records'))}"
                    "; every value they held, by whom and when (by the clock of the laptop "
                    "that typed it).",
                )
            )
        if records:
            self.records_view.selectRow(0)
        self.records_view.setFocus()

    def current(self) -> RecordHistory | None:
        """The record chosen on the left."""
        rows = self.records_view.selectionModel().selectedRows()
        if not rows:
            return None
        found = self.records.payload(rows[0].row())
        return found if isinstance(found, RecordHistory) else None

    def _record_changed(self, _selected: QItemSelection, _deselected: QItemSelection) -> None:
        record = self.current()
        if record is None:
            self.lines.set_rows([])
            return
        self.lines.set_rows(
            [
                [
                    wording.when_utc(line.at),
                    wording.field_name(record.table, line.field),
                    line.value,
                    line.author,
                    state_text(line.field, line.current),
                ]
                for line in record.lines
            ],
            tips=[line.value for line in record.lines],
        )
