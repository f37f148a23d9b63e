"""Importing measurements from CSV or Excel: preview, rejected rows, then all at once."""

# Reading and checking a 20,000-row workbook takes seconds, and so does writing it: both
# run on a worker thread so that the window keeps answering. The worker touches no
# widget; its result comes back to the GUI thread through a queued signal.

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, Qt, QThreadPool, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from alliance_desktop.core.i18n import t
from alliance_desktop.imports.measurements import (
    Action,
    ApplyResult,
    ImportPlan,
    apply,
    plan_import,
)
from alliance_desktop.storage.database import Database
from alliance_desktop.ui.indicators.models import AcceptedRowsModel, RejectedRowsModel
from alliance_desktop.ui.tasks import Job

FILE_FILTERS = (
    "Fichiers de mesures (*.xlsx *.csv *.txt);;Classeurs Excel (*.xlsx);;"
    "CSV (*.csv *.txt);;Tous les fichiers (*)",
    "Measurement files (*.xlsx *.csv *.txt);;Excel workbooks (*.xlsx);;"
    "CSV (*.csv *.txt);;All files (*)",
)


_POOL: QThreadPool | None = None


def import_pool() -> QThreadPool:
    """The thread that reads and writes imports, apart from Qt's global pool.

    The global pool has one thread per core (two on many laptops): an export or a sync
    running there would leave an import waiting, with the dialog showing « Lecture… ».
    Owned by the application, which waits for a running import before it quits.
    """
    global _POOL
    if _POOL is None:
        _POOL = QThreadPool(QCoreApplication.instance())
        _POOL.setObjectName("importPool")
        _POOL.setMaxThreadCount(1)
    return _POOL


