"""The workshop screen: a session's header and clock above its tabs, from planning to close."""

from __future__ import annotations

import datetime as dt
import functools
import uuid
from collections.abc import Callable
from dataclasses import replace
from typing import Final

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QUndoGroup, QUndoStack
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProxyStyle,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyleOption,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from alliance_desktop import APP_NAME
from alliance_desktop.core import enums as e
from alliance_desktop.core.dates import clock, long_date
from alliance_desktop.core.errors import KnownError
from alliance_desktop.core.i18n import t
from alliance_desktop.core.labels import label, short_theme
from alliance_desktop.core.rules import EndLimit
from alliance_desktop.services.workshop import (
    Changes,
    ClockAlert,
    ClockState,
    Part,
    PlanData,
    WorkshopData,
    clock_state,
    close_meeting,
    closed_text,
    load_workshop,
    start_meeting,
    to_local,
    to_utc,
)
from alliance_desktop.storage.database import Database
from alliance_desktop.ui.attendance_tab import AttendanceTab
from alliance_desktop.ui.board import COLUMNS, BoardTab
from alliance_desktop.ui.indicators_tab import IndicatorsTab
from alliance_desktop.ui.levers_tab import LeversTab
from alliance_desktop.ui.notes_tab import NotesTab
from alliance_desktop.ui.photos_tab import PhotosTab
from alliance_desktop.ui.planning_tab import PlanningTab
from alliance_desktop.ui.projection import ProjectionWindow
from alliance_desktop.ui.widgets import ElidedLabel
from alliance_desktop.ui.workshop_context import WorkshopContext

Now = Callable[[], dt.datetime]

# Tab keys, in the order of the tab bar.
PLANNING, ATTENDANCE, BOARD, NOTES, INDICATORS, LEVERS, PHOTOS = (
    "planning",
    "attendance",
    "board",
    "notes",
    "indicators",
    "levers",
    "photos",
)

_WARN: Final = "background: #ffe7b3; color: #5a3b00; border-radius: 4px; padding: 2px 6px;"
_OVER: Final = "background: #f8c9c0; color: #5c1308; border-radius: 4px; padding: 2px 6px;"
_ALERT_STYLE: Final = {
    ClockAlert.NONE: "",
    ClockAlert.END_SOON: _WARN,
    ClockAlert.LATE_SOON: _WARN,
    ClockAlert.OVERRUN: _OVER,
}


