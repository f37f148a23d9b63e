"""The « Exporter » menu and toolbar: documents and tables written on a worker thread."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final

from PySide6.QtCore import QCoreApplication, QObject, Qt, QThreadPool, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QInputDialog,
    QMenu,
    QMessageBox,
    QToolBar,
    QWidget,
)

from alliance_desktop.core.i18n import t
from alliance_desktop.exports.progress import ProgressCallback
from alliance_desktop.services.meetings import MeetingSummary
from alliance_desktop.ui.exports import names
from alliance_desktop.ui.exports.dialogs import (
    MessageBar,
    ReportProgressDialog,
    TablesChoice,
    TablesDialog,
    TemplateDialog,
    documents_folder,
    remembered_template,
    today_year,
)
from alliance_desktop.ui.exports.jobs import ExportJob, Work
from alliance_desktop.ui.settings import Settings

if TYPE_CHECKING:
    from alliance_desktop.exports.model import SurveyOverview
    from alliance_desktop.storage.database import Database
    from alliance_desktop.ui.main_window import MainWindow

log = logging.getLogger(__name__)

MENU_NAME: Final = "menu-export"
TOOLBAR_NAME: Final = "toolbar-export"
CONTROLLER_NAME: Final = "exportsController"
# The menu goes before « Aide », which stays last as everywhere.
_BEFORE: Final = ("menu-help",)
_TITLES_BEFORE: Final = ("Aide", "Help")
# Ctrl+E as asked for the minutes; the second is used while the first belongs to another
# action of the window, since an ambiguous shortcut triggers neither.
MINUTES_SHORTCUTS: Final = ("Ctrl+E", "Ctrl+Shift+E")
WORD_FILTER: Final = ("Document Word (*.docx)", "Word document (*.docx)")
XLSX_FILTER: Final = ("Classeur Excel (*.xlsx)", "Excel workbook (*.xlsx)")


def window_settings(window: QWidget) -> Settings:
    """The window's own settings object.

    Shared rather than a second one on the same file: each saves the whole file, so two
    would undo each other's changes. The window has no public accessor yet; its private
    attribute is the fallback.
    """
    for attribute in ("settings", "_settings"):
        found = getattr(window, attribute, None)
        if callable(found) and not isinstance(found, Settings):
            found = found()
        if isinstance(found, Settings):
            return found
    from alliance_desktop.core import paths
    from alliance_desktop.ui.settings import FILE_NAME

    return Settings(paths.data_dir() / FILE_NAME)


def _menu(window: MainWindow) -> QMenu:
    bar = window.menuBar()
    existing = bar.findChild(QMenu, MENU_NAME)
    if existing is not None:
        return existing
    menu = QMenu(t("&Exporter", "E&xport"), bar)
    menu.setObjectName(MENU_NAME)
    before = None
    for action in bar.actions():
        other = action.menu()
        if not isinstance(other, QMenu):
            continue
        if other.objectName() in _BEFORE or other.title().replace("&", "") in _TITLES_BEFORE:
            before = action
            break
    if before is None:
        bar.addMenu(menu)
    else:
        bar.insertMenu(before, menu)
    return menu


def free_shortcut(window: QWidget, candidates: Sequence[str]) -> QKeySequence | None:
    """The first of ``candidates`` no action or shortcut of ``window`` uses yet."""
    taken = {
        sequence.toString()
        for action in window.findChildren(QAction)
        for sequence in action.shortcuts()
    }
    taken |= {shortcut.key().toString() for shortcut in window.findChildren(QShortcut)}
    for candidate in candidates:
        sequence = QKeySequence(candidate)
        if sequence.toString() not in taken:
            return sequence
    return None


class _Run(QObject):
    """One export on the GUI side: what to say when its job reports, and its dialog.

    Signals:
        none: it receives the job's signals on the GUI thread and tells the controller.
    """

    def __init__(
        self,
        controller: ExportsController,
        job: ExportJob,
        written: Callable[[object], str],
        dialog: ReportProgressDialog | None,
    ) -> None:
        super().__init__(controller)
        self.job = job
        self.dialog = dialog
        self._controller = controller
        self._written = written
        # Bound methods of an object of the GUI thread: Qt queues the worker's signals to
        # this thread, so every widget below is touched from the GUI thread only.
        job.signals.succeeded.connect(self._succeeded)
        job.signals.failed.connect(self._failed)
        job.signals.cancelled.connect(self._cancelled)
        job.signals.crashed.connect(self._crashed)
        if dialog is not None:
            job.signals.progressed.connect(dialog.set_progress)
            dialog.cancel_requested.connect(job.cancel)

    def _close_dialog(self) -> None:
        if self.dialog is not None:
            self.dialog.finish()
            self.dialog.deleteLater()
            self.dialog = None

    def _succeeded(self, result: object) -> None:
        self._close_dialog()
        self._controller._succeeded(self, result, self._written(result))

    def _failed(self, message: str) -> None:
        self._close_dialog()
        self._controller._failed(self, message)

    def _cancelled(self) -> None:
        self._close_dialog()
        self._controller._cancelled(self)

    def _crashed(self, details: str) -> None:
        self._close_dialog()
        self._controller._crashed(self, details)


def _written_files(result: object) -> list[Path]:
    if isinstance(result, Path):
        return [result]
    if isinstance(result, list | tuple):
        return [p for p in result if isinstance(p, Path)]
    return []


class ExportsController(QObject):
    """The « Exporter » menu and toolbar of the main window, and the exports they start.

    Every export runs on a worker thread with its own connection to the database file;
    the window stays usable meanwhile, and the yearly report shows its progress.

    Signals:
        exported: an export was written; carries its path, or the list of CSV paths.
        export_failed: an export was refused; carries the message shown to the user.
    """

    exported = Signal(object)
    export_failed = Signal(str)

    def __init__(self, window: MainWindow, settings: Settings | None = None) -> None:
        """Add the menu, the toolbar and the (hidden) message bar to ``window``."""
        super().__init__(window)
        self.setObjectName(CONTROLLER_NAME)
        self._window = window
        self._settings = settings if settings is not None else window_settings(window)
        # Owned here: at the window's end its destructor waits for a job still running,
        # which has been asked to stop by then (see stop_all).
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(2)
        self._runs: list[_Run] = []
        self.progress_dialog: ReportProgressDialog | None = None

        self.menu = _menu(window)
        if self.menu.actions():
            self.menu.addSeparator()
        self.minutes_action = self._add(
            t("&Compte-rendu de la séance…", "Session &minutes…"),
            t("Compte-rendu", "Minutes"),
            self.export_minutes,
        )
        shortcut = free_shortcut(window, MINUTES_SHORTCUTS)
        if shortcut is not None:
            self.minutes_action.setShortcut(shortcut)
        self.public_minutes_action = self._add(
            t("Compte-rendu &public (pseudonymisé)…", "Pu&blic minutes (pseudonymised)…"),
            t("Compte-rendu public", "Public minutes"),
            self.export_public_minutes,
        )
        self.public_minutes_action.setToolTip(
            t(
                "Le compte-rendu à diffuser largement : chaque personne y est désignée par un "
                "pseudonyme, et les noms et adresses écrits dans les textes sont remplacés.",
                "The minutes to publish widely: each person is given a pseudonym, and names "
                "and addresses written in the texts are replaced.",
            )
        )
        self.summary_action = self._add(
            t("&Synthèse de la séance…", "Session &summary…"),
            t("Synthèse", "Summary"),
            self.export_summary,
        )
        self.report_action = self._add(
            t("&Rapport d'étape…", "&Progress report…"),
            t("Rapport d'étape", "Progress report"),
            self.export_report,
        )
        self.tables_action = self._add(
            t("&Tableaux (CSV / Excel)…", "&Tables (CSV / Excel)…"),
            t("Tableaux", "Tables"),
            self.export_tables,
        )
        self.menu.addSeparator()
        self.template_action = self._add(
            t("&Modèle de document…", "Document &template…"),
            t("Modèle", "Template"),
            self.choose_template,
        )

        self.toolbar = QToolBar(t("Exporter", "Export"), window)
        self.toolbar.setObjectName(TOOLBAR_NAME)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar.setMovable(False)
        for action in (
            self.minutes_action,
            self.summary_action,
            self.report_action,
            self.tables_action,
        ):
            self.toolbar.addAction(action)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)

        self.message_bar = MessageBar(window)
        self.message_bar.open_document.connect(self.open_path)
        self.message_bar.open_folder.connect(self.open_path)
        window.addToolBar(Qt.ToolBarArea.BottomToolBarArea, self.message_bar)

        window.meeting_shown.connect(self.update_actions)
        window.workshop_opened.connect(self.update_actions)
        window.database_changed.connect(self.update_actions)
        window.list_view.selectionModel().currentRowChanged.connect(self.update_actions)
        self.menu.aboutToShow.connect(self.update_actions)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.stop_all)
        self.update_actions()

    def _add(
        self, text: str, short: str, slot: Callable[[], object], shortcut: str | None = None
    ) -> QAction:
        action = QAction(text, self._window)
        action.setIconText(short)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        self.menu.addAction(action)
        return action

    # --- state ------------------------------------------------------------------------

    @property
    def settings(self) -> Settings:
        """Where the last folder and the template are remembered."""
        return self._settings

    @property
    def busy(self) -> bool:
        """An export is running."""
        return bool(self._runs)

    def selected(self) -> MeetingSummary | None:
        """The session selected in the window's list, if any."""
        meeting_id = self._window.current_meeting_id()
        if meeting_id is None:
            return None
        model = self._window.model
        return model.meeting(model.row_of(meeting_id))

    def _years(self) -> list[int]:
        return sorted({m.date.year for m in self._window.model.meetings()}, reverse=True)

    def update_actions(self, *_args: object) -> None:
        """Enable what can be exported now: one export at a time, sessions needing one."""
        idle = not self.busy
        has_session = self.selected() is not None
        any_session = self._window.model.rowCount() > 0
        self.minutes_action.setEnabled(idle and has_session)
        self.public_minutes_action.setEnabled(idle and has_session)
        self.summary_action.setEnabled(idle and has_session)
        self.report_action.setEnabled(idle and any_session)
        self.tables_action.setEnabled(idle)

    def last_folder(self) -> Path:
        """The folder of the last export, or the user's documents."""
        value = self._settings.text(names.FOLDER_KEY)
        if value and Path(value).is_dir():
            return Path(value)
        return documents_folder()

    def template(self) -> Path | None:
        """The user's Word template, or None for the application's own."""
        return remembered_template(self._settings)

    # --- asking -----------------------------------------------------------------------

    def ask_save(
        self, title: str, proposed: str, filters: tuple[str, str], suffix: str
    ) -> Path | None:
        """Ask where to write, proposing ``proposed`` in the last folder; None if abandoned."""
        name, _filter = QFileDialog.getSaveFileName(
            self._window, title, str(self.last_folder() / proposed), t(*filters)
        )
        if not name:
            return None
        return names.with_suffix(Path(name), suffix)

    def ask_year(self) -> int | None:
        """Ask the report's year, proposing the selected session's; None if abandoned."""
        years = self._years()
        selected = self.selected()
        default = selected.date.year if selected is not None else (years[0] if years else None)
        if default is None:
            default = today_year()
        if default not in years:
            years = sorted({*years, default}, reverse=True)
        items = [str(year) for year in years]
        text, ok = QInputDialog.getItem(
            self._window,
            t("Rapport d'étape", "Progress report"),
            t("Année du rapport :", "Year of the report:"),
            items,
            items.index(str(default)),
            False,
        )
        if not ok or not text:
            return None
        return int(text)

    # --- the exports ------------------------------------------------------------------

    def export_minutes(self) -> None:
        """Write the selected session's minutes (Ctrl+E, unless the window already uses it)."""
        self._export_session("minutes")

    def export_public_minutes(self) -> None:
        """Write the public version of the selected session's minutes, people pseudonymised."""
        self._export_session("minutes", public=True)

    def export_summary(self) -> None:
        """Write the selected session's one-page summary."""
        self._export_session("summary")

    def _export_session(self, kind: str, *, public: bool = False) -> None:
        summary = self.selected()
        if summary is None or self.busy:
            return
        if kind == "minutes" and public:
            title = t("Enregistrer le compte-rendu public", "Save the public minutes")
            proposed = names.public_minutes_name(summary)
            status = t("Écriture du compte-rendu public…", "Writing the public minutes…")
            what = t("Compte-rendu public enregistré", "Public minutes saved")
        elif kind == "minutes":
            title = t("Enregistrer le compte-rendu", "Save the minutes")
            proposed = names.minutes_name(summary)
            status = t("Écriture du compte-rendu…", "Writing the minutes…")
            what = t("Compte-rendu enregistré", "Minutes saved")
        else:
            title = t("Enregistrer la synthèse", "Save the summary")
            proposed = names.summary_name(summary)
            status = t("Écriture de la synthèse…", "Writing the summary…")
            what = t("Synthèse enregistrée", "Summary saved")
        path = self.ask_save(title, proposed, WORD_FILTER, ".docx")
        if path is None:
            return
        db_path, template, meeting_id = self._window.database.path, self.template(), summary.id

        def work(_progress: ProgressCallback) -> Path:
            from alliance_desktop.exports.api import export_document

            return export_document(
                kind, db_path, path, meeting=meeting_id, template=template, public=public
            )

        self._start(work, status, lambda result: f"{what} : {_first_name(result)}")

    def export_report(self) -> None:
        """Ask a year, then write its progress report with a progress dialog."""
        if self.busy:
            return
        year = self.ask_year()
        if year is None:
            return
        path = self.ask_save(
            t("Enregistrer le rapport d'étape", "Save the progress report"),
            names.report_name(year),
            WORD_FILTER,
            ".docx",
        )
        if path is None:
            return
        db_path, template = self._window.database.path, self.template()

        def work(progress: ProgressCallback) -> Path:
            from alliance_desktop.exports.api import export_document

            return export_document(
                "report",
                db_path,
                path,
                year=year,
                template=template,
                progress=progress,
                survey=_survey_overview,
            )

        dialog = ReportProgressDialog(year, self._window)
        self.progress_dialog = dialog
        self._start(
            work,
            t(f"Écriture du rapport d'étape {year}…", f"Writing the {year} progress report…"),
            lambda result: t(
                f"Rapport d'étape enregistré : {_first_name(result)}",
                f"Progress report saved: {_first_name(result)}",
            ),
            dialog,
        )
        dialog.show()

    def export_tables(self) -> None:
        """Ask which tables, then write them as one workbook or as CSV files."""
        if self.busy:
            return
        dialog = TablesDialog(self.selected(), self._years(), self._window)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return
            choice = dialog.choice()
        finally:
            dialog.deleteLater()
        if not choice.names:
            return
        if choice.fmt == "xlsx":
            self._export_workbook(choice)
        else:
            self._export_csv(choice)

    def _export_workbook(self, choice: TablesChoice) -> None:
        path = self.ask_save(
            t("Enregistrer les tableaux", "Save the tables"),
            names.workbook_name(choice.tag),
            XLSX_FILTER,
            ".xlsx",
        )
        if path is None:
            return
        db_path = self._window.database.path

        def work(_progress: ProgressCallback) -> Path:
            from alliance_desktop.exports.api import export_workbook

            return export_workbook(
                choice.names, db_path, path, meeting=choice.meeting_id, year=choice.year
            )

        self._start(
            work,
            t("Écriture des tableaux…", "Writing the tables…"),
            lambda result: t(
                f"Tableaux enregistrés : {_first_name(result)}",
                f"Tables saved: {_first_name(result)}",
            ),
        )

    def _export_csv(self, choice: TablesChoice) -> None:
        from alliance_desktop.exports.tables import table_title

        chosen = QFileDialog.getExistingDirectory(
            self._window,
            t("Dossier des fichiers CSV", "Folder for the CSV files"),
            str(self.last_folder()),
        )
        if not chosen:
            return
        folder = Path(chosen)
        targets = {
            name: folder / names.csv_name(table_title(name), choice.tag) for name in choice.names
        }
        existing = [p.name for p in targets.values() if p.exists()]
        if existing:
            answer = QMessageBox.question(
                self._window,
                t("Remplacer des fichiers ?", "Replace files?"),
                t(
                    f"Ces fichiers existent déjà dans « {folder} » et seront remplacés :\n\n",
                    f"These files already exist in “{folder}” and will be replaced:\n\n",
                )
                + "\n".join(existing),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        db_path, meeting_id, year = self._window.database.path, choice.meeting_id, choice.year

        def work(_progress: ProgressCallback) -> list[Path]:
            from alliance_desktop.exports.api import export_table

            return [
                export_table(name, db_path, target, fmt="csv", meeting=meeting_id, year=year)
                for name, target in targets.items()
            ]

        self._start(
            work,
            t("Écriture des fichiers CSV…", "Writing the CSV files…"),
            lambda result: t(
                f"{len(_written_files(result))} fichier(s) CSV enregistré(s) dans « {folder} »",
                f"{len(_written_files(result))} CSV file(s) saved in “{folder}”",
            ),
        )

    def choose_template(self) -> TemplateDialog:
        """Show the dialog choosing the documents' Word template."""
        dialog = TemplateDialog(self._settings, self._window)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.open()
        return dialog

    def open_path(self, path: object) -> bool:
        """Open a written document, or a folder, with the system's program for it."""
        if not isinstance(path, Path):
            return False
        if QDesktopServices.openUrl(QUrl.fromLocalFile(str(path))):
            return True
        self._window.statusBar().showMessage(
            t(
                f"Aucun programme n'a pu ouvrir « {path} ».",
                f"No program could open “{path}”.",
            ),
            10000,
        )
        return False

    # --- running ----------------------------------------------------------------------

    def _start(
        self,
        work: Work,
        status: str,
        written: Callable[[object], str],
        dialog: ReportProgressDialog | None = None,
    ) -> ExportJob:
        job = ExportJob(work)
        run = _Run(self, job, written, dialog)
        self._runs.append(run)
        self.message_bar.hide()
        self._window.statusBar().showMessage(status)
        self.update_actions()
        self._pool.start(job)
        return job

    def _over(self, run: _Run) -> None:
        if run in self._runs:
            self._runs.remove(run)
        run.deleteLater()
        if self.progress_dialog is not None and not self.progress_dialog.isVisible():
            self.progress_dialog = None
        self._window.statusBar().clearMessage()
        self.update_actions()

    def _succeeded(self, run: _Run, result: object, message: str) -> None:
        self._over(run)
        files = _written_files(result)
        if not files:
            return
        folder = files[0].parent
        self._settings.set_text(names.FOLDER_KEY, str(folder))
        self.message_bar.show_written(message, folder, files[0] if len(files) == 1 else None)
        self.message_bar.setToolTip(str(folder))
        self.exported.emit(result if len(files) > 1 else files[0])

    def _failed(self, run: _Run, message: str) -> None:
        self._over(run)
        QMessageBox.warning(self._window, t("Export impossible", "Export failed"), message)
        self.export_failed.emit(message)

    def _cancelled(self, run: _Run) -> None:
        self._over(run)
        self._window.statusBar().showMessage(
            t("Export annulé : aucun fichier n'a été écrit.", "Export cancelled: nothing written."),
            10000,
        )

    def _crashed(self, run: _Run, details: str) -> None:
        from alliance_desktop.core.logs import log_file
        from alliance_desktop.ui.crash import crash_message

        self._over(run)
        log.error("export failed unexpectedly\n%s", details)
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            t("Erreur inattendue", "Unexpected error"),
            crash_message(log_file()),
            QMessageBox.StandardButton.Ok,
            self._window,
        )
        box.setDetailedText(details.strip().splitlines()[-1] if details.strip() else "")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()
        self.export_failed.emit(box.text())

    def wait(self, msecs: int = -1) -> bool:
        """Wait for the running jobs' threads (for the end of the window and for tests)."""
        return self._pool.waitForDone(msecs)

    def stop_all(self) -> None:
        """Ask running exports to stop, writing nothing (the application is quitting)."""
        for run in self._runs:
            run.job.cancel()


def _survey_overview(db: Database, year: int) -> SurveyOverview:
    """The report's questionnaire section, read on the worker's own connection.

    Exports may not import the services, where the questionnaire's rules live: the
    window hands the reading in.
    """
    from alliance_desktop.exports.model import SurveyOverview
    from alliance_desktop.services.survey import report_synthesis

    return SurveyOverview.of(report_synthesis(db, year))


def _first_name(result: object) -> str:
    files = _written_files(result)
    return files[0].name if files else ""
