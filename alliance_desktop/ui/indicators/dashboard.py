"""The « Indicateurs » window: a theme's catalogue, the selected indicator, what is missing."""

from __future__ import annotations

import datetime as dt
import html
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QModelIndex, QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListView,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from alliance_desktop import APP_NAME
from alliance_desktop.core import enums as e
from alliance_desktop.core.errors import KnownError, os_reason
from alliance_desktop.core.i18n import t
from alliance_desktop.core.labels import label, short_theme
from alliance_desktop.core.objectives import Status, status_label
from alliance_desktop.services import indicators as si
from alliance_desktop.storage.database import Database
from alliance_desktop.ui.indicators.dialogs import (
    IndicatorDialog,
    MeasurementDialog,
    ObjectiveDialog,
)
from alliance_desktop.ui.indicators.models import (
    IndicatorListModel,
    MeasurementTableModel,
    MissingListModel,
    ObjectiveTableModel,
    StageTableModel,
)
from alliance_desktop.ui.indicators.widgets import IllustrativeBadge, StatusChipDelegate

# pyqtgraph takes about half a second to import: the window shows its catalogue first and
# the chart right after, instead of staying blank until the import is done.
if TYPE_CHECKING:
    from alliance_desktop.ui.indicators.charts import ChartWidget


def _table(parent: QWidget, model: Any, name: str, stretch: int) -> QTableView:
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
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    return view


def _bold(label_widget: QLabel) -> QLabel:
    font = label_widget.font()
    font.setBold(True)
    label_widget.setFont(font)
    return label_widget


