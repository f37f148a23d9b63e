"""The « Membres » menu of the main window; its screens load on first use.

Only this module is imported at start-up, and it imports nothing heavier than Qt: the
directory, the imports (pandas), the participation chart (pyqtgraph) and the personal
data screens load when one of the menu's actions is chosen.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QFileDialog, QMenu, QMessageBox

from alliance_desktop import APP_NAME
from alliance_desktop.core.errors import KnownError
from alliance_desktop.core.i18n import t
from alliance_desktop.ui.menus import feature_menu

if TYPE_CHECKING:
    from alliance_desktop.storage.database import Database
    from alliance_desktop.ui.main_window import MainWindow

MENU_NAME: Final = "menu-members"
CONTROLLER_NAME: Final = "membersMenuController"
# Menus « Membres » goes before, as in the sketch of the main window.
_AFTER_US: Final = ("menu-indicators", "menu-sharing", "menu-help")
_TITLES_AFTER_US: Final = ("Indicateurs", "Indicators", "Partage", "Sharing", "Aide", "Help")
TEMPLATE_FILTERS: Final = (
    "Classeur Excel (*.xlsx);;CSV pour Excel (*.csv)",
    "Excel workbook (*.xlsx);;CSV for Excel (*.csv)",
)


def _menu(window: MainWindow) -> QMenu:
    return feature_menu(
        window,
        MENU_NAME,
        t("&Membres", "&Members"),
        before_names=_AFTER_US,
        before_titles=_TITLES_AFTER_US,
    )


class MembersMenu(QObject):
    """The actions of the « Membres » menu, and the windows they open (one of each).

    Signals:
        none: each window carries its own.
    """

    def __init__(self, window: MainWindow) -> None:
        """Add the actions to ``window``'s « Membres » menu (created if missing)."""
        super().__init__(window)
        self.setObjectName(CONTROLLER_NAME)
        self._window = window
        self._folder = Path.home()
        self.windows: dict[str, QDialog] = {}
        self.menu = _menu(window)
        if self.menu.actions():
            self.menu.addSeparator()
        self.directory_action = self._add(
            t("&Annuaire…", "&Directory…"), self.open_directory, "Ctrl+Shift+M"
        )
        self.import_people_action = self._add(
            t("&Importer l'annuaire…", "&Import the directory…"), self.open_people_import
        )
        self.people_template_action = self._add(
            t("Modèle de fichier d'a&nnuaire…", "Directory file &template…"),
            lambda: self.save_template("people"),
        )
        self.menu.addSeparator()
        self.survey_action = self._add(
            t("&Questionnaire des membres…", "Members' &questionnaire…"), self.open_survey
        )
        self.import_survey_action = self._add(
            t("Importer le q&uestionnaire…", "Import the q&uestionnaire…"), self.open_survey_import
        )
        self.survey_template_action = self._add(
            t("Modèle de fichier de &questionnaire…", "Questionnaire file t&emplate…"),
            lambda: self.save_template("survey"),
        )
        self.menu.addSeparator()
        self.participation_action = self._add(
            t("&Participation…", "&Participation…"), self.open_participation, "Ctrl+Shift+P"
        )
        self.menu.addSeparator()
        privacy = self.menu.addMenu(t("&Données personnelles (RGPD)", "Personal &data (GDPR)"))
        privacy.setObjectName("menu-members-privacy")
        self.retention_action = self._add(
            t("&Durée de conservation…", "&Retention period…"), self.open_retention, menu=privacy
        )
        self.notice_action = self._add(
            t("&Notice d'information…", "Information &notice…"), self.open_notice, menu=privacy
        )
        self.audit_action = self._add(
            t("&Journal des opérations…", "Operations &log…"), self.open_audit, menu=privacy
        )
        window.database_changed.connect(self._database_changed)

    def _add(
        self,
        text: str,
        slot: Callable[[], object],
        shortcut: str | None = None,
        *,
        menu: QMenu | None = None,
    ) -> QAction:
        action = QAction(text, self._window)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(lambda _checked=False: slot())
        (menu or self.menu).addAction(action)
        return action

    def _db(self) -> Database:
        return self._window.database

    def _show(self, key: str, make: Callable[[], QDialog]) -> Any:
        dialog = self.windows.get(key)
        if dialog is None:
            try:
                dialog = make()
            except KnownError as exc:
                QMessageBox.warning(self._window, APP_NAME, str(exc))
                return None
            self.windows[key] = dialog
            dialog.finished.connect(lambda _c, k=key: self._closed(k))
        dialog.show()
        dialog.raise_()
        dialog.activateWindow()
        return dialog

    def _closed(self, key: str) -> None:
        dialog = self.windows.get(key)
        if dialog is not None and not getattr(dialog, "busy", False):
            del self.windows[key]
            dialog.deleteLater()

    def _refresh(self, *keys: str) -> None:
        for key in keys:
            dialog = self.windows.get(key)
            reload = getattr(dialog, "reload", None)
            if callable(reload):
                reload()

    # --- the actions ----------------------------------------------------------------------

    def open_directory(self) -> Any:
        """Show the directory."""
        from alliance_desktop.services.privacy import reapply_erasures
        from alliance_desktop.ui.members.directory import DirectoryWindow

        def make() -> QDialog:
            # A backup restored since the last erasure must not show the person again.
            reapply_erasures(self._db())
            w = DirectoryWindow(self._db(), self._window)
            w.record_requested.connect(self.open_record)
            w.changed.connect(lambda: self._refresh("participation"))
            return w

        return self._show("directory", make)

    def open_record(self, person: Any) -> Any:
        """Show a person's record and personal data."""
        from alliance_desktop.ui.members.person_record import PersonRecordDialog

        old = self.windows.pop("record", None)
        if old is not None:
            old.close()
            old.deleteLater()

        def make() -> QDialog:
            parent = self.windows.get("directory") or self._window
            w = PersonRecordDialog(self._db(), person, parent)
            w.changed.connect(lambda: self._refresh("directory", "participation"))
            return w

        return self._show("record", make)

    def open_people_import(self) -> Any:
        """Show the directory import."""
        from alliance_desktop.ui.members.import_dialog import PeopleImportDialog

        def make() -> QDialog:
            w = PeopleImportDialog(self._db(), self._window)
            w.folder = self._folder
            w.imported.connect(lambda _r: self._refresh("directory", "participation"))
            return w

        return self._show("people-import", make)

    def open_survey(self) -> Any:
        """Show the questionnaire's answers."""
        from alliance_desktop.ui.members.survey_view import SurveyWindow

        def make() -> QDialog:
            w = SurveyWindow(self._db(), self._window)
            w.import_requested.connect(self.open_survey_import)
            return w

        return self._show("survey", make)

    def open_survey_import(self) -> Any:
        """Show the questionnaire import."""
        from alliance_desktop.ui.members.import_dialog import SurveyImportDialog

        def make() -> QDialog:
            w = SurveyImportDialog(self._db(), self._window)
            w.folder = self._folder
            w.imported.connect(lambda _r: self._refresh("survey"))
            return w

        return self._show("survey-import", make)

    def open_participation(self) -> Any:
        """Show the participation window."""
        from alliance_desktop.ui.members.participation import ParticipationWindow

        return self._show("participation", lambda: ParticipationWindow(self._db(), self._window))

    def open_retention(self) -> Any:
        """Show the retention rule's preview."""
        from alliance_desktop.ui.members.privacy_dialogs import RetentionDialog

        def make() -> QDialog:
            w = RetentionDialog(self._db(), self._window)
            w.erased.connect(lambda _r: self._refresh("directory", "participation"))
            return w

        return self._show("retention", make)

    def open_notice(self) -> Any:
        """Show the information notice editor."""
        from alliance_desktop.ui.members.privacy_dialogs import NoticeDialog

        return self._show("notice", lambda: NoticeDialog(self._db(), self._window))

    def open_audit(self) -> Any:
        """Show the log of operations on personal data."""
        from alliance_desktop.ui.members.privacy_dialogs import AuditDialog

        return self._show("audit", lambda: AuditDialog(self._db(), self._window))

    def save_template(self, kind: str, path: Path | None = None) -> Path | None:
        """Write an empty directory or questionnaire file (asking where if not given)."""
        if path is None:
            default = (
                t("annuaire.xlsx", "directory.xlsx")
                if kind == "people"
                else t("questionnaire.xlsx", "questionnaire.xlsx")
            )
            name, chosen = QFileDialog.getSaveFileName(
                self._window,
                t("Modèle de fichier", "File template"),
                str(self._folder / default),
                t(*TEMPLATE_FILTERS),
            )
            if not name:
                return None
            path = Path(name)
            if path.suffix.lower() not in (".xlsx", ".csv"):
                path = path.with_name(path.name + (".csv" if "csv" in chosen.lower() else ".xlsx"))
        if kind == "people":
            from alliance_desktop.imports.people import write_template
        else:
            from alliance_desktop.imports.survey import write_template
        try:
            write_template(path)
        except KnownError as exc:
            QMessageBox.warning(self._window, APP_NAME, str(exc))
            return None
        self._folder = path.parent
        self._window.statusBar().showMessage(
            t(f"Modèle écrit dans {path}.", f"Template written to {path}."), 10000
        )
        return path

    def _database_changed(self, db: Database) -> None:
        for key, dialog in list(self.windows.items()):
            set_db = getattr(dialog, "set_database", None)
            if callable(set_db):
                set_db(db)
            elif not getattr(dialog, "busy", False):
                # Screens bound to one file's rows (a person, an import) close with it.
                dialog.close()
                self.windows.pop(key, None)
                dialog.deleteLater()


def attach(window: MainWindow) -> None:
    """Add the « Membres » menu to the main window (reusing one named ``menu-members``).

    Imports none of the screens: each loads on first use.
    """
    if window.findChild(MembersMenu, CONTROLLER_NAME) is None:
        MembersMenu(window)
