"""The main window: the list of sessions on the left, the selected session on the right."""

from __future__ import annotations

import datetime as dt
import html
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

# The menus' classes and the dialogs are imported where they are used: PySide6 makes the
# Python enumerations of each Qt class on first touch, time taken before the first paint.
from PySide6.QtCore import QByteArray, QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QUndoGroup
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMainWindow,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from alliance_desktop import APP_NAME, version
from alliance_desktop.core.enums import SessionStatus
from alliance_desktop.core.errors import KnownError
from alliance_desktop.core.i18n import language, t
from alliance_desktop.services.meetings import list_meetings, meeting_detail
from alliance_desktop.storage.database import Database
from alliance_desktop.ui.meeting_view import MeetingView
from alliance_desktop.ui.models import MeetingListModel
from alliance_desktop.ui.search_panel import SearchPanel
from alliance_desktop.ui.settings import GEOMETRY_KEY, LANGUAGE_KEY, SPLITTER_KEY, Settings

if TYPE_CHECKING:
    from PySide6.QtCore import QModelIndex
    from PySide6.QtGui import QAction, QCloseEvent, QKeyEvent, QKeySequence

    from alliance_desktop.services.search import SearchResult
    from alliance_desktop.ui.shortcuts import ShortcutOverlay
    from alliance_desktop.ui.workshop_view import WorkshopView

DatabaseOpener = Callable[[Path], Database]
Now = Callable[[], dt.datetime]

# A window shown but never painted (minimised at start) still gets its menus this soon.
STARTUP_FALLBACK_MS = 2000

# « Démarrer la séance » and « Clore la séance » (the latter asks first).
START_KEY = "Ctrl+Shift+D"
CLOSE_KEY = "Ctrl+Shift+L"

# The workshop screen's window-wide keys: its tabs, a new point in a column of the board,
# a new listening note (see WorkshopView.keys, which the tests compare with these).
WORKSHOP_KEYS = (*(f"Alt+{n}" for n in range(1, 8)), "Ctrl+1", "Ctrl+2", "Ctrl+3", "Ctrl+4")


def window_title() -> str:
    """The window's title in the interface language."""
    return t(
        "Alliance — Transition écologique et solidaire",
        "Alliance — Ecological and Fair Transition",
    )


def _count(n: int, fr: tuple[str, str], en: tuple[str, str]) -> str:
    # French counts 0 and 1 in the singular, English only 1.
    if language() == "fr":
        return f"{n} {fr[0] if n <= 1 else fr[1]}"
    return f"{n} {en[0] if n == 1 else en[1]}"