class IndicatorDashboard(QMainWindow):
    """Where a theme stands: its indicators, their objectives and charts, what is missing.

    Every edit is one committed transaction made through the indicators service; the
    window then reads the theme again (a theme holds tens of indicators).

    Signals:
        changed: indicators, objectives or measurements were edited here; carries the theme.
        import_requested: « Importer des mesures… » was chosen.
    """

    changed = Signal(object)
    import_requested = Signal()

    def __init__(
        self,
        db: Database,
        *,
        theme: e.Theme = e.Theme.GES,
        today: dt.date | None = None,
        parent: QWidget | None = None,
    ) -> None:
        """The dashboard of ``theme`` in ``db``.

        Args:
            db: the open working database (the caller closes it).
            theme: the theme shown first.
            today: the date « recent data » is judged from (today by default).
            parent: the main window, so that the dashboard closes with it.
        """
        super().__init__(parent, Qt.WindowType.Window)
        self._db = db
        self._as_of = today
        self.dashboard: si.ThemeDashboard | None = None
        self.chart: ChartWidget | None = None
        self._overview_stale = True
        self._export_dir = Path.home()
        self.setObjectName("indicatorDashboard")
        self.setWindowTitle(t("Indicateurs — Alliance", "Indicators — Alliance"))
        self.setMinimumSize(900, 560)

        self.indicator_model = IndicatorListModel(self)
        self.objective_model = ObjectiveTableModel(self)
        self.measurement_model = MeasurementTableModel(self)
        self.missing_model = MissingListModel(self)
        self.overview_missing_model = MissingListModel(self, show_theme=True)
        self.stage_model = StageTableModel(self)

        self.theme_box = QComboBox(self)
        self.theme_box.setObjectName("themeBox")
        for th in e.Theme:
            self.theme_box.addItem(f"{short_theme(th)} — {label(th)}", th.value)
        self.theme_box.setMinimumContentsLength(40)
        theme_label = QLabel(t("&Thématique :", "&Theme:"), self)
        theme_label.setBuddy(self.theme_box)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("dashboardTabs")
        self.tabs.addTab(self._build_theme_page(), t("&Thématique", "&Theme"))
        self.tabs.addTab(self._build_overview_page(), t("&Vue d'ensemble", "&Overview"))
        self.tabs.currentChanged.connect(self._tab_changed)

        top = QHBoxLayout()
        top.addWidget(theme_label)
        top.addWidget(self.theme_box, 1)
        self.new_indicator_button = self._button(t("Nouvel indicateur…", "New indicator…"))
        self.type_button = self._button(t("Saisir une mesure…", "Type in a value…"))
        self.import_button = self._button(t("Importer des mesures…", "Import measurements…"))
        for b in (self.new_indicator_button, self.type_button, self.import_button):
            top.addWidget(b)
        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(8, 8, 8, 4)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        self.status_label = QLabel(self)
        self.statusBar().addWidget(self.status_label, 1)

        self._make_actions()
        self.new_indicator_button.clicked.connect(self.new_indicator_action.trigger)
        self.type_button.clicked.connect(self.type_value_action.trigger)
        self.import_button.clicked.connect(self.import_action.trigger)

        self.catalogue.selectionModel().currentRowChanged.connect(self._indicator_changed)
        self.objective_view.doubleClicked.connect(lambda _i: self.edit_objective())
        self.measurement_view.doubleClicked.connect(lambda _i: self.type_value(edit=True))
        self.catalogue.doubleClicked.connect(lambda _i: self.edit_indicator())
        self.missing_view.activated.connect(self._missing_activated)
        self.overview_missing_view.activated.connect(self._overview_missing_activated)
        self.stage_view.activated.connect(self._stage_activated)
        self.view_box.currentIndexChanged.connect(self._view_changed)

        self.theme_box.setCurrentIndex(list(e.Theme).index(theme))
        self.theme_box.currentIndexChanged.connect(lambda _i: self.load_theme(self.theme))
        self.load_theme(theme)
        self.catalogue.setFocus(Qt.FocusReason.OtherFocusReason)

    # --- building ---------------------------------------------------------------------

    def _button(self, text: str) -> QPushButton:
        button = QPushButton(text, self)
        button.setAutoDefault(False)
        return button

    def _build_theme_page(self) -> QWidget:
        page = QWidget(self)
        # Left: the catalogue with status chips.
        left = QWidget(page)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        self.catalogue_title = _bold(QLabel(t("&Indicateurs", "&Indicators"), left))
        self.catalogue = _table(
            left, self.indicator_model, "indicatorCatalogue", IndicatorListModel.NAME
        )
        self.catalogue.setAccessibleName(t("Indicateurs de la thématique", "Theme indicators"))
        self.catalogue.setItemDelegateForColumn(
            IndicatorListModel.STATUS, StatusChipDelegate(self.catalogue)
        )
        self.catalogue.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.catalogue_title.setBuddy(self.catalogue)
        left_layout.addWidget(self.catalogue_title)
        left_layout.addWidget(self.catalogue, 1)

        # Right: the selected indicator.
        right = QWidget(page)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        head = QHBoxLayout()
        self.indicator_title = _bold(QLabel(right))
        self.indicator_title.setObjectName("indicatorTitle")
        self.indicator_title.setWordWrap(True)
        self.badge = IllustrativeBadge(right)
        head.addWidget(self.indicator_title, 1)
        head.addWidget(self.badge, 0, Qt.AlignmentFlag.AlignTop)
        self.indicator_details = QLabel(right)
        self.indicator_details.setObjectName("indicatorDetails")
        self.indicator_details.setWordWrap(True)
        self.indicator_details.setTextFormat(Qt.TextFormat.RichText)
        self.indicator_details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        view_row = QHBoxLayout()
        self.view_box = QComboBox(right)
        self.view_box.setObjectName("chartView")
        view_label = QLabel(t("&Graphique :", "&Chart:"), right)
        view_label.setBuddy(self.view_box)
        self.export_button = QToolButton(right)
        self.export_button.setText(t("Exporter en PNG…", "Export as PNG…"))
        view_row.addWidget(view_label)
        view_row.addWidget(self.view_box)
        view_row.addStretch(1)
        view_row.addWidget(self.export_button)
        self.chart_frame = QFrame(right)
        self.chart_frame.setFrameShape(QFrame.Shape.StyledPanel)
        self.chart_layout = QVBoxLayout(self.chart_frame)
        self.chart_layout.setContentsMargins(0, 0, 0, 0)
        self.chart_placeholder = QLabel(t("Graphique…", "Chart…"), self.chart_frame)
        self.chart_placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.chart_layout.addWidget(self.chart_placeholder)

        self.details_tabs = QTabWidget(right)
        self.objective_view = _table(
            right, self.objective_model, "objectiveTable", ObjectiveTableModel.OBJECTIVE
        )
        self.objective_view.setItemDelegateForColumn(
            ObjectiveTableModel.STATUS, StatusChipDelegate(self.objective_view)
        )
        self.measurement_view = _table(
            right, self.measurement_model, "measurementTable", MeasurementTableModel.SOURCE
        )
        self.explanation = QLabel(right)
        self.explanation.setObjectName("objectiveExplanation")
        self.explanation.setWordWrap(True)
        objectives_page = QWidget(right)
        op_layout = QVBoxLayout(objectives_page)
        op_layout.setContentsMargins(0, 4, 0, 0)
        op_layout.addWidget(self.objective_view, 1)
        op_layout.addWidget(self.explanation)
        self.details_tabs.addTab(objectives_page, t("&Objectifs", "&Objectives"))
        self.details_tabs.addTab(self.measurement_view, t("&Mesures", "&Measurements"))
        self.objective_view.selectionModel().currentRowChanged.connect(
            lambda cur, _prev: self._show_explanation(cur.row())
        )

        chart_split = QSplitter(Qt.Orientation.Vertical, right)
        chart_split.setChildrenCollapsible(False)
        chart_box = QWidget(chart_split)
        cb_layout = QVBoxLayout(chart_box)
        cb_layout.setContentsMargins(0, 0, 0, 0)
        cb_layout.addLayout(view_row)
        cb_layout.addWidget(self.chart_frame, 1)
        chart_split.addWidget(chart_box)
        chart_split.addWidget(self.details_tabs)
        chart_split.setStretchFactor(0, 3)
        chart_split.setStretchFactor(1, 1)
        chart_split.setSizes([440, 160])
        self.chart_frame.setMinimumHeight(240)
        right_layout.addLayout(head)
        right_layout.addWidget(self.indicator_details)
        right_layout.addWidget(chart_split, 1)

        # Below the catalogue: what is missing. Under the catalogue rather than across the
        # window, so that on a 768-pixel laptop screen the chart keeps its height.
        bottom = QWidget(page)
        b_layout = QVBoxLayout(bottom)
        b_layout.setContentsMargins(0, 0, 0, 0)
        self.missing_title = _bold(QLabel(t("Ce qui &manque", "What is &missing"), bottom))
        self.missing_view = QListView(bottom)
        self.missing_view.setObjectName("missingList")
        self.missing_view.setModel(self.missing_model)
        self.missing_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.missing_view.setWordWrap(True)
        self.missing_view.setAlternatingRowColors(True)
        self.missing_title.setBuddy(self.missing_view)
        self.nothing_missing = QLabel(
            t(
                "Rien ne manque : chaque indicateur a un objectif et des mesures récentes.",
                "Nothing is missing: every indicator has an objective and recent data.",
            ),
            bottom,
        )
        self.nothing_missing.setObjectName("nothingMissing")
        self.nothing_missing.setWordWrap(True)
        self.nothing_missing.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        b_layout.addWidget(self.missing_title)
        b_layout.addWidget(self.missing_view, 1)
        b_layout.addWidget(self.nothing_missing, 1)

        left_split = QSplitter(Qt.Orientation.Vertical, page)
        left_split.setObjectName("dashboardLeftSplitter")
        left_split.setChildrenCollapsible(False)
        left_split.addWidget(left)
        left_split.addWidget(bottom)
        left_split.setStretchFactor(0, 3)
        left_split.setStretchFactor(1, 2)
        left_split.setSizes([380, 220])

        top = QSplitter(Qt.Orientation.Horizontal, page)
        top.setObjectName("dashboardSplitter")
        top.setChildrenCollapsible(False)
        top.addWidget(left_split)
        top.addWidget(right)
        top.setStretchFactor(0, 0)
        top.setStretchFactor(1, 1)
        top.setSizes([420, 900])
        layout = QVBoxLayout(page)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(top)
        return page

    def _build_overview_page(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(4, 4, 4, 4)
        title = _bold(
            QLabel(
                t(
                    "Où en est chaque thématique (séances d'acculturation, d'objectifs et "
                    "indicateurs, de leviers d'action)",
                    "Where each theme stands (sessions of shared understanding, objectives "
                    "and indicators, action levers)",
                ),
                page,
            )
        )
        title.setWordWrap(True)
        self.stage_view = _table(page, self.stage_model, "stageTable", StageTableModel.THEME)
        self.stage_view.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents
        )
        self.stage_view.horizontalHeader().setStretchLastSection(False)
        self.stage_view.setAccessibleName(t("Thématiques et étapes", "Themes and stages"))
        title.setBuddy(self.stage_view)
        legend = QLabel(
            t(
                "● fait · ◐ prévu · ○ pas commencé — Entrée sur une ligne : ouvrir la thématique.",
                "● done · ◐ planned · ○ not started — Enter on a row: open the theme.",
            ),
            page,
        )
        missing_title = _bold(
            QLabel(t("Ce qui manque, toutes thématiques", "What is missing, all themes"), page)
        )
        self.overview_missing_view = QListView(page)
        self.overview_missing_view.setObjectName("overviewMissingList")
        self.overview_missing_view.setModel(self.overview_missing_model)
        self.overview_missing_view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.overview_missing_view.setWordWrap(True)
        self.overview_missing_view.setAlternatingRowColors(True)
        missing_title.setBuddy(self.overview_missing_view)
        layout.addWidget(title)
        layout.addWidget(self.stage_view)
        layout.addWidget(legend)
        layout.addWidget(missing_title)
        layout.addWidget(self.overview_missing_view, 1)
        return page

    def _action(self, text: str, slot: Any, shortcut: QKeySequence | str | None = None) -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _make_actions(self) -> None:
        bar = self.menuBar()
        ind = bar.addMenu(t("&Indicateur", "&Indicator"))
        self.new_indicator_action = self._action(
            t("&Nouvel indicateur…", "&New indicator…"), self.new_indicator, "Ctrl+N"
        )
        self.edit_indicator_action = self._action(
            t("&Modifier l'indicateur…", "&Edit the indicator…"), self.edit_indicator, "Ctrl+E"
        )
        self.delete_indicator_action = self._action(
            t("&Supprimer l'indicateur…", "&Delete the indicator…"), self.delete_indicator
        )
        for a in (self.new_indicator_action, self.edit_indicator_action):
            ind.addAction(a)
        ind.addSeparator()
        ind.addAction(self.delete_indicator_action)

        obj = bar.addMenu(t("&Objectif", "&Objective"))
        self.new_objective_action = self._action(
            t("&Nouvel objectif…", "&New objective…"), self.new_objective, "Ctrl+Shift+N"
        )
        self.edit_objective_action = self._action(
            t("&Modifier l'objectif…", "&Edit the objective…"), self.edit_objective
        )
        self.delete_objective_action = self._action(
            t("&Supprimer l'objectif…", "&Delete the objective…"), self.delete_objective
        )
        for a in (self.new_objective_action, self.edit_objective_action):
            obj.addAction(a)
        obj.addSeparator()
        obj.addAction(self.delete_objective_action)

        mes = bar.addMenu(t("&Mesures", "&Measurements"))
        self.type_value_action = self._action(
            t("&Saisir une mesure…", "&Type in a value…"), self.type_value, "Ctrl+M"
        )
        self.delete_value_action = self._action(
            t("S&upprimer la mesure…", "&Delete the value…"), self.delete_value
        )
        self.import_action = self._action(
            t("&Importer des mesures…", "&Import measurements…"),
            self.import_requested.emit,
            "Ctrl+Shift+I",
        )
        mes.addAction(self.type_value_action)
        mes.addAction(self.delete_value_action)
        mes.addSeparator()
        mes.addAction(self.import_action)

        view = bar.addMenu(t("&Affichage", "&View"))
        self.export_action = self._action(
            t("&Exporter le graphique en PNG…", "&Export the chart as PNG…"),
            self.export_chart,
            "Ctrl+Shift+S",
        )
        self.export_button.setDefaultAction(self.export_action)
        self.export_button.setText(t("Exporter en PNG…", "Export as PNG…"))
        self.previous_theme_action = self._action(
            t("Thématique &précédente", "&Previous theme"),
            lambda: self._step_theme(-1),
            "Ctrl+PgUp",
        )
        self.next_theme_action = self._action(
            t("Thématique &suivante", "&Next theme"), lambda: self._step_theme(1), "Ctrl+PgDown"
        )
        self.theme_tab_action = self._action(
            t("&Tableau de bord de la thématique", "&Theme dashboard"),
            lambda: self.tabs.setCurrentIndex(0),
            "Ctrl+1",
        )
        self.overview_tab_action = self._action(
            t("&Vue d'ensemble", "&Overview"), lambda: self.tabs.setCurrentIndex(1), "Ctrl+2"
        )
        self.reload_action = self._action(t("&Actualiser", "&Refresh"), self.reload, "Ctrl+R")
        self.close_action = self._action(
            t("&Fermer", "&Close"), self.close, QKeySequence(QKeySequence.StandardKey.Close)
        )
        for a in (self.export_action,):
            view.addAction(a)
        view.addSeparator()
        for a in (
            self.previous_theme_action,
            self.next_theme_action,
            self.theme_tab_action,
            self.overview_tab_action,
            self.reload_action,
        ):
            view.addAction(a)
        view.addSeparator()
        view.addAction(self.close_action)

    # --- the database -----------------------------------------------------------------

    @property
    def database(self) -> Database:
        """The database shown."""
        return self._db

    def set_database(self, db: Database) -> None:
        """Show another database (the main window opened another file)."""
        self._db = db
        self._overview_stale = True
        self.load_theme(self.theme)

    @property
    def theme(self) -> e.Theme:
        """The theme shown."""
        return e.Theme(self.theme_box.currentData())

    def _today(self) -> dt.date:
        return self._as_of or dt.date.today()

    def reload(self) -> None:
        """Read the theme (and the overview) again, keeping the selection."""
        self._overview_stale = True
        self.load_theme(self.theme, self.current_indicator_id())
        if self.tabs.currentIndex() == 1:
            self.load_overview()

    def load_theme(self, theme: e.Theme, select: uuid.UUID | None = None) -> None:
        """Show ``theme``'s catalogue and select ``select`` (else the first indicator)."""
        if theme is not self.theme:
            with QSignalBlocker(self.theme_box):
                self.theme_box.setCurrentIndex(list(e.Theme).index(theme))
        try:
            board = si.theme_dashboard(self._db, theme, today=self._today())
        except KnownError as exc:
            self._warn(str(exc))
            return
        self.dashboard = board
        self.indicator_model.set_rows(board.indicators)
        self.missing_model.set_items(board.missing)
        self.missing_view.setVisible(bool(board.missing))
        self.nothing_missing.setVisible(not board.missing)
        self.catalogue_title.setText(
            t(
                f"&Indicateurs — {short_theme(theme)} ({len(board.indicators)})",
                f"&Indicators — {short_theme(theme)} ({len(board.indicators)})",
            )
        )
        self.missing_title.setText(
            t(f"Ce qui &manque ({len(board.missing)})", f"What is &missing ({len(board.missing)})")
        )
        row = self.indicator_model.row_of(select) if select is not None else -1
        if row < 0 and board.indicators:
            row = 0
        if row >= 0:
            self.catalogue.setCurrentIndex(self.indicator_model.index(row, 0))
            # No signal when the row was already current (after a reload): show it anyway.
            self.show_indicator(board.indicators[row])
        else:
            self.show_indicator(None)
        counts = {s: 0 for s in Status}
        for ind in board.indicators:
            counts[ind.status] += 1
        self.status_label.setText(
            " · ".join([label(theme)] + [f"{n} {status_label(s)}" for s, n in counts.items() if n])
        )

    def load_overview(self) -> None:
        """Fill the theme × stage table and the list of gaps of every theme."""
        try:
            view = si.overview(self._db, today=self._today())
        except KnownError as exc:
            self._warn(str(exc))
            return
        self.stage_model.set_rows(view.themes)
        self.overview_missing_model.set_items(view.missing)
        # Seven themes: the whole table shows, and the gaps get the rest of the height.
        height = self.stage_view.horizontalHeader().height() + 2 * self.stage_view.frameWidth()
        height += sum(self.stage_view.rowHeight(r) for r in range(self.stage_model.rowCount()))
        self.stage_view.setFixedHeight(height)
        self._overview_stale = False

    def _tab_changed(self, index: int) -> None:
        if index == 1 and self._overview_stale:
            self.load_overview()

    def _step_theme(self, delta: int) -> None:
        themes = list(e.Theme)
        self.load_theme(themes[(themes.index(self.theme) + delta) % len(themes)])

    # --- the selected indicator -------------------------------------------------------

    def current_indicator(self) -> si.IndicatorState | None:
        """The indicator selected in the catalogue."""
        return self.indicator_model.record(self.catalogue.currentIndex().row())

    def current_indicator_id(self) -> uuid.UUID | None:
        """The id of the selected indicator."""
        state = self.current_indicator()
        return state.info.id if state is not None else None

    def _indicator_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.show_indicator(self.indicator_model.record(current.row()))

    def show_indicator(self, state: si.IndicatorState | None) -> None:
        """Show an indicator's description, chart, objectives and values."""
        has = state is not None
        for a in (
            self.edit_indicator_action,
            self.delete_indicator_action,
            self.new_objective_action,
            self.type_value_action,
        ):
            a.setEnabled(has)
        self.type_button.setEnabled(has)
        if state is None:
            self.indicator_title.setText(
                t(
                    "Aucun indicateur pour cette thématique : « Nouvel indicateur… » en ajoute un.",
                    "No indicator for this theme: “New indicator…” adds one.",
                )
            )
            self.indicator_details.setText("")
            self.badge.hide()
            self.objective_model.set_objectives([], None)
            self.measurement_model.set_measurements([], None, ())
            with QSignalBlocker(self.view_box):
                self.view_box.clear()
            self.explanation.setText("")
            self._update_row_actions()
            self._draw()
            return
        info = state.info
        title = info.name + (f" ({info.unit})" if info.unit else "")
        self.indicator_title.setText(title)
        self.badge.setVisible(state.illustrative)
        self.indicator_details.setText(self._details_html(state))
        self.objective_model.set_objectives(state.objectives, info.unit)
        self.measurement_model.set_measurements(state.measurements, info.unit, info.breakdown)
        self.details_tabs.setTabText(
            0, t(f"&Objectifs ({len(state.objectives)})", f"&Objectives ({len(state.objectives)})")
        )
        self.details_tabs.setTabText(
            1,
            t(
                f"&Mesures ({len(state.measurements)})",
                f"&Measurements ({len(state.measurements)})",
            ),
        )
        previous = self.view_box.currentData()
        with QSignalBlocker(self.view_box):
            self.view_box.clear()
            for key, text in si.chart_views(state):
                self.view_box.addItem(text, key)
            found = self.view_box.findData(previous) if previous is not None else -1
            self.view_box.setCurrentIndex(max(found, 0))
        self.view_box.setEnabled(self.view_box.count() > 1)
        if state.objectives:
            self.objective_view.setCurrentIndex(self.objective_model.index(0, 0))
        self._show_explanation(0 if state.objectives else -1)
        self._update_row_actions()
        self._draw()

    def _details_html(self, state: si.IndicatorState) -> str:
        info = state.info
        parts = []
        if info.definition:
            parts.append(html.escape(info.definition))
        facts = []
        if info.breakdown:
            by = info.breakdown_label or t("ventilation", "breakdown")
            facts.append(
                f"<b>{html.escape(by.capitalize())}</b> : " + html.escape(", ".join(info.breakdown))
            )
        if info.source:
            facts.append(f"<b>{t('Source', 'Source')}</b> : {html.escape(info.source)}")
        if info.adopted_in is not None:
            facts.append(
                f"<b>{t('Adopté en séance', 'Adopted in session')}</b> : "
                + html.escape(info.adopted_in.describe())
            )
        else:
            facts.append(
                t("<i>Séance d'adoption non renseignée</i>", "<i>Adopting session not recorded</i>")
            )
        sources = sorted({m.source for m in state.measurements if m.source})
        if sources:
            facts.append(f"<b>{t('Données', 'Data')}</b> : " + html.escape(" ; ".join(sources)))
        parts.append(" · ".join(facts))
        return "<br/>".join(parts)

    def _show_explanation(self, row: int) -> None:
        record = self.objective_model.record(row)
        self._update_row_actions()
        if record is None:
            state = self.current_indicator()
            self.explanation.setText(
                t(
                    "Aucun objectif : « Nouvel objectif… » (Ctrl+Maj+N) en fixe un.",
                    "No objective: “New objective…” (Ctrl+Shift+N) sets one.",
                )
                if state is not None and not state.objectives
                else ""
            )
            return
        self.explanation.setText(record.assessment.explanation)

    def _update_row_actions(self) -> None:
        has_objective = self.objective_model.record(self.objective_view.currentIndex().row())
        self.edit_objective_action.setEnabled(has_objective is not None)
        self.delete_objective_action.setEnabled(has_objective is not None)
        has_value = self.measurement_model.record(self.measurement_view.currentIndex().row())
        self.delete_value_action.setEnabled(has_value is not None)

    # --- the chart --------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        """Create the chart once the window has painted (see the module's import note)."""
        super().showEvent(event)
        if self.chart is None:
            QTimer.singleShot(0, self.ensure_chart)

    def ensure_chart(self) -> ChartWidget:
        """The chart widget, created (and pyqtgraph imported) on first use."""
        if self.chart is None:
            from alliance_desktop.ui.indicators.charts import ChartWidget

            self.chart = ChartWidget(self.chart_frame)
            self.chart_layout.removeWidget(self.chart_placeholder)
            self.chart_placeholder.hide()
            self.chart_layout.addWidget(self.chart)
            self._draw()
        return self.chart

    def _view_changed(self, _index: int) -> None:
        self._draw()

    def current_chart(self) -> si.Chart | None:
        """What the chart shows (or will show) for the selected indicator and view."""
        state = self.current_indicator()
        if state is None:
            return None
        return si.chart_for(state, self.view_box.currentData())

    def _draw(self) -> None:
        if self.chart is None:
            return
        chart = self.current_chart()
        if chart is None:
            self.chart.show_message(
                t(
                    "Aucun indicateur pour cette thématique.",
                    "No indicator for this theme.",
                )
            )
        else:
            self.chart.show_chart(chart)
        self.export_action.setEnabled(chart is not None)

    def export_chart(self) -> None:
        """Ask where to save the chart shown, then write it as PNG."""
        chart = self.current_chart()
        if chart is None:
            return
        from alliance_desktop.ui.indicators.charts import default_file_name

        name, _filter = QFileDialog.getSaveFileName(
            self,
            t("Exporter le graphique", "Export the chart"),
            str(self._export_dir / default_file_name(chart)),
            t("Image PNG (*.png)", "PNG image (*.png)"),
        )
        if name:
            self.export_chart_to(Path(name))

    def export_chart_to(self, path: Path) -> Path:
        """Write the chart shown as a PNG at ``path`` (``.png`` added if missing)."""
        from alliance_desktop.ui.indicators.charts import chart_png

        chart = self.current_chart()
        if chart is None:
            raise KnownError(t("Aucun graphique à exporter.", "No chart to export."))
        if path.suffix.lower() != ".png":
            path = path.with_name(path.name + ".png")
        try:
            path.write_bytes(chart_png(chart))
        except OSError as exc:
            self._warn(
                t(
                    f"Impossible d'écrire « {path} » ({os_reason(exc)}).",
                    f"Cannot write “{path}” ({os_reason(exc)}).",
                )
            )
            return path
        self._export_dir = path.parent
        self.statusBar().showMessage(
            t(f"Graphique exporté dans {path}", f"Chart exported to {path}"), 8000
        )
        return path

    # --- editing ----------------------------------------------------------------------

    def _after(self, changes: si.IndicatorChanges | None) -> None:
        if changes is None:
            return
        self._overview_stale = True
        self.load_theme(changes.theme, changes.indicator_id)
        if self.tabs.currentIndex() == 1:
            self.load_overview()
        self.changed.emit(changes.theme)

    def new_indicator(self) -> None:
        """Add an indicator to the theme shown."""
        dialog = IndicatorDialog(self._db, self.theme, parent=self)
        if dialog.exec():
            self._after(dialog.changes)

    def edit_indicator(self) -> None:
        """Describe the selected indicator again."""
        state = self.current_indicator()
        if state is None:
            return
        dialog = IndicatorDialog(self._db, state.info.theme, state, parent=self)
        if dialog.exec():
            self._after(dialog.changes)

    def delete_indicator(self) -> None:
        """Delete the selected indicator, its objectives and values, once confirmed."""
        state = self.current_indicator()
        if state is None:
            return
        if not self._confirm(
            t(
                f"Supprimer « {state.info.name} », ses {len(state.objectives)} objectif(s) "
                f"et ses {len(state.measurements)} mesure(s) ?",
                f"Delete “{state.info.name}”, its {len(state.objectives)} objective(s) "
                f"and its {len(state.measurements)} value(s)?",
            )
        ):
            return
        self._run(lambda: si.delete_indicator(self._db, state.info.id))

    def current_objective(self) -> si.ObjectiveState | None:
        """The objective selected in the objectives table."""
        return self.objective_model.record(self.objective_view.currentIndex().row())

    def new_objective(self) -> None:
        """Add an objective to the selected indicator."""
        state = self.current_indicator()
        if state is None:
            return
        dialog = ObjectiveDialog(self._db, state, parent=self)
        if dialog.exec():
            self._after(dialog.changes)

    def edit_objective(self) -> None:
        """Change the selected objective."""
        state, objective = self.current_indicator(), self.current_objective()
        if state is None or objective is None:
            return
        dialog = ObjectiveDialog(self._db, state, objective.objective, parent=self)
        if dialog.exec():
            self._after(dialog.changes)

    def delete_objective(self) -> None:
        """Delete the selected objective, once confirmed."""
        objective = self.current_objective()
        state = self.current_indicator()
        if objective is None or state is None:
            return
        if self._confirm(
            t(
                f"Supprimer l'objectif « {objective.objective.summary(state.info.unit)} » ?",
                f"Delete the objective “{objective.objective.summary(state.info.unit)}”?",
            )
        ):
            self._run(lambda: si.delete_objective(self._db, objective.objective.id))

    def current_value(self) -> si.MeasurementInfo | None:
        """The value selected in the measurements table."""
        return self.measurement_model.record(self.measurement_view.currentIndex().row())

    def type_value(self, edit: bool = False) -> None:
        """Type in a value for the selected indicator (or correct the selected one)."""
        state = self.current_indicator()
        if state is None:
            return
        dialog = MeasurementDialog(
            self._db, state, self.current_value() if edit else None, parent=self
        )
        if dialog.exec():
            self.details_tabs.setCurrentIndex(1)
            self._after(dialog.changes)

    def delete_value(self) -> None:
        """Delete the selected value, once confirmed."""
        value = self.current_value()
        if value is None:
            return
        what = f"{value.year}" + (f", {value.breakdown_key}" if value.breakdown_key else "")
        if self._confirm(t(f"Supprimer la mesure de {what} ?", f"Delete the value for {what}?")):
            self._run(lambda: si.delete_measurement(self._db, value.id))

    def _run(self, call: Any) -> None:
        try:
            changes = call()
        except KnownError as exc:
            self._warn(str(exc))
            self.reload()
            return
        self._after(changes)

    # --- navigation from the lists ------------------------------------------------------

    def select_indicator(self, indicator_id: uuid.UUID, theme: e.Theme | None = None) -> bool:
        """Show an indicator (switching theme if needed); False if it is not found."""
        if theme is not None and theme is not self.theme:
            self.load_theme(theme, indicator_id)
        row = self.indicator_model.row_of(indicator_id)
        if row < 0:
            return False
        self.tabs.setCurrentIndex(0)
        self.catalogue.setCurrentIndex(self.indicator_model.index(row, 0))
        return True

    def _missing_activated(self, index: QModelIndex) -> None:
        item = self.missing_model.item(index.row())
        if item is not None and item.indicator_id is not None:
            self.select_indicator(item.indicator_id)
            self.catalogue.setFocus(Qt.FocusReason.OtherFocusReason)

    def _overview_missing_activated(self, index: QModelIndex) -> None:
        item = self.overview_missing_model.item(index.row())
        if item is None:
            return
        if item.indicator_id is not None:
            self.select_indicator(item.indicator_id, item.theme)
        else:
            self.load_theme(item.theme)
            self.tabs.setCurrentIndex(0)

    def _stage_activated(self, index: QModelIndex) -> None:
        row = self.stage_model.record(index.row())
        if row is not None:
            self.load_theme(row.theme)
            self.tabs.setCurrentIndex(0)

    # --- messages -----------------------------------------------------------------------

    def _warn(self, message: str) -> None:
        QMessageBox.warning(self, APP_NAME, message)

    def _confirm(self, question: str) -> bool:
        answer = QMessageBox.question(
            self,
            APP_NAME,
            question,
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes
