"""The « Indicateurs » menu of the main window; the dashboard itself loads on first use."""

# Only this module is imported at start-up, and it imports nothing heavier than Qt: the
# dashboard, the ORM, pandas and pyqtgraph load when one of the menu's actions is chosen.

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Final

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from alliance_desktop import APP_NAME
from alliance_desktop.core import enums as e
from alliance_desktop.core.errors import KnownError
from alliance_desktop.core.i18n import t
from alliance_desktop.ui.menus import feature_menu

if TYPE_CHECKING:
    from alliance_desktop.storage.database import Database
    from alliance_desktop.ui.indicators.dashboard import IndicatorDashboard
    from alliance_desktop.ui.indicators.import_dialog import MeasurementImportDialog
    from alliance_desktop.ui.main_window import MainWindow

MENU_NAME: Final = "menu-indicators"
CONTROLLER_NAME: Final = "indicatorsMenuController"
# Menus the « Indicateurs » menu goes before, as in the sketch of the main window.
_AFTER_US: Final = ("menu-sharing", "menu-help")
_TITLES_AFTER_US: Final = ("Partage", "Sharing", "Aide", "Help")
TEMPLATE_FILTERS: Final = (
    "Classeur Excel (*.xlsx);;CSV pour Excel (*.csv)",
    "Excel workbook (*.xlsx);;CSV for Excel (*.csv)",
)


def _menu(window: MainWindow) -> QMenu:
    return feature_menu(
        window,
        MENU_NAME,
        t("&Indicateurs", "&Indicators"),
        before_names=_AFTER_US,
        before_titles=_TITLES_AFTER_US,
    )


class IndicatorsMenu(QObject):
    """The actions of the « Indicateurs » menu, and the windows they open.

    Signals:
        None of its own: the dashboard and the import dialog carry theirs.
    """

    def __init__(self, window: MainWindow) -> None:
        """Add the actions to ``window``'s « Indicateurs » menu (created if missing)."""
        super().__init__(window)
        self.setObjectName(CONTROLLER_NAME)
        self._window = window
        self.dashboard: IndicatorDashboard | None = None
        self.import_dialog: MeasurementImportDialog | None = None
        self._folder = Path.home()
        self.menu = _menu(window)
        self.dashboard_action = self._add(
            t("&Tableau de bord", "&Dashboard"), self.open_dashboard, "Ctrl+I"
        )
        self.import_action = self._add(
            t("&Importer des mesures…", "&Import measurements…"), self.open_import
        )
        self.template_action = self._add(
            t("&Modèle de fichier de mesures…", "Measurement file &template…"),
            self.save_template,
        )
        window.database_changed.connect(self._database_changed)

    def _add(self, text: str, slot: Callable[[], object], shortcut: str | None = None) -> QAction:
        action = QAction(text, self._window)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        self.menu.addAction(action)
        return action

    def _db(self) -> Database:
        return self._window.database

    def open_dashboard(self) -> IndicatorDashboard:
        """Show the dashboard (built on first use, then raised as it was left)."""
        if self.dashboard is None:
            from alliance_desktop.ui.indicators.dashboard import IndicatorDashboard

            self.dashboard = IndicatorDashboard(
                self._db(), theme=self._current_theme(), parent=self._window
            )
            self.dashboard.import_requested.connect(self.open_import)
            self.dashboard.resize(1280, 760)
        self.dashboard.show()
        self.dashboard.raise_()
        self.dashboard.activateWindow()
        return self.dashboard

    def open_import(self) -> MeasurementImportDialog:
        """Show the import dialog (one at a time; a running import is never interrupted)."""
        if self.import_dialog is None:
            from alliance_desktop.ui.indicators.import_dialog import MeasurementImportDialog

            dashboard = self.dashboard
            parent = dashboard if dashboard is not None and dashboard.isVisible() else self._window
            self.import_dialog = MeasurementImportDialog(self._db(), parent, start_dir=self._folder)
            self.import_dialog.imported.connect(self._imported)
            self.import_dialog.finished.connect(self._import_closed)
        self.import_dialog.show()
        self.import_dialog.raise_()
        self.import_dialog.activateWindow()
        return self.import_dialog

    def _current_theme(self) -> e.Theme:
        # The theme of the session on screen: the one the facilitators are talking about.
        detail = self._window.meeting_view.detail
        if detail is not None and detail.summary.theme is not None:
            return detail.summary.theme
        return e.Theme.GES

    def _imported(self, _result: object) -> None:
        if self.dashboard is not None:
            self.dashboard.reload()

    def _import_closed(self, _code: int) -> None:
        dialog = self.import_dialog
        if dialog is not None and not dialog.busy:
            # A new dialog next time: a fresh start, in the folder last used.
            self.import_dialog = None
            dialog.deleteLater()

    def save_template(self) -> None:
        """Ask where to write an empty measurement file, then write it."""
        name, chosen = QFileDialog.getSaveFileName(
            self._window,
            t("Modèle de fichier de mesures", "Measurement file template"),
            str(self._folder / t("mesures.xlsx", "measurements.xlsx")),
            t(*TEMPLATE_FILTERS),
        )
        if not name:
            return
        path = Path(name)
        if path.suffix.lower() not in (".xlsx", ".csv"):
            path = path.with_name(path.name + (".csv" if "csv" in chosen.lower() else ".xlsx"))
        self.write_template(path)

    def write_template(self, path: Path) -> bool:
        """Write the empty template at ``path`` (.xlsx or .csv); False if refused."""
        from alliance_desktop.imports.measurements import write_template

        try:
            write_template(path)
        except KnownError as exc:
            QMessageBox.warning(self._window, APP_NAME, str(exc))
            return False
        self._folder = path.parent
        self._window.statusBar().showMessage(
            t(
                f"Modèle écrit dans {path} : une ligne par indicateur, année et ventilation.",
                f"Template written to {path}: one row per indicator, year and breakdown.",
            ),
            10000,
        )
        return True

    def _database_changed(self, db: Database) -> None:
        if self.dashboard is not None:
            self.dashboard.set_database(db)
        if self.import_dialog is not None and not self.import_dialog.busy:
            self.import_dialog.close()
            self.import_dialog = None


def attach(window: MainWindow) -> None:
    """Add the « Indicateurs » menu to the main window (reusing it if it exists).

    Imports neither the dashboard nor pyqtgraph: each loads on first use.
    """
    if window.findChild(IndicatorsMenu, CONTROLLER_NAME) is None:
        IndicatorsMenu(window)