class MainWindow(QMainWindow):
    """The sessions of the open database and the content of the selected one.

    Built in two parts: the list and the selected session first, then the menus and
    whatever :meth:`when_started` was given (the features' menus and toolbars). A window
    built ``deferred`` paints the first part before making the second, so that the
    sessions show sooner; otherwise both are made at once.

    Signals:
        database_changed: another database file was opened; carries the new Database.
        meeting_shown: the right-hand side (page or workshop) now shows this session;
            carries its id.
        workshop_opened: the workshop screen now shows this session; carries its id.
    """

    database_changed = Signal(object)
    meeting_shown = Signal(object)
    workshop_opened = Signal(object)

    def __init__(
        self,
        db: Database,
        *,
        open_db: DatabaseOpener,
        settings: Settings,
        data_dir: Path,
        is_demo: bool = False,
        now: Now | None = None,
        deferred: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        """Build the window on ``db`` and select the newest session.

        Args:
            db: the open working database; the window reads it, the caller closes it.
            open_db: opens another file chosen with « Ouvrir une base… ».
            settings: this laptop's settings (language, window geometry).
            data_dir: the application's data folder, shown in « À propos ».
            is_demo: ``db`` is a throw-away demonstration database.
            now: local wall-clock time for the workshop clock (tests pass a fake one).
            deferred: make the menus right after the first paint instead of now (see
                :meth:`finish_startup`).
            parent: the parent widget, if any.
        """
        super().__init__(parent)
        self._db = db
        self._open_db = open_db
        self._settings = settings
        self._data_dir = data_dir
        self._is_demo = is_demo
        self._now = now
        # The workshop screen is built the first time a session is opened for editing:
        # it is not needed to browse, and start-up stays quick.
        self._workshop: WorkshopView | None = None
        self._shortcuts: ShortcutOverlay | None = None
        self._started = False
        self._when_started: list[Callable[[], object]] = []
        self.undo_group = QUndoGroup(self)

        self.setObjectName("mainWindow")
        self.setWindowTitle(window_title())
        self.setAccessibleName(window_title())
        self.setMinimumSize(800, 500)

        self.model = MeetingListModel(self)
        self.list_view = self._make_list()
        self.meeting_view = MeetingView(self)

        left = QWidget(self)
        left.setObjectName("sessionsPanel")
        layout = QVBoxLayout(left)
        layout.setContentsMargins(8, 8, 0, 8)
        layout.setSpacing(4)
        self.search = SearchPanel(db, left)
        self.search.activated.connect(self.open_result)
        self.search.active_changed.connect(self._search_shown)
        layout.addWidget(self.search)
        self.list_title = QLabel(t("Séances", "Sessions"), left)
        self.list_title.setBuddy(self.list_view)
        font = self.list_title.font()
        font.setBold(True)
        self.list_title.setFont(font)
        layout.addWidget(self.list_title)
        layout.addWidget(self.list_view, 1)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.setObjectName("mainSplitter")
        self.splitter.setChildrenCollapsible(False)
        self.right_stack = QStackedWidget(self)
        self.right_stack.setObjectName("sessionArea")
        self.right_stack.addWidget(self.meeting_view)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.right_stack)
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([470, 890])
        self.setCentralWidget(self.splitter)

        self.count_label = QLabel(self)
        self.count_label.setAccessibleName(t("Résumé de la séance", "Session summary"))
        self.database_label = QLabel(self)
        self.database_label.setAccessibleName(t("Base ouverte", "Open database"))
        self.statusBar().addWidget(self.count_label, 1)
        self.statusBar().addPermanentWidget(self.database_label)

        self._restore_layout()
        self.list_view.selectionModel().currentRowChanged.connect(self._current_row_changed)
        self.list_view.activated.connect(lambda _index: self.open_workshop())
        self.reload()
        self.list_view.setFocus(Qt.FocusReason.OtherFocusReason)
        if deferred:
            self._start_timer = QTimer(self)
            self._start_timer.setSingleShot(True)
            self._start_timer.timeout.connect(self.finish_startup)
            self._start_timer.start(STARTUP_FALLBACK_MS)
            self.installEventFilter(self)
        else:
            self.finish_startup()

    # --- the second part of the window ------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """On the window's first paint, finish it as soon as that paint is over."""
        if watched is self and event.type() == QEvent.Type.Paint:
            self.removeEventFilter(self)
            self._start_timer.start(0)
        return super().eventFilter(watched, event)

    def finish_startup(self) -> None:
        """Make the menus, then run what :meth:`when_started` was given (once)."""
        if self._started:
            return
        self._started = True
        self._make_menus()
        self._make_page_keys()
        self._update_actions()
        pending, self._when_started = self._when_started, []
        for call in pending:
            call()

    def when_started(self, call: Callable[[], object]) -> None:
        """Run ``call`` once the window is finished: now if it is, else right after."""
        if self._started:
            call()
        else:
            self._when_started.append(call)

    @property
    def started(self) -> bool:
        """Whether the menus are made (see :meth:`finish_startup`)."""
        return self._started

    # --- building ---------------------------------------------------------------------

    def _make_list(self) -> QTableView:
        view = QTableView(self)
        view.setObjectName("meetingList")
        view.setAccessibleName(t("Liste des séances", "List of sessions"))
        view.setModel(self.model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        # Tab leaves the list for the session's content instead of walking its cells.
        view.setTabKeyNavigation(False)
        view.setAlternatingRowColors(True)
        view.setShowGrid(False)
        view.setWordWrap(False)
        view.setTextElideMode(Qt.TextElideMode.ElideRight)
        view.verticalHeader().setVisible(False)
        header = view.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(MeetingListModel.NAME, QHeaderView.ResizeMode.Stretch)
        view.setMinimumWidth(360)
        return view

    def _action(
        self, text: str, slot: Callable[[], object], shortcut: QKeySequence | str | None = None
    ) -> QAction:
        from PySide6.QtGui import QAction, QKeySequence

        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        return action

    def _make_menus(self) -> None:
        from PySide6.QtGui import QAction, QActionGroup, QKeySequence

        bar = self.menuBar()

        file_menu = bar.addMenu(t("&Fichier", "&File"))
        self.open_action = self._action(
            t("&Ouvrir une base…", "&Open a database…"), self.choose_database, "Ctrl+O"
        )
        file_menu.addAction(self.open_action)
        file_menu.addSeparator()
        lang_menu = file_menu.addMenu(t("&Langue", "&Language"))
        group = QActionGroup(self)
        saved = self._settings.text(LANGUAGE_KEY) or language()
        self.language_actions: dict[str, QAction] = {}
        for code, name in (("fr", "Français"), ("en", "English")):
            action = QAction(name, self)
            action.setCheckable(True)
            action.setChecked(code == saved)
            action.triggered.connect(lambda _checked=False, c=code: self.choose_language(c))
            group.addAction(action)
            lang_menu.addAction(action)
            self.language_actions[code] = action
        file_menu.addSeparator()
        # Spelled out: QKeySequence.Quit is empty on Windows.
        self.quit_action = self._action(t("&Quitter", "&Quit"), self.close, "Ctrl+Q")
        file_menu.addAction(self.quit_action)

        session_menu = bar.addMenu(t("&Séance", "&Session"))
        self.new_action = self._action(
            t("&Nouvelle séance", "&New session"), self.new_session, "Ctrl+N"
        )
        self.workshop_action = self._action(
            t("Mode a&telier", "&Workshop mode"), self.toggle_workshop, "Ctrl+E"
        )
        self.workshop_action.setCheckable(True)
        # Ctrl+Shift and the menu's underlined letter in French (Démarrer, cLore): free in
        # the whole window, and away from the keys typed while taking notes.
        self.start_action = self._action(
            t("&Démarrer la séance", "S&tart the session"), self._start_session, START_KEY
        )
        self.close_session_action = self._action(
            t("C&lore la séance", "&Close the session"), self._close_session, CLOSE_KEY
        )
        self.search_action = self._action(
            t("Rec&hercher…", "Searc&h…"), self.search.focus, "Ctrl+F"
        )
        self.projection_action = self._action(
            t("&Projection du tableau", "Board &projection"), self._toggle_projection, "F5"
        )
        self.undo_action = self.undo_group.createUndoAction(self, t("Annuler", "Undo"))
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.redo_action = self.undo_group.createRedoAction(self, t("Rétablir", "Redo"))
        # Ctrl+Y is what Windows users type; Ctrl+Shift+Z what the others do.
        self.redo_action.setShortcuts([QKeySequence("Ctrl+Y"), QKeySequence("Ctrl+Shift+Z")])
        for action in (self.new_action, self.workshop_action):
            session_menu.addAction(action)
        session_menu.addAction(self.start_action)
        session_menu.addAction(self.close_session_action)
        session_menu.addSeparator()
        session_menu.addAction(self.undo_action)
        session_menu.addAction(self.redo_action)
        session_menu.addSeparator()
        session_menu.addAction(self.projection_action)
        session_menu.addAction(self.search_action)
        session_menu.addSeparator()
        self.newer_action = self._action(
            t("Séance plus &récente", "&Newer session"), lambda: self._step(-1), "Alt+Up"
        )
        self.older_action = self._action(
            t("Séance plus &ancienne", "&Older session"), lambda: self._step(1), "Alt+Down"
        )
        # F5 is kept for the projection view.
        self.reload_action = self._action(t("&Actualiser", "&Refresh"), self.reload, "Ctrl+R")
        session_menu.addAction(self.newer_action)
        session_menu.addAction(self.older_action)
        session_menu.addSeparator()
        session_menu.addAction(self.reload_action)

        help_menu = bar.addMenu(t("&Aide", "&Help"))
        self.shortcuts_action = self._action(
            t("&Raccourcis clavier", "&Keyboard shortcuts"), self.toggle_shortcuts, "F1"
        )
        help_menu.addAction(self.shortcuts_action)
        self.about_action = self._action(
            t(f"À &propos d’{APP_NAME}", f"&About {APP_NAME}"), self.show_about
        )
        help_menu.addAction(self.about_action)

    def _make_page_keys(self) -> None:
        from PySide6.QtGui import QAction, QKeySequence

        # From the read-only page, the workshop screen's keys open the session there and
        # do what they say: a tab to the front, the cursor on a new point or note. Opening
        # changes nothing in the session, closed or not; only what is then typed does.
        # Held by the page, so live only while it is shown: the workshop screen holds the
        # same keys for itself, and two live actions on one key would trigger neither.
        for sequence in WORKSHOP_KEYS:
            action = QAction(self.meeting_view)
            action.setShortcut(QKeySequence(sequence))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _=False, k=sequence: self._workshop_key(k))
            self.meeting_view.addAction(action)

    def _workshop_key(self, sequence: str) -> None:
        if self.open_workshop():
            self.workshop().run_key(sequence)

    def _restore_layout(self) -> None:
        geometry = self._settings.data(GEOMETRY_KEY)
        if geometry:
            self.restoreGeometry(QByteArray(geometry))
        splitter = self._settings.data(SPLITTER_KEY)
        if splitter:
            self.splitter.restoreState(QByteArray(splitter))

    # --- the database -----------------------------------------------------------------

    @property
    def database(self) -> Database:
        """The database the window shows now (the caller closes it at exit)."""
        return self._db

    def reload(self) -> None:
        """Read the list of sessions again, keeping the selected one if it still exists."""
        current = self.current_meeting_id()
        try:
            meetings = list_meetings(self._db)
        except KnownError as exc:
            self._warn(str(exc))
            return
        self.model.set_meetings(meetings)
        row = self.model.row_of(current) if current is not None else -1
        self._update_database_label()
        if self.model.rowCount() == 0:
            self.meeting_view.show_message(
                t(
                    "Cette base ne contient encore aucune séance.",
                    "This database holds no session yet.",
                )
            )
            self._update_counts()
            return
        self.select_row(max(row, 0))

    def choose_database(self) -> None:
        """Ask for a database file and open it."""
        # The demo lives in a throw-away temporary folder: nothing worth browsing there.
        start = str(Path.home() if self._is_demo else self._db.path.parent)
        filters = t(
            "Bases Alliance (*.sqlite3 *.sqlite *.db);;Tous les fichiers (*)",
            "Alliance databases (*.sqlite3 *.sqlite *.db);;All files (*)",
        )
        from PySide6.QtWidgets import QFileDialog

        name, _filter = QFileDialog.getOpenFileName(
            self, t("Ouvrir une base", "Open a database"), start, filters
        )
        if name:
            self.open_database_file(Path(name))

    def open_database_file(self, path: Path) -> bool:
        """Show the database in ``path`` instead of the current one; False if refused."""
        try:
            new = self._open_db(path)
        except KnownError as exc:
            self._warn(str(exc))
            return False
        old, self._db = self._db, new
        self._is_demo = False
        if self._workshop is not None:
            self._workshop.set_database(new)
        self.search.set_database(new)
        self.leave_workshop()
        old.close()
        self.model.set_meetings([])
        self.reload()
        self.database_changed.emit(new)
        return True

    def _update_database_label(self) -> None:
        path = self._db.path
        if self._is_demo:
            self.database_label.setText(t("Base de démonstration", "Demo database"))
        else:
            self.database_label.setText(t(f"Base : {path.name}", f"Database: {path.name}"))
        self.database_label.setToolTip(str(path))

    # --- the selected session ---------------------------------------------------------

    def current_meeting_id(self) -> uuid.UUID | None:
        """The id of the selected session, if any."""
        m = self.model.meeting(self.list_view.currentIndex().row())
        return m.id if m is not None else None

    def select_row(self, row: int) -> None:
        """Select the session on ``row`` (and show it)."""
        index = self.model.index(row, 0)
        if not index.isValid():
            return
        self.list_view.setCurrentIndex(index)
        self.list_view.scrollTo(index)
        # setCurrentIndex does not signal when the row is already current (after a reload).
        if self.meeting_view.detail is None or self.meeting_view.detail.summary.id != (
            self.current_meeting_id()
        ):
            self._show_row(row)

    def _step(self, delta: int) -> None:
        row = self.list_view.currentIndex().row()
        self.select_row(min(max(row + delta, 0), self.model.rowCount() - 1))

    def _current_row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self._show_row(current.row())

    def _show_row(self, row: int) -> None:
        summary = self.model.meeting(row)
        if summary is None:
            return
        if self.in_workshop():
            workshop = self.workshop()
            if workshop.meeting_id != summary.id and workshop.open_meeting(summary.id):
                self.workshop_opened.emit(summary.id)
                self.meeting_shown.emit(summary.id)
            self._update_actions()
            self._update_counts()
            return
        try:
            detail = meeting_detail(self._db, summary.id)
        except KnownError as exc:
            self._warn(str(exc))
            return
        if detail is None:
            self.meeting_view.show_message(
                t(
                    "Cette séance n’existe plus : elle a été supprimée entre-temps.",
                    "This session no longer exists: it was deleted meanwhile.",
                )
            )
        else:
            self.meeting_view.show_meeting(detail)
            self.meeting_shown.emit(summary.id)
        self._update_counts()

    def _update_counts(self) -> None:
        parts = [_count(self.model.rowCount(), ("séance", "séances"), ("session", "sessions"))]
        detail = self.meeting_view.detail
        if self.in_workshop():
            workshop = self.workshop()
            present, points = workshop.counts()
            parts.append(_count(present, ("présent", "présents"), ("present", "present")))
            parts.append(_count(points, ("point", "points"), ("point", "points")))
        elif detail is not None:
            parts.append(
                _count(detail.summary.present, ("présent", "présents"), ("present", "present"))
            )
            parts.append(_count(len(detail.points), ("point", "points"), ("point", "points")))
            if detail.notes:
                parts.append(
                    _count(
                        len(detail.notes),
                        ("note d’écoute", "notes d’écoute"),
                        ("listening note", "listening notes"),
                    )
                )
        self.count_label.setText(" · ".join(parts))

    # --- the workshop screen ---------------------------------------------------------

    def in_workshop(self) -> bool:
        """Whether the right-hand side shows the editable workshop screen."""
        return self._workshop is not None and self.right_stack.currentWidget() is self._workshop

    def workshop(self) -> WorkshopView:
        """The workshop screen, built on first use."""
        if self._workshop is None:
            from alliance_desktop.ui.workshop_view import WorkshopView

            workshop = WorkshopView(self._db, self.undo_group, now=self._now, parent=self)
            workshop.sessions_changed.connect(self.reload)
            workshop.sessions_changed.connect(self._update_actions)  # started or closed
            workshop.counts_changed.connect(self._update_counts)
            workshop.status_message.connect(lambda text: self.statusBar().showMessage(text, 15000))
            self.right_stack.addWidget(workshop)
            self._workshop = workshop
        return self._workshop

    def open_workshop(self, tab: str | None = None) -> bool:
        """Show the selected session in the workshop screen (optionally on tab ``tab``)."""
        self.finish_startup()  # its actions are checked below
        meeting_id = self.current_meeting_id()
        if meeting_id is None:
            return False
        workshop = self.workshop()
        if workshop.meeting_id != meeting_id and not workshop.open_meeting(meeting_id):
            return False
        if tab is not None:
            workshop.show_tab(tab)
        self.right_stack.setCurrentWidget(workshop)
        self.workshop_action.setChecked(True)
        self.undo_group.setActiveStack(workshop.stack)
        self._update_actions()
        self._update_counts()
        self.workshop_opened.emit(meeting_id)
        workshop.focus_tab()
        return True

    def leave_workshop(self) -> None:
        """Back to the read-only page of the selected session."""
        self.finish_startup()  # its actions are checked below
        self.workshop_action.setChecked(False)
        if not self.in_workshop():
            self._update_actions()
            return
        self.right_stack.setCurrentWidget(self.meeting_view)
        self._update_actions()
        row = self.list_view.currentIndex().row()
        if row >= 0:
            self._show_row(row)  # the page shows what was recorded meanwhile
        self.list_view.setFocus(Qt.FocusReason.OtherFocusReason)

    def toggle_workshop(self) -> None:
        """Ctrl+E: switch between the read-only page and the workshop screen."""
        if self.in_workshop():
            self.leave_workshop()
        elif not self.open_workshop():
            self.workshop_action.setChecked(False)

    def new_session(self) -> None:
        """Ctrl+N: plan a new session today, 17:00–19:00, and open it on Préparation."""
        from alliance_desktop.services.workshop import PlanFields, create_meeting

        today = (self._now or dt.datetime.now)().date()
        try:
            changes = create_meeting(
                self._db, PlanFields(date=today, title=t("Nouvelle séance", "New session"))
            )
        except KnownError as exc:
            self._warn(str(exc))
            return
        self.reload()
        assert changes.meeting_id is not None
        row = self.model.row_of(changes.meeting_id)
        if row >= 0:
            self.select_row(row)
            self.open_workshop("planning")

    def open_result(self, result: SearchResult) -> None:
        """Open the session of a search result in the workshop screen, at the item found."""
        row = self.model.row_of(result.meeting_id)
        if row < 0:
            self.reload()
            row = self.model.row_of(result.meeting_id)
        if row < 0:
            self._warn(
                t(
                    "Cette séance n’existe plus : elle a été supprimée entre-temps.",
                    "This session no longer exists: it was deleted meanwhile.",
                )
            )
            return
        self.select_row(row)
        if self.open_workshop():
            self.workshop().reveal(result.kind, result.item_id)

    def _search_shown(self, active: bool) -> None:
        # The results take the sessions' place while a search is typed.
        self.list_title.setVisible(not active)
        self.list_view.setVisible(not active)

    def close_search(self) -> None:
        """Empty the search: the list of sessions is back, and has the keyboard."""
        self.search.line.clear()
        self.list_view.setFocus(Qt.FocusReason.OtherFocusReason)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Escape that no widget took, while a search is shown, goes back to the sessions.

        After a result was opened the keyboard is in the workshop screen, where the
        search line's own Escape cannot be reached. Dialogs, the projection, the board's
        typing line and the lists' editors take their Escape before it gets here.
        """
        escape = (
            event.key() == Qt.Key.Key_Escape and event.modifiers() == Qt.KeyboardModifier.NoModifier
        )
        # The search line empties itself on a first Escape; a second one leaves it.
        if escape and (self.search.is_active() or self.search.line.hasFocus()):
            self.close_search()
            event.accept()
            return
        super().keyPressEvent(event)

    def toggle_shortcuts(self) -> None:
        """F1: show the list of every key over the window, or hide it."""
        if self._shortcuts is None:
            from alliance_desktop.ui.shortcuts import ShortcutOverlay

            self._shortcuts = ShortcutOverlay(self)
        self._shortcuts.toggle()

    def shortcut_overlay(self) -> ShortcutOverlay | None:
        """The F1 overlay, once it has been shown."""
        return self._shortcuts

    def _toggle_projection(self) -> None:
        if self.in_workshop():
            self.workshop().toggle_projection()

    def _start_session(self) -> None:
        if self.in_workshop():
            self.workshop().start()

    def _close_session(self) -> None:
        if self.in_workshop():
            self.workshop().close_session()

    def _update_actions(self) -> None:
        if not self._started:
            return  # no actions yet: finish_startup updates them once made
        editing = self.in_workshop()
        status = self.workshop().status() if editing else None
        # Only what the session's state allows: starting a closed session again would
        # erase when it was closed.
        self.start_action.setEnabled(status == SessionStatus.PLANNED)
        self.close_session_action.setEnabled(status == SessionStatus.RUNNING)
        self.projection_action.setEnabled(editing)

    # --- other actions ----------------------------------------------------------------

    def choose_language(self, code: str) -> None:
        """Remember the interface language; it applies at the next start."""
        self._settings.set_text(LANGUAGE_KEY, code)
        if code == language():
            return
        from PySide6.QtWidgets import QMessageBox

        french = "La langue choisie s’appliquera au prochain démarrage de l’application."
        english = "The chosen language will apply the next time the application starts."
        # A box rather than the status bar, where it went unseen; said in both languages,
        # the one in use first, for whoever chose the other one.
        first, second = (french, english) if language() == "fr" else (english, french)
        QMessageBox.information(self, t("Langue", "Language"), f"{first}\n\n{second}")

    def about_text(self) -> str:
        """The body of the « À propos » box (rich text, paths escaped)."""
        return (
            f"<p><b>{html.escape(APP_NAME)}</b> {html.escape(version())}</p>"
            + "<p>"
            + t(
                "L’outil hors ligne des animateurs de l’Alliance pour la transition "
                "écologique et solidaire de Clermont-Ferrand.",
                "The offline tool of the facilitators of Clermont-Ferrand's Alliance for "
                "the ecological and fair transition.",
            )
            + "</p><p>"
            + t("Dossier des données : ", "Data folder: ")
            + f"{html.escape(str(self._data_dir))}<br/>"
            + t("Base ouverte : ", "Open database: ")
            + f"{html.escape(str(self._db.path))}</p>"
        )

    def show_about(self) -> None:
        """Show the version, the data folder and the open database."""
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.about(self, t(f"À propos d’{APP_NAME}", f"About {APP_NAME}"), self.about_text())

    def _warn(self, message: str) -> None:
        from PySide6.QtWidgets import QMessageBox

        QMessageBox.warning(self, APP_NAME, message)

    def closeEvent(self, event: QCloseEvent) -> None:
        """Remember the window's size and layout for next time; close the projection."""
        self.search.worker.wait()
        if self._workshop is not None:
            self._workshop.close_projection()
        self._settings.set_data(GEOMETRY_KEY, bytes(self.saveGeometry().data()))
        self._settings.set_data(SPLITTER_KEY, bytes(self.splitter.saveState().data()))
        super().closeEvent(event)