class MeasurementImportDialog(QDialog):
    """Choose a file, see what importing it would do, then import every accepted row.

    Signals:
        imported: the accepted rows were written; carries the ``ApplyResult``.
    """

    imported = Signal(object)

    def __init__(
        self, db: Database, parent: QWidget | None = None, *, start_dir: Path | None = None
    ) -> None:
        """A dialog importing into ``db``; the file dialog opens in ``start_dir``."""
        super().__init__(parent)
        self.setObjectName("measurementImportDialog")
        self.setWindowTitle(t("Importer des mesures", "Import measurements"))
        self._db = db
        self._start_dir = start_dir or Path.home()
        self._pool = import_pool()
        # Jobs are kept until they report: their signal objects must outlive the thread.
        self._jobs: set[Job] = set()
        self._generation = 0
        self.plan: ImportPlan | None = None
        self.applied: ApplyResult | None = None
        self.writing = False

        self.path_edit = QLineEdit(self)
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText(t("Aucun fichier choisi", "No file chosen"))
        self.path_edit.setAccessibleName(t("Fichier à importer", "File to import"))
        self.choose_button = QPushButton(t("&Choisir un fichier…", "&Choose a file…"), self)
        self.choose_button.clicked.connect(self.choose_file)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.choose_button)

        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(8)
        self.progress.hide()
        self.summary = QLabel(
            t(
                "Choisissez un fichier CSV ou Excel (.xlsx) : il sera vérifié ligne à ligne "
                "avant que quoi que ce soit soit écrit.",
                "Choose a CSV or Excel (.xlsx) file: every row is checked before anything "
                "is written.",
            ),
            self,
        )
        self.summary.setObjectName("importSummary")
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.accepted_model = AcceptedRowsModel(self)
        self.rejected_model = RejectedRowsModel(self)
        self.accepted_view = self._table(self.accepted_model, AcceptedRowsModel.INDICATOR)
        self.accepted_view.setObjectName("acceptedRows")
        self.rejected_view = self._table(self.rejected_model, RejectedRowsModel.REASON)
        self.rejected_view.setObjectName("rejectedRows")
        self.rejected_view.setWordWrap(True)
        self.tabs = QTabWidget(self)
        self.tabs.addTab(self.accepted_view, t("Lignes acceptées", "Accepted rows"))
        self.tabs.addTab(self.rejected_view, t("Lignes refusées", "Rejected rows"))

        self.buttons = QDialogButtonBox(self)
        self.import_button = self.buttons.addButton(
            t("&Importer", "&Import"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.import_button.setEnabled(False)
        self.close_button = self.buttons.addButton(
            t("Fermer", "Close"), QDialogButtonBox.ButtonRole.RejectRole
        )
        self.import_button.clicked.connect(self.start_import)
        self.close_button.clicked.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addWidget(self.progress)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.buttons)
        self.resize(900, 560)

    def _table(self, model: Any, stretch: int) -> QTableView:
        view = QTableView(self)
        view.setModel(model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setAlternatingRowColors(True)
        view.verticalHeader().setVisible(False)
        header = view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        return view

    # --- reading ----------------------------------------------------------------------

    @property
    def busy(self) -> bool:
        """A file is being read or written."""
        return bool(self._jobs)

    def choose_file(self) -> None:
        """Ask for a file, then read it."""
        name, _filter = QFileDialog.getOpenFileName(
            self,
            t("Importer des mesures", "Import measurements"),
            str(self._start_dir),
            t(*FILE_FILTERS),
        )
        if name:
            self.load_file(Path(name))

    def load_file(self, path: Path) -> None:
        """Read and check ``path`` on a worker thread; the preview fills when it is done."""
        self._start_dir = path.parent
        self.path_edit.setText(str(path))
        self.plan = None
        self.applied = None
        self.accepted_model.set_rows([])
        self.rejected_model.set_rows([])
        self._set_tab_counts(None)
        self.import_button.setEnabled(False)
        self.summary.setText(t(f"Lecture de « {path.name} »…", f"Reading “{path.name}”…"))
        db = self._db
        self._run(lambda: plan_import(db, path), self._planned)

    def _run(self, work: Callable[[], object], on_done: Callable[[Any], None]) -> None:
        self._generation += 1
        generation = self._generation
        job = Job(work)
        self._jobs.add(job)

        def finished() -> None:
            self._jobs.discard(job)
            if not shiboken6.isValid(self):
                return
            self.progress.setVisible(bool(self._jobs))
            self.choose_button.setEnabled(not self.writing)

        def current() -> bool:
            # A file chosen since this one was started makes its result stale; a dialog
            # deleted meanwhile has nothing left to show it in.
            return shiboken6.isValid(self) and generation == self._generation

        def done(result: object) -> None:
            finished()
            if current():
                on_done(result)

        def failed(message: str) -> None:
            finished()
            if current():
                self._failed(message)

        def crashed(details: str) -> None:
            finished()
            if current():
                self._failed(
                    t(
                        "Erreur inattendue ; rien n'a été importé.\n\n",
                        "Unexpected error; nothing was imported.\n\n",
                    )
                    + details.strip().splitlines()[-1]
                )

        job.signals.done.connect(done)
        job.signals.failed.connect(failed)
        job.signals.crashed.connect(crashed)
        self.progress.show()
        self._pool.start(job)

    def _failed(self, message: str) -> None:
        self.writing = False
        self.choose_button.setEnabled(True)
        self.close_button.setEnabled(True)
        self.import_button.setEnabled(False)
        self.summary.setText(message)

    def _set_tab_counts(self, plan: ImportPlan | None) -> None:
        accepted = len(plan.accepted) if plan else 0
        rejected = len(plan.rejected) if plan else 0
        self.tabs.setTabText(0, t(f"Lignes acceptées ({accepted})", f"Accepted rows ({accepted})"))
        self.tabs.setTabText(1, t(f"Lignes refusées ({rejected})", f"Rejected rows ({rejected})"))

    def _planned(self, result: Any) -> None:
        plan: ImportPlan = result
        self.plan = plan
        self.accepted_model.set_rows(plan.accepted)
        self.rejected_model.set_rows(plan.rejected)
        self._set_tab_counts(plan)
        new, upd, same = (plan.count(a) for a in (Action.NEW, Action.UPDATE, Action.UNCHANGED))
        lines = [
            t(
                f"« {plan.table.path.name} » ({plan.table.describe()}) : "
                f"{len(plan.accepted)} ligne(s) acceptée(s) — {new} nouvelle(s), "
                f"{upd} remplaçant une valeur, {same} identique(s) — et "
                f"{len(plan.rejected)} refusée(s).",
                f"“{plan.table.path.name}” ({plan.table.describe()}): "
                f"{len(plan.accepted)} row(s) accepted — {new} new, {upd} replacing a value, "
                f"{same} unchanged — and {len(plan.rejected)} rejected.",
            )
        ]
        if plan.table.ignored:
            ignored = ", ".join(f"« {h} »" for h in plan.table.ignored)
            lines.append(t(f"Colonnes ignorées : {ignored}.", f"Columns ignored: {ignored}."))
        if plan.accepted and plan.rejected:
            lines.append(
                t(
                    "« Importer » écrit toutes les lignes acceptées en une fois ; les lignes "
                    "refusées ne sont pas importées (corrigez-les et importez le fichier à "
                    "nouveau : les lignes déjà importées resteront identiques).",
                    "“Import” writes every accepted row at once; rejected rows are not "
                    "imported (fix them and import the file again: rows already imported "
                    "will be unchanged).",
                )
            )
        elif not plan.accepted:
            lines.append(t("Aucune ligne ne peut être importée.", "No row can be imported."))
        self.summary.setText("\n".join(lines))
        self.tabs.setCurrentIndex(1 if plan.rejected else 0)
        self.import_button.setEnabled(bool(plan.accepted) and (new or upd) > 0)
        self.import_button.setText(
            t(
                f"&Importer {len(plan.accepted)} ligne(s)",
                f"&Import {len(plan.accepted)} row(s)",
            )
        )

    # --- writing ----------------------------------------------------------------------

    def start_import(self) -> None:
        """Write every accepted row in one transaction, on a worker thread."""
        plan = self.plan
        if plan is None or not plan.accepted or self.writing:
            return
        self.writing = True
        self.import_button.setEnabled(False)
        self.choose_button.setEnabled(False)
        # The transaction cannot be cancelled half-way: the dialog stays until it ends.
        self.close_button.setEnabled(False)
        self.summary.setText(
            t(
                f"Import de {len(plan.accepted)} ligne(s)…",
                f"Importing {len(plan.accepted)} row(s)…",
            )
        )
        db = self._db
        self._run(lambda: apply(db, plan), self._applied)

    def _applied(self, result: Any) -> None:
        done: ApplyResult = result
        self.writing = False
        self.applied = done
        self.plan = None
        self.close_button.setEnabled(True)
        self.choose_button.setEnabled(True)
        self.import_button.setEnabled(False)
        self.summary.setText(
            t(
                f"Import terminé : {done.inserted} mesure(s) ajoutée(s), {done.updated} "
                f"remplacée(s), {done.unchanged} déjà présente(s).",
                f"Import done: {done.inserted} measurement(s) added, {done.updated} "
                f"replaced, {done.unchanged} already there.",
            )
        )
        self.imported.emit(done)

    # --- closing ----------------------------------------------------------------------

    def reject(self) -> None:
        """Close, unless rows are being written."""
        if self.writing:
            return
        # A file still being read is simply forgotten: its result will be ignored.
        self._generation += 1
        super().reject()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Escape closes (through :meth:`reject`); Enter does not import by surprise."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and not (
            self.import_button.hasFocus()
        ):
            event.ignore()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Refuse to close while rows are being written."""
        if self.writing:
            event.ignore()
            return
        self._generation += 1
        super().closeEvent(event)
