"""The « Partage » menu, its toolbar button and status: every sync and decision on a worker."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QMenu,
    QMessageBox,
    QProgressDialog,
    QToolBar,
)

from alliance_desktop import APP_NAME
from alliance_desktop.core import enums as e
from alliance_desktop.core import paths
from alliance_desktop.core.i18n import t
from alliance_desktop.ui.exports.menu import free_shortcut, window_settings
from alliance_desktop.ui.menus import feature_menu
from alliance_desktop.ui.settings import Settings
from alliance_desktop.ui.sharing import wording
from alliance_desktop.ui.sharing.status import SyncStatusWidget
from alliance_desktop.ui.tasks import Worker

# The dialogs and the worker's functions load on first use, and the sharing services on
# the worker thread: none of them is needed for the window's first paint.
if TYPE_CHECKING:
    from alliance_desktop.services.sharing import SharingStatus
    from alliance_desktop.storage.sync_backups import BackupInfo
    from alliance_desktop.ui.main_window import MainWindow
    from alliance_desktop.ui.sharing import work
    from alliance_desktop.ui.sharing.backups import BackupsDialog
    from alliance_desktop.ui.sharing.conflicts import ConflictDialog
    from alliance_desktop.ui.sharing.dialogs import FolderDialog, ReportDialog
    from alliance_desktop.ui.sharing.history import HistoryDialog

log = logging.getLogger(__name__)

MENU_NAME: Final = "menu-sharing"
TOOLBAR_NAME: Final = "toolbar-sharing"
CONTROLLER_NAME: Final = "sharingController"
FOLDER_KEY: Final = "partage/dossier"
AUTHOR_KEY: Final = "partage/nom"
# Ctrl+Shift+S as asked; F9 while another action of the window holds it.
SYNC_SHORTCUTS: Final = ("Ctrl+Shift+S", "F9")
# « Partage » goes before « Exporter » when there is one (whose tests keep it just before
# « Aide »), else before « Aide », which stays last.
_BEFORE: Final = ("menu-export", "menu-help")
_TITLES_BEFORE: Final = ("Exporter", "Export", "Aide", "Help")
# Jobs that change the database or the shared folder: one at a time, and the menu waits.
_WRITING: Final = frozenset({"sync", "publish", "merge", "restore", "copy", "backup", "decide"})
STATUS_EVERY_MS: Final = 60_000
STATUS_DELAY_MS: Final = 1_500
QUIT_WAIT_MS: Final = 15_000


def _menu(window: MainWindow) -> QMenu:
    # « Sh&aring »: Alt+S already opens « &Session ».
    return feature_menu(
        window,
        MENU_NAME,
        t("&Partage", "Sh&aring"),
        before_names=_BEFORE,
        before_titles=_TITLES_BEFORE,
    )


@dataclass
class _Job:
    kind: str
    done: Callable[[Any], None]
    failed: Callable[[str], None]


class SharingController(QObject):
    """The « Partage » menu, the « Synchroniser » button and the sharing status of the window.

    Syncs, merges, decisions, backups and restores run on a worker thread that opens its
    own connection to the database file; only plain data comes back. The window is
    pulled into step after it is first painted, and this laptop's changes are published
    when a session is closed and when the application quits.

    Signals:
        status_changed: the sharing status was read again; carries the SharingStatus.
        synced: a sync or a merged file ended; carries the SyncOutcome.
        sync_failed: a sync, a merge or a decision failed; carries the sentence shown.
        published: changes were published without a pull; carries the PublishOutcome.
        conflicts_loaded: the open conflicts were read; carries the ConflictList.
        history_loaded: a session's history was read; carries the SessionHistory.
        backups_loaded: the backups were listed; carries them, newest first.
        restored: a backup was put back and the window reopened it; carries Restored.
        idle: no job is left running.
    """

    status_changed = Signal(object)
    synced = Signal(object)
    sync_failed = Signal(str)
    published = Signal(object)
    conflicts_loaded = Signal(object)
    history_loaded = Signal(object)
    backups_loaded = Signal(object)
    restored = Signal(object)
    idle = Signal()

    def __init__(self, window: MainWindow, settings: Settings | None = None) -> None:
        """Add the menu, the toolbar button and the status to ``window``."""
        super().__init__(window)
        self.setObjectName(CONTROLLER_NAME)
        self._window = window
        self._settings = settings if settings is not None else window_settings(window)
        self.worker = Worker(self)
        self.worker.done.connect(self._job_done)
        self.worker.failed.connect(self._job_failed)
        self._jobs: dict[int, _Job] = {}
        self._status: SharingStatus | None = None
        self._statuses: dict[uuid.UUID, e.SessionStatus] = {}
        self._hooked_workshop = False
        self._started = False
        self._place_asked: set[Path] = set()
        self.report_dialog: ReportDialog | None = None
        self.conflict_dialog: ConflictDialog | None = None
        self.history_dialog: HistoryDialog | None = None
        self.backups_dialog: BackupsDialog | None = None
        self.progress: QProgressDialog | None = None

        self.menu = _menu(window)
        if self.menu.actions():
            self.menu.addSeparator()
        self.sync_action = self._add(t("&Synchroniser", "&Synchronise"), self.synchronise)
        shortcut = free_shortcut(window, SYNC_SHORTCUTS)
        if shortcut is not None:
            self.sync_action.setShortcut(shortcut)
        self.sync_action.setToolTip(
            t(
                "Envoyer vos modifications et recevoir celles des autres animateurs",
                "Send your changes and receive the other facilitators'",
            )
        )
        self.folder_action = self._add(
            t("&Dossier partagé…", "Shared &folder…"), self.choose_folder
        )
        self.menu.addSeparator()
        self.conflicts_action = self._add(
            t("&Conflits à examiner…", "&Conflicts to review…"), self.review_conflicts
        )
        self.history_action = self._add(
            t("&Historique de la séance…", "Session &history…"), self.show_history
        )
        self.menu.addSeparator()
        self.merge_action = self._add(
            t("&Fusionner un fichier…", "&Merge a file…"), self.merge_file
        )
        self.backups_action = self._add(t("Sau&vegardes…", "&Backups…"), self.show_backups)

        self.toolbar = QToolBar(t("Partage", "Sharing"), window)
        self.toolbar.setObjectName(TOOLBAR_NAME)
        self.toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        self.toolbar.setMovable(False)
        self.toolbar.addAction(self.sync_action)
        window.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.toolbar)

        self.status_widget = SyncStatusWidget(window)
        self.status_widget.conflicts_clicked.connect(self.review_conflicts)
        self.status_widget.setup_clicked.connect(self.choose_folder)
        # Before the name of the open database, which stays rightmost.
        window.statusBar().insertPermanentWidget(1, self.status_widget)

        self._status_timer = QTimer(self)
        self._status_timer.setInterval(STATUS_EVERY_MS)
        self._status_timer.timeout.connect(self.refresh_status)
        self._status_timer.start()
        # Edits come in bursts while a session is typed: read the count once they pause.
        self._status_soon = QTimer(self)
        self._status_soon.setSingleShot(True)
        self._status_soon.setInterval(STATUS_DELAY_MS)
        self._status_soon.timeout.connect(self.refresh_status)

        window.meeting_shown.connect(self._update_actions)
        window.workshop_opened.connect(self._workshop_opened)
        window.database_changed.connect(self._database_changed)
        window.list_view.selectionModel().currentRowChanged.connect(self._update_actions)
        self.menu.aboutToShow.connect(self._update_actions)
        self.menu.aboutToShow.connect(self.refresh_status)
        app = QCoreApplication.instance()
        if app is not None:
            app.aboutToQuit.connect(self.publish_at_quit)
        window.installEventFilter(self)
        self._remember_statuses()
        self._update_actions()
        if window.isVisible():
            QTimer.singleShot(0, self.start)

    def _add(self, text: str, slot: Callable[[], object]) -> QAction:
        action = QAction(text, self._window)
        action.triggered.connect(lambda _checked=False: slot())
        self.menu.addAction(action)
        return action

    # --- state --------------------------------------------------------------------------

    @property
    def settings(self) -> Settings:
        """Where the shared folder and the facilitator's name are remembered."""
        return self._settings

    @property
    def status(self) -> SharingStatus | None:
        """The last sharing status read (None until the first reading)."""
        return self._status

    @property
    def busy(self) -> bool:
        """A sync, a merge, a decision, a backup or a restore is running."""
        return any(job.kind in _WRITING for job in self._jobs.values())

    def running(self) -> list[str]:
        """The kinds of the jobs not finished yet, oldest first."""
        return [job.kind for job in self._jobs.values()]

    def folder(self) -> Path | None:
        """The shared folder: where this database last synced, else the one in the settings."""
        if self._status is not None and self._status.shared_dir:
            return Path(self._status.shared_dir)
        saved = self._settings.text(FOLDER_KEY)
        return Path(saved) if saved else None

    def author(self) -> str:
        """The facilitator's name saved on this laptop (empty until given)."""
        return self._settings.text(AUTHOR_KEY) or ""

    def _db_path(self) -> Path:
        return self._window.database.path

    def _update_actions(self, *_args: object) -> None:
        idle = not self.busy
        for action in (
            self.sync_action,
            self.folder_action,
            self.merge_action,
        ):
            action.setEnabled(idle)
        self.history_action.setEnabled(self._window.current_meeting_id() is not None)

    # --- jobs ---------------------------------------------------------------------------

    def _start(
        self,
        kind: str,
        call: Callable[[], object],
        done: Callable[[Any], None],
        failed: Callable[[str], None] | None = None,
    ) -> int:
        ticket = self.worker.run(call)
        self._jobs[ticket] = _Job(kind, done, failed or self._warn)
        self._update_actions()
        return ticket

    def _job_done(self, ticket: int, result: object) -> None:
        job = self._jobs.pop(ticket, None)
        try:
            if job is not None:
                job.done(result)
        finally:
            self._job_over()

    def _job_failed(self, ticket: int, message: str) -> None:
        job = self._jobs.pop(ticket, None)
        try:
            if job is not None:
                job.failed(message)
        finally:
            self._job_over()

    def _job_over(self) -> None:
        if not self.busy:
            self.status_widget.set_busy("")
        self._update_actions()
        if not self._jobs:
            self.idle.emit()

    def wait(self, msecs: int = 30_000) -> bool:
        """Wait for the worker's jobs (at the window's end, and for tests)."""
        return self.worker.wait(msecs)

    def _warn(self, message: str) -> None:
        QMessageBox.warning(self._window, APP_NAME, message)

    # --- status -------------------------------------------------------------------------

    def refresh_status(self) -> None:
        """Read the sharing status again on the worker (once: readings do not pile up)."""
        from alliance_desktop.ui.sharing import work

        self._status_soon.stop()
        if any(job.kind == "status" for job in self._jobs.values()):
            return
        path = self._db_path()
        self._start(
            "status", lambda: work.read_status(path), self._status_read, self._status_failed
        )

    def _read_then(self, then: Callable[[], object]) -> None:
        from alliance_desktop.ui.sharing import work

        path = self._db_path()

        def done(outcome: work.StatusOutcome) -> None:
            if outcome.db_path == self._db_path():
                self._set_status(outcome.status)
                then()

        self._start("status", lambda: work.read_status(path), done)

    def refresh_status_soon(self) -> None:
        """Read the status once the current burst of edits pauses."""
        self._status_soon.start()

    def _status_read(self, outcome: work.StatusOutcome) -> None:
        if outcome.db_path == self._db_path():
            self._set_status(outcome.status)

    def _status_failed(self, message: str) -> None:
        # The status is a courtesy: a database that cannot be read says so elsewhere.
        log.info("sharing status unavailable: %s", message)

    def _set_status(self, status: SharingStatus) -> None:
        self._status = status
        self.status_widget.show_status(status)
        self.status_changed.emit(status)

    # --- start-up, sessions closed, quitting ---------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Start after the window's first paint; let jobs end before the window goes."""
        if watched is self._window:
            if event.type() == QEvent.Type.Paint and not self._started:
                QTimer.singleShot(0, self.start)
            elif event.type() == QEvent.Type.Close:
                self.wait()
        return False

    def start(self) -> None:
        """After the first paint: where the database lives, then the start-up pull."""
        if self._started:
            return
        self._started = True
        self._check_place(then_pull=True)

    def _check_place(self, *, then_pull: bool = False) -> None:
        from alliance_desktop.ui.sharing import work

        path = self._db_path()

        def done(outcome: work.StatusOutcome) -> None:
            if outcome.db_path != self._db_path():
                return
            self._set_status(outcome.status)
            if outcome.place is not None and path not in self._place_asked:
                self._place_asked.add(path)
                if self.offer_local_copy(path, outcome.place, then_pull=then_pull):
                    return
            if then_pull:
                self.pull_at_start()

        self._start("status", lambda: work.read_status(path, place=True), done, self._status_failed)

    def offer_local_copy(self, path: Path, place: str, *, then_pull: bool = False) -> bool:
        """Say that the database lives in a synchronised folder; offer a local copy.

        Returns:
            True if the copy was asked for (the window then works on the copy).
        """
        from alliance_desktop.ui.sharing import places

        answer = QMessageBox.question(
            self._window,
            t("Base dans un dossier synchronisé", "Database in a synchronised folder"),
            t(
                f"La base « {path} » se trouve dans un dossier tenu par {place}. Un client "
                "de synchronisation ou un partage réseau peut endommager une base ouverte "
                "ou perdre des modifications.\n\nCopier la base dans le dossier local de "
                f"l'application (« {places.local_folder()} ») et travailler sur la copie ? "
                "L'original n'est pas modifié.",
                f"The database “{path}” is in a folder kept by {place}. A sync client or a "
                "network share can damage an open database or lose changes.\n\nCopy the "
                f"database to the application's local folder (“{places.local_folder()}”) and "
                "work on the copy? The original is left unchanged.",
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        self.copy_to_local(path, then=self.pull_at_start if then_pull else None)
        return True

    def copy_to_local(self, path: Path, then: Callable[[], None] | None = None) -> None:
        """Copy the database to local storage, then open the copy in the window."""
        from alliance_desktop.ui.sharing import work

        def done(copy: Path) -> None:
            if self._window.open_database_file(copy):
                self._window.statusBar().showMessage(
                    t(
                        f"La base est maintenant ouverte depuis « {copy} ».",
                        f"The database is now opened from “{copy}”.",
                    ),
                    15000,
                )
                if then is not None:
                    then()

        self.status_widget.set_busy(t("Copie de la base…", "Copying the database…"))
        self._start("copy", lambda: work.copy_to_local(path), done)

    def pull_at_start(self) -> None:
        """Pull the others' changes if the database is shared and its folder is there."""
        from alliance_desktop.ui.sharing import work

        path, folder, author = self._db_path(), self.folder(), self.author()
        self.status_widget.set_busy(t("Synchronisation…", "Syncing…"))
        self._start(
            "sync",
            lambda: work.sync_if_reachable(path, folder, author or None),
            lambda outcome: self._synced(outcome, manual=False),
            lambda message: self._sync_failed(message, manual=False),
        )

    def _workshop_opened(self, *_args: object) -> None:
        self._update_actions()
        self.refresh_status_soon()
        if self._hooked_workshop:
            return
        workshop = self._window.workshop()
        # The workshop has no signal of its own for « Clore la séance »: the list of
        # sessions changes, and the session's status tells.
        workshop.sessions_changed.connect(self._sessions_changed)
        workshop.counts_changed.connect(self.refresh_status_soon)
        self._hooked_workshop = True

    def _remember_statuses(self) -> None:
        self._statuses = {m.id: m.status for m in self._window.model.meetings()}

    def _sessions_changed(self) -> None:
        before = self._statuses
        self._remember_statuses()
        closed = [
            mid
            for mid, status in self._statuses.items()
            if status == e.SessionStatus.CLOSED and before.get(mid, status) != status
        ]
        self.refresh_status_soon()
        if closed:
            self.publish()

    def publish(self) -> None:
        """Send this laptop's changes now, without merging (a session was closed)."""
        from alliance_desktop.ui.sharing import work

        status = self._status
        if status is None or status.workspace_id is None:
            return
        path, folder = self._db_path(), self.folder()
        self._start(
            "publish", lambda: work.publish_now(path, folder), self._published, self._publish_failed
        )

    def _published(self, outcome: work.PublishOutcome) -> None:
        if outcome.status is not None and outcome.db_path == self._db_path():
            self._set_status(outcome.status)
        if outcome.problem:
            self.status_widget.set_problem(outcome.problem)
            self._window.statusBar().showMessage(outcome.problem, 15000)
        elif outcome.changes:
            done = wording.count(
                outcome.changes,
                ("modification publiée", "modifications publiées"),
                ("change published", "changes published"),
            )
            self._window.statusBar().showMessage(
                done + t(" dans le dossier partagé.", " to the shared folder."), 10000
            )
        self.published.emit(outcome)

    def _publish_failed(self, message: str) -> None:
        # Nothing is lost: the changes stay and leave with the next sync.
        self.status_widget.set_problem(message)
        self._window.statusBar().showMessage(message, 15000)
        self.sync_failed.emit(message)

    def publish_at_quit(self) -> None:
        """The application quits: publish what is left, waiting a little for the folder."""
        from alliance_desktop.ui.sharing import work

        status = self._status
        if status is not None and status.workspace_id is not None:
            path, folder = self._db_path(), self.folder()
            self._start(
                "publish",
                lambda: work.publish_now(path, folder),
                self._published,
                self._publish_failed,
            )
        if not self.worker.wait(QUIT_WAIT_MS):
            log.warning("sharing: publishing at quit did not finish in time")

    def _database_changed(self, *_args: object) -> None:
        self._status = None
        self.status_widget.show_status(None)
        self.status_widget.set_problem("")
        self._remember_statuses()
        self._update_actions()
        self._check_place()

    # --- synchronising ------------------------------------------------------------------

    def synchronise(self) -> None:
        """« Synchroniser »: send and receive; the first time, ask for the shared folder."""
        if self.busy:
            return
        status = self._status
        if status is None:
            # Not known yet (just opened): a database that is not shared must never be
            # synced into the folder of the settings without the facilitator's say.
            self._read_then(self.synchronise)
            return
        folder = self.folder()
        if folder is None or status.workspace_id is None:
            self.choose_folder()
            return
        self._sync(folder, self.author() or None)

    def _sync(self, folder: Path, author: str | None) -> None:
        from alliance_desktop.ui.sharing import work

        path = self._db_path()
        self.status_widget.set_busy(t("Synchronisation…", "Syncing…"))
        self._window.statusBar().showMessage(t("Synchronisation en cours…", "Syncing…"), 5000)

        def done(outcome: work.SyncOutcome) -> None:
            self._settings.set_text(FOLDER_KEY, str(folder))
            self._synced(outcome, manual=True)

        self._start(
            "sync",
            lambda: work.sync_now(path, folder, author),
            done,
            lambda message: self._sync_failed(message, manual=True),
        )

    def choose_folder(self) -> FolderDialog | None:
        """« Dossier partagé… »: choose the folder and one's name, then synchronise."""
        from alliance_desktop.ui.sharing import places

        if self.busy:
            return None
        status = self._status
        if status is None:
            # The dialog says whether the database is shared: read it first.
            self._read_then(self.choose_folder)
            return None
        saved = self._settings.text(FOLDER_KEY) or (status.shared_dir if status else "") or ""
        author = self.author() or (status.author if status is not None else "")
        from alliance_desktop.ui.sharing.dialogs import FolderDialog

        dialog = FolderDialog(saved, author, status, self._window)
        try:
            if dialog.exec() != QDialog.DialogCode.Accepted:
                return dialog
            folder, name = dialog.folder(), dialog.author()
        finally:
            dialog.deleteLater()
        if folder is None:
            return dialog
        self._settings.set_text(AUTHOR_KEY, name)
        if places.database_inside(self._window.database, folder):
            self._database_inside(folder, name)
            return dialog
        self._sync(folder, name)
        return dialog

    def _database_inside(self, folder: Path, name: str) -> None:
        from alliance_desktop.ui.sharing import places

        path = self._db_path()
        answer = QMessageBox.question(
            self._window,
            t("Base dans le dossier partagé", "Database in the shared folder"),
            t(
                f"La base de travail « {path} » se trouve dans le dossier partagé « {folder} » : "
                "un client de synchronisation l'endommagerait.\n\nCopier d'abord la base dans "
                f"le dossier local de l'application (« {places.local_folder()} »), puis "
                "synchroniser la copie ?",
                f"The working database “{path}” is inside the shared folder “{folder}”: a "
                "sync client would damage it.\n\nFirst copy the database to the application's "
                f"local folder (“{places.local_folder()}”), then synchronise the copy?",
            ),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        if answer == QMessageBox.StandardButton.Yes:
            self.copy_to_local(path, then=lambda: self._sync(folder, name))

    def _synced(self, outcome: work.SyncOutcome, *, manual: bool) -> None:
        if outcome.db_path == self._db_path():
            self._set_status(outcome.status)
        self.status_widget.set_problem(outcome.problem)
        if outcome.problem:
            self._window.statusBar().showMessage(outcome.problem, 15000)
        if outcome.received or outcome.compacted:
            self.reload_window()
        report = outcome.report
        if report is not None:
            worth = (
                manual or outcome.received or bool(report.set_aside) or report.open_conflicts > 0
            )
            if worth:
                self.show_report(outcome)
            else:
                self._window.statusBar().showMessage(report.lines()[0], 8000)
        if self.conflict_dialog is not None and self.conflict_dialog.isVisible():
            self._load_conflicts()
        self.synced.emit(outcome)

    def _sync_failed(self, message: str, *, manual: bool) -> None:
        self.status_widget.set_problem(message)
        self.refresh_status()
        if manual:
            QMessageBox.warning(
                self._window, t("Synchronisation impossible", "Sync failed"), message
            )
        else:
            self._window.statusBar().showMessage(message, 15000)
        self.sync_failed.emit(message)

    def show_report(self, outcome: work.SyncOutcome) -> ReportDialog | None:
        """Show what a sync or a merged file did (the window stays usable meanwhile)."""
        if outcome.report is None:
            return None
        if self.report_dialog is not None:
            self.report_dialog.close()
            self.report_dialog.deleteLater()
        from alliance_desktop.ui.sharing.dialogs import ReportDialog

        dialog = ReportDialog(outcome.report, compacted=outcome.compacted, parent=self._window)
        dialog.review_requested.connect(self.review_conflicts)
        self.report_dialog = dialog
        dialog.show()
        return dialog

    def reload_window(self) -> None:
        """Show what arrived: the list of sessions, and the session open in the workshop."""
        self._window.reload()
        if self._window.in_workshop():
            meeting_id = self._window.current_meeting_id()
            if meeting_id is not None:
                self._window.workshop().open_meeting(meeting_id)
        self._remember_statuses()

    # --- merging a file -----------------------------------------------------------------

    def merge_file(self, file: Path | None = None) -> None:
        """« Fusionner un fichier… »: a database received by e-mail, a conflicted copy."""
        from alliance_desktop.ui.sharing import work

        if self.busy:
            return
        if file is None:
            start = self.folder() or Path.home()
            name, _filter = QFileDialog.getOpenFileName(
                self._window,
                t("Fusionner un fichier", "Merge a file"),
                str(start),
                t(
                    "Bases et paquets Alliance (*.sqlite3 *.sqlite *.db *.bundle);;Tous les fichiers (*)",
                    "Alliance databases and bundles (*.sqlite3 *.sqlite *.db *.bundle);;All files (*)",
                ),
            )
            if not name:
                return
            file = Path(name)
        path = self._db_path()
        chosen = file
        self.status_widget.set_busy(t("Fusion du fichier…", "Merging the file…"))
        self._start(
            "merge",
            lambda: work.merge_now(path, chosen),
            lambda outcome: self._synced(outcome, manual=True),
            lambda message: self._sync_failed(message, manual=True),
        )

    # --- conflicts ------------------------------------------------------------------------

    def review_conflicts(self) -> ConflictDialog:
        """Show the conflicts' review (one window, brought to the front)."""
        if self.conflict_dialog is None:
            from alliance_desktop.ui.sharing.conflicts import ConflictDialog

            dialog = ConflictDialog(self._window)
            dialog.decided.connect(self._decide)
            self.conflict_dialog = dialog
        self.conflict_dialog.show()
        self.conflict_dialog.raise_()
        self.conflict_dialog.activateWindow()
        self._load_conflicts()
        return self.conflict_dialog

    def _load_conflicts(self) -> None:
        from alliance_desktop.ui.sharing import work

        path = self._db_path()
        self._start("conflicts", lambda: work.load_conflicts(path), self._conflicts_loaded)

    def _conflicts_loaded(self, conflicts: work.ConflictList) -> None:
        if conflicts.db_path != self._db_path():
            return
        self._set_status(conflicts.status)
        if self.conflict_dialog is not None:
            self.conflict_dialog.set_conflicts(conflicts)
        self.conflicts_loaded.emit(conflicts)

    def _decide(self, conflict_id: str, choice: str, value: object) -> None:
        from alliance_desktop.ui.sharing import work

        path = self._db_path()

        def done(conflicts: work.ConflictList) -> None:
            self._conflicts_loaded(conflicts)
            self.reload_window()

        def failed(message: str) -> None:
            if self.conflict_dialog is not None:
                self.conflict_dialog.failed()
            self._warn(message)
            self._load_conflicts()
            self.sync_failed.emit(message)

        self._start("decide", lambda: work.decide(path, conflict_id, choice, value), done, failed)

    # --- history --------------------------------------------------------------------------

    def show_history(self) -> HistoryDialog | None:
        """« Historique de la séance… »: every value the selected session's records held."""
        from alliance_desktop.ui.sharing import work

        meeting_id = self._window.current_meeting_id()
        if meeting_id is None:
            return None
        summary = self._window.model.meeting(self._window.model.row_of(meeting_id))
        title = summary.title if summary is not None else ""
        if self.history_dialog is not None:
            self.history_dialog.close()
            self.history_dialog.deleteLater()
        from alliance_desktop.ui.sharing.history import HistoryDialog

        dialog = HistoryDialog(title, self._window)
        self.history_dialog = dialog
        dialog.show()
        path = self._db_path()

        def done(history: work.SessionHistory) -> None:
            if self.history_dialog is dialog:
                dialog.set_history(history)
            self.history_loaded.emit(history)

        self._start("history", lambda: work.session_history(path, meeting_id), done)
        return dialog

    # --- backups --------------------------------------------------------------------------

    def show_backups(self) -> BackupsDialog:
        """« Sauvegardes… »: the list, « Sauvegarder maintenant » and « Restaurer… »."""
        if self.backups_dialog is None or self.backups_dialog.db_path != self._db_path():
            if self.backups_dialog is not None:
                self.backups_dialog.close()
                self.backups_dialog.deleteLater()
            from alliance_desktop.ui.sharing.backups import BackupsDialog

            dialog = BackupsDialog(self._db_path(), paths.backups_dir(), self._window)
            dialog.backup_requested.connect(self.backup_now)
            dialog.restore_requested.connect(self.restore)
            self.backups_dialog = dialog
        self.backups_dialog.show()
        self.backups_dialog.raise_()
        self._load_backups()
        return self.backups_dialog

    def _load_backups(self) -> None:
        from alliance_desktop.ui.sharing import work

        path = self._db_path()

        def done(backups: tuple[BackupInfo, ...]) -> None:
            if self.backups_dialog is not None and self.backups_dialog.db_path == path:
                self.backups_dialog.set_backups(backups)
            self.backups_loaded.emit(backups)

        self._start("backups", lambda: work.list_backups(path), done)

    def backup_now(self) -> None:
        """« Sauvegarder maintenant »."""
        from alliance_desktop.ui.sharing import work

        path = self._db_path()
        if self.backups_dialog is not None:
            self.backups_dialog.set_busy(t("Sauvegarde en cours…", "Backing up…"))

        def done(made: Path) -> None:
            message = t(f"Sauvegarde vérifiée : {made.name}", f"Verified backup: {made.name}")
            if self.backups_dialog is not None:
                self.backups_dialog.set_busy("")
                self.backups_dialog.state.setText(message)
            self._window.statusBar().showMessage(message, 10000)
            self._load_backups()

        def failed(message: str) -> None:
            if self.backups_dialog is not None:
                self.backups_dialog.set_busy("")
            self._warn(message)

        self._start("backup", lambda: work.backup_now(path), done, failed)

    def restore(self, backup: BackupInfo) -> None:
        """Put ``backup`` back in place of the database, then reopen it in the window.

        The window lets go of the file first; a window-modal progress keeps the
        facilitator from typing into a database about to be replaced, while the event
        loop goes on.
        """
        from alliance_desktop.ui.sharing import work

        if self.busy:
            return
        path = self._db_path()
        progress = QProgressDialog(
            t("Restauration de la sauvegarde…", "Restoring the backup…"), "", 0, 0, self._window
        )
        progress.setObjectName("sharing-restore-progress")
        progress.setWindowTitle(t("Sauvegardes", "Backups"))
        progress.setCancelButton(None)
        progress.setWindowModality(Qt.WindowModality.ApplicationModal)
        progress.setMinimumDuration(0)
        progress.show()
        self.progress = progress
        if self.backups_dialog is not None:
            self.backups_dialog.set_busy(t("Restauration…", "Restoring…"))
        self._window.database.close()

        def over() -> None:
            progress.close()
            progress.deleteLater()
            self.progress = None
            if self.backups_dialog is not None:
                self.backups_dialog.set_busy("")

        def done(restored: work.Restored) -> None:
            over()
            self._window.open_database_file(path)
            message = t(
                f"Sauvegarde du {wording.when(backup.taken_at)} restaurée.",
                f"Backup of {wording.when(backup.taken_at)} restored.",
            )
            if restored.previous is not None:
                message += t(
                    f" L'état précédent est gardé dans « {restored.previous.name} ».",
                    f" The previous state is kept in “{restored.previous.name}”.",
                )
            if self.backups_dialog is not None:
                self.backups_dialog.state.setText(message)
            self._window.statusBar().showMessage(message, 15000)
            self._load_backups()
            self.restored.emit(restored)

        def failed(message: str) -> None:
            over()
            self._window.reload()
            self._warn(message)

        self._start("restore", lambda: work.restore(path, backup.path), done, failed)
