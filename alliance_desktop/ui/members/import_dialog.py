"""Importing the directory or the questionnaire: preview, merge proposals, then all at once.

Reading and checking a file, and writing it, run on a worker thread so that the window
keeps answering. People proposed for merging are listed with a box per row: ticked
rows are merged into the record found, the others are left out (or created apart, if
the facilitator asks); nothing is merged without being shown first.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from alliance_desktop.core.i18n import t
from alliance_desktop.core.labels import label
from alliance_desktop.services import people_import, survey
from alliance_desktop.services.people_import import (
    Action,
    Decision,
    Duplicate,
    PeopleImportPlan,
    PlannedRow,
)
from alliance_desktop.storage.database import Database
from alliance_desktop.ui.members.common import pool, records_table, warn
from alliance_desktop.ui.members.models import Column, RecordsModel, theme_text
from alliance_desktop.ui.tasks import Job

FILE_FILTERS = (
    "Tableurs (*.xlsx *.csv *.txt);;Classeurs Excel (*.xlsx);;CSV (*.csv *.txt);;"
    "Tous les fichiers (*)",
    "Spreadsheets (*.xlsx *.csv *.txt);;Excel workbooks (*.xlsx);;CSV (*.csv *.txt);;All files (*)",
)


def _action_text(r: PlannedRow) -> str:
    return {
        Action.NEW: t("nouvelle personne", "new person"),
        Action.DUPLICATE: t("à fusionner ?", "merge?"),
        Action.UNCHANGED: t("déjà présente", "already there"),
        Action.ORGANISATION: t("organisation seule", "organisation only"),
    }[r.action]


def accepted_columns() -> list[Column[PlannedRow]]:
    """The columns of the accepted rows of a directory file."""
    return [
        Column(t("Ligne", "Line"), lambda r: str(r.row.line), lambda r: r.row.line, True),
        Column(t("Personne", "Person"), lambda r: r.row.full_name),
        Column(
            t("Organisation", "Organisation"),
            lambda r: r.row.organisation.name if r.row.organisation else "",
        ),
        Column(
            t("Type", "Kind"),
            lambda r: (
                label(r.row.organisation.kind)
                if r.row.organisation and r.row.organisation.kind
                else ""
            ),
        ),
        Column(t("Courriel", "E-mail"), lambda r: r.row.email or ""),
        Column(t("Téléphone", "Phone"), lambda r: r.row.phone or ""),
        Column(t("Import", "Import"), _action_text),
    ]


def duplicate_columns(rows: dict[int, PlannedRow]) -> list[Column[Duplicate]]:
    """The columns of the rows proposed for merging."""
    return [
        Column(t("Fusionner", "Merge"), lambda d: ""),
        Column(t("Ligne", "Line"), lambda d: str(d.line), lambda d: d.line, True),
        Column(t("Dans le fichier", "In the file"), lambda d: rows[d.line].row.full_name),
        Column(t("Raison", "Reason"), lambda d: d.reason),
        Column(
            t("Fiche trouvée", "Record found"),
            lambda d: (
                d.existing_label
                if d.existing_id is not None
                else t(f"ligne {d.existing_line} : {d.existing_label}", f"line {d.existing_line}")
            ),
        ),
    ]


def rejected_columns() -> list[Column[Any]]:
    """The columns of the rejected rows."""
    return [
        Column(t("Ligne", "Line"), lambda r: str(r.line), lambda r: r.line, True),
        Column(t("Raison", "Reason"), lambda r: r.reason),
    ]


@dataclass(frozen=True)
class _Steps:
    """What one kind of import does at each step."""

    plan: Callable[[Path], object]  # on the worker
    show: Callable[[Any], None]
    write: Callable[[], Callable[[], object] | None]  # the work for the worker, if any
    done_text: Callable[[Any], str]


class _ImportDialog(QDialog):
    """What both imports share: a file, a check on a worker, a summary, an import button.

    Signals:
        imported: the file was written; carries the result.
    """

    imported = Signal(object)

    def __init__(
        self, db: Database, parent: QWidget | None, title: str, intro: str, steps: _Steps
    ) -> None:
        super().__init__(parent)
        self._steps = steps
        self.setWindowTitle(title)
        self._db = db
        self._jobs: set[Job] = set()
        self._generation = 0
        self.folder = Path.home()
        self.applied: object | None = None
        self.path_edit = QLineEdit(self)
        self.path_edit.setReadOnly(True)
        self.path_edit.setPlaceholderText(t("Aucun fichier choisi", "No file chosen"))
        self.path_edit.setAccessibleName(t("Fichier à importer", "File to import"))
        self.choose_button = QPushButton(t("&Choisir un fichier…", "&Choose a file…"), self)
        self.choose_button.clicked.connect(self.choose_file)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.choose_button)
        self.summary = QLabel(intro, self)
        self.summary.setObjectName("importSummary")
        self.summary.setWordWrap(True)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 0)
        self.progress.setTextVisible(False)
        self.progress.setMaximumHeight(8)
        self.progress.hide()
        self.tabs = QTabWidget(self)
        self.buttons = QDialogButtonBox(self)
        self.import_button = self.buttons.addButton(
            t("&Importer", "&Import"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.import_button.setObjectName("importButton")
        self.import_button.setEnabled(False)
        self.import_button.clicked.connect(self.run_import)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Close).clicked.connect(self.reject)
        self.layout_ = QVBoxLayout(self)
        self.layout_.addLayout(row)
        self.layout_.addWidget(self.summary)
        self.layout_.addWidget(self.progress)
        self.layout_.addWidget(self.tabs, 1)
        self.resize(980, 600)

    @property
    def busy(self) -> bool:
        """Whether a file is being read or written."""
        return bool(self._jobs)

    def choose_file(self) -> None:
        """Ask for a file, then read it."""
        name, _f = QFileDialog.getOpenFileName(
            self, self.windowTitle(), str(self.folder), t(*FILE_FILTERS)
        )
        if name:
            self.load(Path(name))

    def load(self, path: Path) -> None:
        """Read and check ``path`` on a worker thread; the preview shows when done."""
        self.folder = path.parent
        self.path_edit.setText(str(path))
        self._generation += 1
        generation = self._generation
        self.import_button.setEnabled(False)
        self._start(lambda: self._steps.plan(path), lambda r: self._planned(generation, r))

    def _start(self, work: Any, done: Any) -> None:
        job = Job(work)
        self._jobs.add(job)
        self.progress.show()

        def finish(handler: Any, value: Any) -> None:
            self._jobs.discard(job)
            self.progress.setVisible(bool(self._jobs))
            handler(value)

        job.signals.done.connect(lambda r: finish(done, r))
        job.signals.failed.connect(lambda m: finish(self._failed, m))
        job.signals.crashed.connect(lambda m: finish(self._failed, m))
        pool().start(job)

    def _planned(self, generation: int, plan: Any) -> None:
        # A file chosen since: this older result is stale.
        if generation == self._generation:
            self._steps.show(plan)

    def _failed(self, message: str) -> None:
        self.summary.setText(message)
        warn(self, message)

    def run_import(self) -> None:
        """Write every accepted row at once, on a worker thread."""
        work = self._steps.write()
        if work is None or self.busy:
            return
        self.import_button.setEnabled(False)
        self.choose_button.setEnabled(False)
        self._start(work, self._applied)

    def _applied(self, result: object) -> None:
        self.applied = result
        self.choose_button.setEnabled(True)
        self.summary.setText(self._steps.done_text(result))
        self.imported.emit(result)

    def reject(self) -> None:
        """Close, unless a file is being written (it must finish)."""
        if not self.busy:
            super().reject()


class PeopleImportDialog(_ImportDialog):
    """Import organisations and people; rows that look like a known person are proposed."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        """A dialog importing into ``db``."""
        super().__init__(
            db,
            parent,
            t("Importer l'annuaire", "Import the directory"),
            t(
                "Choisissez un fichier CSV ou Excel (.xlsx) d'organisations et de personnes : "
                "chaque ligne est vérifiée, et les personnes déjà connues sont proposées à la "
                "fusion, avant que quoi que ce soit soit écrit.",
                "Choose a CSV or Excel (.xlsx) file of organisations and people: every row is "
                "checked and people already known are proposed for merging before anything "
                "is written.",
            ),
            _Steps(self.plan_file, self.show_plan, self.apply_work, self.done_text),
        )
        self.setObjectName("peopleImportDialog")
        self.plan: PeopleImportPlan | None = None
        self.accepted_model: RecordsModel[PlannedRow] = RecordsModel(accepted_columns(), self)
        self.accepted_view, _p = records_table(
            self, "acceptedRows", t("Lignes acceptées", "Accepted rows"), self.accepted_model
        )
        self._rows: dict[int, PlannedRow] = {}
        self.duplicates_model: RecordsModel[Duplicate] = RecordsModel(
            duplicate_columns(self._rows), self
        )
        self.duplicates_model.set_checkable(0)
        self.duplicates_view, _p = records_table(
            self, "duplicateRows", t("À fusionner ?", "Merge?"), self.duplicates_model, stretch=4
        )
        self.create_apart = QCheckBox(
            t(
                "Créer à part les personnes non cochées (sinon elles sont laissées de côté)",
                "Create the unticked people separately (otherwise they are left out)",
            ),
            self,
        )
        self.create_apart.setObjectName("createApart")
        all_button = QPushButton(t("Tout &cocher", "Tick &all"), self)
        all_button.clicked.connect(lambda: self._tick_all(True))
        none_button = QPushButton(t("Tout dé&cocher", "&Untick all"), self)
        none_button.clicked.connect(lambda: self._tick_all(False))
        dup_page = QWidget(self)
        dup_layout = QVBoxLayout(dup_page)
        dup_layout.addWidget(self.duplicates_view, 1)
        tick_row = QHBoxLayout()
        tick_row.addWidget(all_button)
        tick_row.addWidget(none_button)
        tick_row.addWidget(self.create_apart, 1)
        dup_layout.addLayout(tick_row)
        self.rejected_model: RecordsModel[Any] = RecordsModel(rejected_columns(), self)
        self.rejected_view, _p = records_table(
            self, "rejectedRows", t("Lignes refusées", "Rejected rows"), self.rejected_model
        )
        self.tabs.addTab(self.accepted_view, t("Lignes acceptées", "Accepted rows"))
        self.tabs.addTab(dup_page, t("À fusionner ?", "Merge?"))
        self.tabs.addTab(self.rejected_view, t("Lignes refusées", "Rejected rows"))
        self.layout_.addWidget(self.buttons)

    def plan_file(self, path: Path) -> object:
        """Read, check and resolve the file (on the worker)."""
        return people_import.plan_import(self._db, path)

    def show_plan(self, plan: Any) -> None:
        """Show the rows, the merge proposals (all ticked) and the rejected rows."""
        assert isinstance(plan, PeopleImportPlan)
        self.plan = plan
        self._rows.clear()
        self._rows.update({r.row.line: r for r in plan.rows})
        self.accepted_model.set_records(plan.rows)
        self.duplicates_model.set_records(plan.duplicates, checked=True)
        self.rejected_model.set_records(plan.rejected)
        self.tabs.setTabText(
            1, t(f"À fusionner ? ({len(plan.duplicates)})", f"Merge? ({len(plan.duplicates)})")
        )
        self.tabs.setTabText(
            2, t(f"Lignes refusées ({len(plan.rejected)})", f"Rejected ({len(plan.rejected)})")
        )
        self.summary.setText(people_import.describe(plan, plan.decisions(Decision.MERGE))[0])
        self.import_button.setEnabled(bool(plan.rows))
        if plan.duplicates:
            self.tabs.setCurrentIndex(1)

    def _tick_all(self, on: bool) -> None:
        records = self.duplicates_model.records()
        self.duplicates_model.set_records(records, checked=on)

    def decisions(self) -> dict[int, Decision]:
        """The decision for each proposed row, as the boxes and the option say."""
        ticked = {d.line for d in self.duplicates_model.checked_records()}
        other = Decision.NEW if self.create_apart.isChecked() else Decision.SKIP
        return {
            d.line: Decision.MERGE if d.line in ticked else other
            for d in self.duplicates_model.records()
        }

    def apply_work(self) -> Callable[[], object] | None:
        """The write, for the worker."""
        plan = self.plan
        if plan is None:
            return None
        decisions = self.decisions()
        db = self._db
        return lambda: people_import.apply(db, plan, decisions)

    def done_text(self, result: Any) -> str:
        """What the import wrote, in one sentence."""
        assert isinstance(result, people_import.ApplyResult)
        return t(
            f"Import terminé : {result.people_created} personne(s) ajoutée(s), "
            f"{result.people_merged} fusionnée(s), {result.rows_skipped} laissée(s) de côté ; "
            f"{result.organisations_created} organisation(s) ajoutée(s).",
            f"Import done: {result.people_created} added, {result.people_merged} merged, "
            f"{result.rows_skipped} left out; {result.organisations_created} "
            "organisation(s) added.",
        )


class SurveyImportDialog(_ImportDialog):
    """Import the members' questionnaire answers."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        """A dialog importing into ``db``."""
        super().__init__(
            db,
            parent,
            t("Importer le questionnaire", "Import the questionnaire"),
            t(
                "Choisissez l'export CSV ou Excel (.xlsx) du questionnaire : une ligne par "
                "organisation et par thématique ; chaque ligne est vérifiée avant l'import.",
                "Choose the questionnaire's CSV or Excel (.xlsx) export: one row per "
                "organisation and theme; every row is checked before the import.",
            ),
            _Steps(self.plan_file, self.show_plan, self.apply_work, self.done_text),
        )
        self.setObjectName("surveyImportDialog")
        self.plan: survey.SurveyPlan | None = None
        self.accepted_model: RecordsModel[survey.PlannedAnswer] = RecordsModel(
            [
                Column(t("Ligne", "Line"), lambda a: str(a.row.line), lambda a: a.row.line, True),
                Column(t("Organisation", "Organisation"), lambda a: a.organisation),
                Column(t("Thématique", "Theme"), lambda a: theme_text(a.row.theme)),
                Column(t("Objectifs", "Objectives"), lambda a: (a.row.objectives or "")[:80]),
                Column(
                    t("Import", "Import"),
                    lambda a: t("remplace", "replaces") if a.replaces else t("nouvelle", "new"),
                ),
            ],
            self,
        )
        self.accepted_view, _p = records_table(
            self,
            "acceptedAnswers",
            t("Réponses acceptées", "Accepted"),
            self.accepted_model,
            stretch=3,
        )
        self.rejected_model: RecordsModel[Any] = RecordsModel(rejected_columns(), self)
        self.rejected_view, _p = records_table(
            self, "rejectedRows", t("Lignes refusées", "Rejected rows"), self.rejected_model
        )
        self.tabs.addTab(self.accepted_view, t("Réponses acceptées", "Accepted answers"))
        self.tabs.addTab(self.rejected_view, t("Lignes refusées", "Rejected rows"))
        self.layout_.addWidget(self.buttons)

    def plan_file(self, path: Path) -> object:
        """Read, check and resolve the file (on the worker)."""
        return survey.plan_import(self._db, path)

    def show_plan(self, plan: Any) -> None:
        """Show the accepted answers and the rejected rows."""
        assert isinstance(plan, survey.SurveyPlan)
        self.plan = plan
        self.accepted_model.set_records(plan.accepted)
        self.rejected_model.set_records(plan.rejected)
        self.tabs.setTabText(
            1, t(f"Lignes refusées ({len(plan.rejected)})", f"Rejected ({len(plan.rejected)})")
        )
        self.summary.setText(survey.describe(plan)[0])
        self.import_button.setEnabled(bool(plan.accepted))

    def apply_work(self) -> Callable[[], object] | None:
        """The write, for the worker."""
        plan = self.plan
        if plan is None:
            return None
        db = self._db
        return lambda: survey.apply(db, plan)

    def done_text(self, result: Any) -> str:
        """What the import wrote, in one sentence."""
        assert isinstance(result, survey.SurveyApplyResult)
        return t(
            f"Import terminé : {result.added} réponse(s) ajoutée(s), {result.replaced} "
            "remplacée(s).",
            f"Import done: {result.added} answer(s) added, {result.replaced} replaced.",
        )