def duration_text(delta: dt.timedelta) -> str:
    """« 1:05 » for one hour and five minutes (negative durations read as zero)."""
    minutes = max(int(delta.total_seconds() // 60), 0)
    return f"{minutes // 60}:{minutes % 60:02d}"


def clock_text(state: ClockState) -> str:
    """What the header's clock says while a session runs."""
    parts = [
        t(f"{duration_text(state.elapsed)} écoulées", f"{duration_text(state.elapsed)} elapsed")
    ]
    if state.remaining > dt.timedelta(0):
        left = duration_text(state.remaining + dt.timedelta(seconds=59))
        parts.append(t(f"{left} restantes", f"{left} left"))
    else:
        over = duration_text(-state.remaining)
        parts.append(t(f"dépassement de {over}", f"{over} over time"))
    return " · ".join(parts)


def alert_text(state: ClockState) -> str:
    """The clock's warning in one sentence, or "" when all is well."""
    two_hours = state.limit == EndLimit.TWO_HOURS
    if state.alert == ClockAlert.END_SOON and two_hours:
        return t(
            "Moins de 15 minutes avant la fin des deux heures.",
            "Less than 15 minutes to the end of the two hours.",
        )
    if state.alert == ClockAlert.END_SOON:
        return t(
            "Moins de 15 minutes avant la fin prévue.", "Less than 15 minutes to the planned end."
        )
    if state.alert == ClockAlert.LATE_SOON:
        return t("Moins de 15 minutes avant 19 h.", "Less than 15 minutes to 19:00.")
    if state.alert == ClockAlert.OVERRUN and two_hours:
        return t(
            "Les deux heures sont passées : pensez à clore la séance.",
            "The two hours are over: think of closing the session.",
        )
    if state.alert == ClockAlert.OVERRUN:
        return t(
            "L'heure prévue est passée : pensez à clore la séance.",
            "The planned time is over: think of closing the session.",
        )
    return ""


class UnshiftedTabs(QProxyStyle):
    """The platform's style, except that the tabs not chosen are not drawn lower.

    Fusion lowers them by two pixels and clips their text, which cut the accent off
    « Écoute active ».
    """

    def pixelMetric(
        self,
        metric: QStyle.PixelMetric,
        option: QStyleOption | None = None,
        widget: QWidget | None = None,
    ) -> int:
        """No vertical shift for tabs; everything else as the base style says."""
        if metric == QStyle.PixelMetric.PM_TabBarTabShiftVertical:
            return 0
        return super().pixelMetric(metric, option, widget)


class WorkshopView(QWidget):
    """One session, editable: header with title and clock, then the tabs.

    Signals:
        sessions_changed: something the list of sessions shows changed (title, status…).
        status_message: a short message for the status bar; carries the text.
        counts_changed: the numbers the status bar shows (present, points) changed.
    """

    sessions_changed = Signal()
    status_message = Signal(str)
    counts_changed = Signal()

    def __init__(
        self,
        db: Database,
        undo_group: QUndoGroup,
        *,
        now: Now | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """An empty screen; :meth:`open_meeting` shows a session.

        Args:
            db: the working database.
            undo_group: the window's undo group; this screen's stack joins it.
            now: local wall-clock time (tests pass a fake one).
            parent: the parent widget.
        """
        super().__init__(parent)
        self.setObjectName("workshopView")
        self._now: Now = now or dt.datetime.now
        self.stack = QUndoStack(self)
        undo_group.addStack(self.stack)
        undo_group.setActiveStack(self.stack)
        self.context = WorkshopContext(db, self.stack, self, now=self._now)
        self.data: WorkshopData | None = None
        self._alert = ClockAlert.NONE

        self.title_label = ElidedLabel(self)
        self.title_label.setObjectName("workshopTitle")
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title_label.setFont(font)
        self.title_label.setTextFormat(Qt.TextFormat.PlainText)
        self.title_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.meta_label = ElidedLabel(self)
        self.meta_label.setTextFormat(Qt.TextFormat.PlainText)
        self.meta_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.clock_label = QLabel(self)
        self.clock_label.setObjectName("workshopClock")
        self.clock_label.setAccessibleName(t("Horloge de la séance", "Session clock"))
        clock_font = self.clock_label.font()
        clock_font.setPointSizeF(clock_font.pointSizeF() * 1.2)
        clock_font.setBold(True)
        self.clock_label.setFont(clock_font)
        self.alert_label = QLabel(self)
        self.alert_label.setObjectName("workshopAlert")
        self.alert_label.setWordWrap(True)
        self.alert_label.hide()
        self.start_button = QPushButton(t("Démarrer la séance", "Start the session"), self)
        self.start_button.clicked.connect(self.start)
        self.close_button = QPushButton(t("Clore la séance", "Close the session"), self)
        self.close_button.clicked.connect(self.close_session)
        self.projection_button = QPushButton(t("Projection (F5)", "Projection (F5)"), self)
        self.projection_button.setObjectName("projectionButton")
        self.projection_button.clicked.connect(self.toggle_projection)
        self.projection: ProjectionWindow | None = None

        head = QVBoxLayout()
        head.setSpacing(2)
        head.addWidget(self.title_label)
        head.addWidget(self.meta_label)
        right = QVBoxLayout()
        right.setSpacing(2)
        right.addWidget(self.clock_label, 0, Qt.AlignmentFlag.AlignRight)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.projection_button)
        buttons.addWidget(self.start_button)
        buttons.addWidget(self.close_button)
        right.addLayout(buttons)
        header = QHBoxLayout()
        header.addLayout(head, 1)
        header.addLayout(right, 0)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("workshopTabs")
        self.tabs.setDocumentMode(True)
        # Kept on the view: a widget does not own the style it is given.
        self._tab_style = UnshiftedTabs()
        self.tabs.tabBar().setStyle(self._tab_style)
        self.board = BoardTab(self.context, self)
        self.board.board_changed.connect(self._board_changed)
        self.board.draft_changed.connect(self._draft_changed)
        self.planning = PlanningTab(self.context, self)
        self.attendance = AttendanceTab(self.context, self)
        self.notes = NotesTab(self.context, self)
        self.indicators = IndicatorsTab(self.context, self)
        self.levers = LeversTab(self.context, self)
        self.photos = PhotosTab(self.context, self)
        # Tabs read when first shown for a session, not when it opens: opening stays quick.
        self._stale: set[str] = set()
        self.attendance.counts_changed.connect(self.counts_changed)
        self._tab_keys: list[str] = []
        self._keys: dict[str, Callable[[], object]] = {}
        self._add_tab(PLANNING, self.planning, t("Préparation", "Planning"))
        self._add_tab(ATTENDANCE, self.attendance, t("Présences", "Attendance"))
        self._add_tab(BOARD, self.board, t("Tableau", "Board"))
        self._add_tab(NOTES, self.notes, t("Écoute active", "Listening notes"))
        self._add_tab(INDICATORS, self.indicators, t("Indicateurs", "Indicators"))
        self._add_tab(LEVERS, self.levers, t("Leviers && récolte", "Levers && harvest"))
        self._add_tab(PHOTOS, self.photos, t("Photos", "Photos"))
        self.tabs.currentChanged.connect(lambda _index: self._load_stale())

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 8, 6, 4)
        layout.setSpacing(6)
        layout.addLayout(header)
        layout.addWidget(self.alert_label)
        layout.addWidget(self.tabs, 1)

        self._make_keys()

        self.timer = QTimer(self)
        self.timer.setInterval(1000)
        self.timer.timeout.connect(self.tick)

    def _make_keys(self) -> None:
        # Ctrl+1/2/3 reach a column of the board from anywhere in the window, even while
        # a text field has the focus (where C, D and Q are just letters). Window-wide,
        # not this view's children only: the session list beside it is not one of them.
        # The view holds them, so they are live only while the workshop screen is shown.
        for n, kind in enumerate(COLUMNS, start=1):
            self._add_key(f"Ctrl+{n}", functools.partial(self.new_point, kind))
        self._add_key("Ctrl+4", self.new_note)

    def _add_key(self, sequence: str, call: Callable[[], object]) -> None:
        self._keys[sequence] = call
        action = QAction(self)
        action.setShortcut(QKeySequence(sequence))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _=False: call())
        self.addAction(action)

    def keys(self) -> list[str]:
        """The window-wide keys of this screen (« Alt+3 », « Ctrl+1 »…), portable text."""
        return list(self._keys)

    def run_key(self, sequence: str) -> bool:
        """Do what key ``sequence`` does on this screen; False if it is not one of its keys."""
        call = self._keys.get(sequence)
        if call is None:
            return False
        call()
        return True

    def new_note(self) -> None:
        """Bring the listening notes to the front, the cursor on a new note."""
        self.show_tab(NOTES)
        self.notes.focus_first()

    def new_point(self, kind: e.PointKind) -> None:
        """Bring the board to the front with the cursor on a new point of ``kind``."""
        self.show_tab(BOARD)
        self.board.start_point(kind)

    def _add_tab(self, key: str, widget: QWidget, title: str) -> None:
        self._tab_keys.append(key)
        n = self.tabs.addTab(widget, title) + 1
        self.tabs.setTabToolTip(n - 1, f"Alt+{n}")
        # Alt+1…7 rather than underlined letters: the tabs' forms use the letters. Window-wide
        # so that they work from the session list too (see _make_keys).
        self._add_key(f"Alt+{n}", functools.partial(self._tab_key, key))

    def _tab_key(self, key: str) -> None:
        self.show_tab(key)
        self.focus_tab()

    # --- the session shown -----------------------------------------------------------

    @property
    def meeting_id(self) -> uuid.UUID | None:
        """The session shown, if any."""
        return self.data.plan.id if self.data is not None else None

    def set_database(self, db: Database) -> None:
        """Work on another database file (the window opened one); nothing is shown."""
        self.context.db = db
        self.data = None
        self.stack.clear()

    def open_meeting(self, meeting_id: uuid.UUID, tab: str | None = None) -> bool:
        """Show session ``meeting_id``; False if it no longer exists or cannot be read."""
        try:
            data = load_workshop(self.context.db, meeting_id)
        except KnownError as exc:
            self.report_error(str(exc))
            return False
        if data is None:
            return False
        if self.data is None or self.data.plan.id != meeting_id:
            # Undo belongs to one session: its commands name that session's rows.
            self.stack.clear()
        self.data = data
        self.context.meeting_id = meeting_id
        self.board.load(data.points)
        self.attendance.load()
        self.notes.load(data.notes, data.carried_in)
        self.levers.load(data.levers, data.harvest, data.plan.fields.theme)
        self._stale = {INDICATORS, PHOTOS}
        self._load_stale()
        self._show_plan(data.plan)
        if tab is not None:
            self.show_tab(tab)
        self.counts_changed.emit()
        return True

    def _load_stale(self) -> None:
        key = self.current_tab()
        if key not in self._stale or self.data is None:
            return
        self._stale.discard(key)
        if key == INDICATORS:
            self.indicators.load(self.data.plan.fields.theme)
        elif key == PHOTOS:
            self.photos.load()

    def show_tab(self, key: str) -> None:
        """Bring tab ``key`` (``BOARD``, ``NOTES``…) to the front."""
        if key in self._tab_keys:
            self.tabs.setCurrentIndex(self._tab_keys.index(key))

    def reveal(self, kind: str, item_id: uuid.UUID) -> bool:
        """Bring the tab holding a search result to the front, the item selected."""
        from alliance_desktop.services.search import HARVEST, LEVER, NOTE, POINT

        if kind == POINT:
            self.show_tab(BOARD)
            return self.board.reveal(item_id)
        if kind == NOTE:
            self.show_tab(NOTES)
            return self.notes.reveal(item_id)
        if kind in (LEVER, HARVEST):
            self.show_tab(LEVERS)
            return self.levers.reveal(item_id)
        return False

    def focus_tab(self) -> None:
        """Give the keyboard to the tab in front, where typing usually starts."""
        widget = self.tabs.currentWidget()
        focus = getattr(widget, "focus_first", None)
        if callable(focus):
            focus()
        else:
            widget.setFocus(Qt.FocusReason.OtherFocusReason)

    def status(self) -> e.SessionStatus | None:
        """The state of the session shown (planned, running, closed), if any."""
        return self.data.plan.status if self.data is not None else None

    def counts(self) -> tuple[int, int]:
        """People present and points noted, for the status bar."""
        return self.attendance.present(), len(self.board.points())

    def current_tab(self) -> str:
        """The key of the tab in front."""
        return self._tab_keys[self.tabs.currentIndex()]

    # --- refreshing from changes -----------------------------------------------------

    def apply_changes(self, changes: Changes) -> None:
        """Refresh the parts of the screen ``changes`` names, from the records it carries."""
        if self.data is None or changes.meeting_id not in (None, self.data.plan.id):
            # Another session's rows: only a note carried over to this one can show here.
            if self.data is not None and changes.touches(Part.NOTES):
                self.notes.apply(changes)
            if changes.touches(Part.SESSIONS):
                self.sessions_changed.emit()
            return
        if changes.touches(Part.POINTS):
            self.board.apply(changes)
        if changes.touches(Part.ATTENDANCE):
            self.attendance.apply(changes)
        if changes.touches(Part.NOTES):
            self.notes.apply(changes)
        if changes.touches(Part.LEVERS) or changes.touches(Part.HARVEST):
            self.levers.apply(changes)
        if changes.touches(Part.PHOTOS) and PHOTOS not in self._stale:
            self.photos.apply(changes)
        if changes.touches(Part.INDICATORS) and INDICATORS not in self._stale:
            self.indicators.apply(changes)
        for plan in changes.upserted_of(PlanData):
            if plan.fields.theme != self.data.plan.fields.theme:
                self._stale.add(INDICATORS)  # the catalogue is the theme's
            self._show_plan(plan)
        if changes.touches(Part.SESSIONS):
            self.sessions_changed.emit()
        self.counts_changed.emit()

    def report_error(self, message: str) -> None:
        """Tell the facilitator that an action was not saved."""
        QMessageBox.warning(self, APP_NAME, message)

    def _board_changed(self, added: object) -> None:
        if self.projection is not None and self.projection.isVisible():
            self.projection.show_board(
                self.board.points(), added if isinstance(added, uuid.UUID) else None
            )

    def _draft_changed(self, kind: object, text: str) -> None:
        if self.projection is not None and self.projection.isVisible():
            self.projection.set_draft(e.PointKind(str(kind)), text)

    # --- projection ------------------------------------------------------------------

    def toggle_projection(self) -> None:
        """F5: show the board on the second screen, or close it."""
        if self.projection is not None and self.projection.isVisible():
            self.projection.close()
            return
        if self.data is None:
            return
        if self.projection is None:
            # A child window: it closes with the main window and needs no other owner.
            self.projection = ProjectionWindow(self)
        self._update_projection_head()
        self.projection.show_board(self.board.points(), None)
        focus = self.window().focusWidget()
        self.projection.place(self.window().screen())
        # Some window managers activate a new window whatever it asks: take the keyboard
        # back for the facilitator.
        self.window().activateWindow()
        if focus is not None:
            focus.setFocus(Qt.FocusReason.OtherFocusReason)

    def close_projection(self) -> None:
        """Close the projection window if it is open."""
        if self.projection is not None:
            self.projection.close()

    def _update_projection_head(self) -> None:
        if self.projection is None or self.data is None:
            return
        fields = self.data.plan.fields
        subtitle = [long_date(fields.date)]
        if fields.theme is not None:
            subtitle.append(short_theme(fields.theme))
        if fields.stage is not None:
            subtitle.append(label(fields.stage))
        self.projection.set_title(self.title_label.text(), " · ".join(subtitle))
        state = self.clock_state()
        self.projection.set_clock(
            clock_text(state) if state is not None else "",
            state.alert if state is not None else ClockAlert.NONE,
        )

    # --- header and clock ------------------------------------------------------------

    def _show_plan(self, plan: PlanData) -> None:
        assert self.data is not None
        if plan is not self.data.plan:
            self.data = replace(self.data, plan=plan)
        self.planning.load(plan)
        f = plan.fields
        self.title_label.setText(f.title or self._fallback_title(plan))
        meta = [long_date(f.date)]
        if f.theme is not None:
            meta.append(short_theme(f.theme))
        if f.stage is not None:
            meta.append(label(f.stage))
        if f.start_time is not None and f.planned_end is not None:
            meta.append(f"{clock(f.start_time)}–{clock(f.planned_end)}")
        if f.location:
            meta.append(f.location)
        self.meta_label.setText(" · ".join(meta))
        self._update_projection_head()
        self.start_button.setVisible(plan.status == e.SessionStatus.PLANNED)
        self.close_button.setVisible(plan.status == e.SessionStatus.RUNNING)
        if plan.status == e.SessionStatus.RUNNING:
            self.timer.start()
        else:
            self.timer.stop()
        self.tick()

    def _fallback_title(self, plan: PlanData) -> str:
        if plan.fields.theme is not None:
            return short_theme(plan.fields.theme)
        return label(plan.fields.kind)

    def clock_state(self) -> ClockState | None:
        """The running session's clock, or None when it is not running."""
        if self.data is None:
            return None
        plan = self.data.plan
        if plan.status != e.SessionStatus.RUNNING:
            return None
        now = self._now()
        if plan.started_at is not None:
            started = to_local(plan.started_at)
        else:
            # Marked running elsewhere (an import, another laptop) without a start stamp.
            started = dt.datetime.combine(plan.fields.date, plan.fields.start_time or now.time())
        return clock_state(started, plan.fields.date, plan.fields.planned_end, now)

    def tick(self) -> None:
        """Update the clock; warn once when a limit comes near or is passed."""
        state = self.clock_state()
        plan = self.data.plan if self.data is not None else None
        if state is None or plan is None:
            self._set_alert(ClockAlert.NONE, "")
            if plan is None:
                self.clock_label.setText("")
            elif plan.status == e.SessionStatus.CLOSED and plan.closed_at is not None:
                self.clock_label.setText(closed_text(to_local(plan.closed_at)))
            else:
                self.clock_label.setText(t("Séance non démarrée", "Session not started"))
            return
        self.clock_label.setText(clock_text(state))
        self._set_alert(state.alert, alert_text(state))
        if self.projection is not None and self.projection.isVisible():
            self.projection.set_clock(clock_text(state), state.alert)

    def _set_alert(self, alert: ClockAlert, text: str) -> None:
        self.alert_label.setVisible(bool(text))
        if alert == self._alert and self.alert_label.text() == text:
            return  # every second: restyling the labels each time would cost for nothing
        self.clock_label.setStyleSheet(_ALERT_STYLE[alert])
        self.alert_label.setText(text)
        self.alert_label.setStyleSheet(_ALERT_STYLE[alert])
        if alert != self._alert and text:
            self.status_message.emit(text)
        self._alert = alert

    # --- starting and closing --------------------------------------------------------

    def start(self) -> None:
        """« Démarrer la séance »: the clock starts now (a planned session only)."""
        if self.data is None or self.data.plan.status != e.SessionStatus.PLANNED:
            return
        now = to_utc(self._now())
        self._run(lambda: start_meeting(self.context.db, self.context.meeting_id, now))
        self.show_tab(BOARD)

    def close_session(self) -> None:
        """« Clore la séance », after a confirmation (nothing is lost: it stays editable)."""
        if self.data is None or self.data.plan.status != e.SessionStatus.RUNNING:
            return
        answer = QMessageBox.question(
            self,
            t("Clore la séance", "Close the session"),
            t(
                "Clore la séance maintenant ? L'horloge s'arrête ; tout ce qui a été noté "
                "reste modifiable.",
                "Close the session now? The clock stops; everything recorded stays editable.",
            ),
        )
        if answer == QMessageBox.StandardButton.Yes:
            now = to_utc(self._now())
            self._run(lambda: close_meeting(self.context.db, self.context.meeting_id, now))

    def _run(self, step: Callable[[], Changes]) -> bool:
        """Call a service that is not undoable and apply what it changed."""
        try:
            changes = step()
        except KnownError as exc:
            self.report_error(str(exc))
            return False
        self.apply_changes(changes)
        return True
