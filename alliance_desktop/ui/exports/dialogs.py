"""The export dialogs: the report's progress, the choice of tables, the document template."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QStandardPaths, Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from alliance_desktop import APP_NAME
from alliance_desktop.core.dates import long_date
from alliance_desktop.core.errors import KnownError
from alliance_desktop.core.i18n import t
from alliance_desktop.services.meetings import MeetingSummary
from alliance_desktop.ui.exports.names import TEMPLATE_KEY, check_template, session_tag
from alliance_desktop.ui.settings import Settings

TEMPLATE_FILTERS = (
    "Modèles Word (*.docx *.dotx);;Tous les fichiers (*)",
    "Word templates (*.docx *.dotx);;All files (*)",
)


class ReportProgressDialog(QDialog):
    """How far the yearly report has got, with a button to stop it.

    Closing the dialog (Échap, the window's cross) asks to stop as well; the dialog stays
    until the job has actually stopped, so that nothing is left running unseen.

    Signals:
        cancel_requested: the user asked to stop the report.
    """

    cancel_requested = Signal()

    def __init__(self, year: int, parent: QWidget | None = None) -> None:
        """A dialog for the report of ``year``, at « reading the database »."""
        super().__init__(parent)
        self.setObjectName("export-progress")
        self.setWindowTitle(t(f"Rapport d'étape {year}", f"Progress report {year}"))
        self.setWindowModality(Qt.WindowModality.WindowModal)
        self._finished = False
        # The title again inside: a window-modal dialog is a title-less sheet on macOS.
        self.heading = QLabel(t(f"Rapport d'étape {year}", f"Progress report {year}"), self)
        font = self.heading.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.heading.setFont(font)
        self.label = QLabel(t("Préparation…", "Preparing…"), self)
        self.label.setObjectName("export-progress-label")
        self.label.setMinimumWidth(420)
        self.label.setWordWrap(True)
        self.bar = QProgressBar(self)
        self.bar.setObjectName("export-progress-bar")
        self.bar.setRange(0, 0)
        self.bar.setAccessibleName(t("Avancement du rapport", "Report progress"))
        self.cancel_button = QPushButton(t("Annuler", "Cancel"), self)
        self.cancel_button.setObjectName("export-progress-cancel")
        self.cancel_button.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addLayout(buttons)

    def set_progress(self, done: int, total: int, what: str) -> None:
        """Show step ``done`` of ``total`` (a moving bar while ``total`` is 0)."""
        if self.cancel_button.isEnabled():
            self.label.setText(f"{what}…")
        if total <= 0:
            self.bar.setRange(0, 0)
            return
        self.bar.setRange(0, total)
        self.bar.setValue(min(done, total))

    def reject(self) -> None:
        """Ask to stop instead of closing: the dialog closes when the job has stopped."""
        if self._finished:
            super().reject()
            return
        if self.cancel_button.isEnabled():
            self.cancel_button.setEnabled(False)
            self.label.setText(t("Arrêt du rapport…", "Stopping the report…"))
            self.cancel_requested.emit()

    def closeEvent(self, event: QCloseEvent) -> None:
        """The window's cross asks to stop, like « Annuler »."""
        if self._finished:
            super().closeEvent(event)
            return
        event.ignore()
        self.reject()

    def finish(self) -> None:
        """The job is over (written, refused or stopped): close for good."""
        self._finished = True
        self.accept()


@dataclass(frozen=True)
class TablesChoice:
    """What the tables dialog asked for."""

    names: tuple[str, ...]
    fmt: str
    meeting_id: uuid.UUID | None
    year: int | None
    tag: str


class TablesDialog(QDialog):
    """Which tables to export, for which sessions, and as Excel or CSV.

    Signals:
        none beyond QDialog's own.
    """

    def __init__(
        self,
        selected: MeetingSummary | None,
        years: Sequence[int],
        parent: QWidget | None = None,
    ) -> None:
        """A dialog offering the ``selected`` session, one of ``years``, or everything."""
        from alliance_desktop.exports.tables import TABLES, table_title

        super().__init__(parent)
        self.setObjectName("export-tables-dialog")
        self.setWindowTitle(t("Exporter des tableaux", "Export tables"))
        self._selected = selected

        tables_box = QGroupBox(t("Tableaux", "Tables"), self)
        tables_layout = QVBoxLayout(tables_box)
        self.table_boxes: dict[str, QCheckBox] = {}
        for name in TABLES:
            box = QCheckBox(table_title(name), tables_box)
            box.setObjectName(f"table-{name}")
            box.setChecked(True)
            box.toggled.connect(self._update_ok)
            tables_layout.addWidget(box)
            self.table_boxes[name] = box

        scope_box = QGroupBox(t("Séances", "Sessions"), self)
        scope_layout = QVBoxLayout(scope_box)
        self.scope = QButtonGroup(self)
        if selected is not None:
            session_text = t(
                f"La séance sélectionnée ({long_date(selected.date)})",
                f"The selected session ({long_date(selected.date)})",
            )
        else:
            session_text = t("La séance sélectionnée (aucune)", "The selected session (none)")
        self.session_radio = QRadioButton(session_text, scope_box)
        self.session_radio.setObjectName("scope-session")
        self.session_radio.setEnabled(selected is not None)
        self.year_radio = QRadioButton(t("L'année", "The year"), scope_box)
        self.year_radio.setObjectName("scope-year")
        self.year_combo = QComboBox(scope_box)
        self.year_combo.setObjectName("scope-year-choice")
        self.year_combo.setAccessibleName(t("Année", "Year"))
        for year in sorted(set(years), reverse=True):
            self.year_combo.addItem(str(year), year)
        if selected is not None:
            self.year_combo.setCurrentIndex(max(0, self.year_combo.findData(selected.date.year)))
        self.year_radio.setEnabled(self.year_combo.count() > 0)
        self.year_combo.setEnabled(self.year_combo.count() > 0)
        self.all_radio = QRadioButton(t("Toutes les séances", "All sessions"), scope_box)
        self.all_radio.setObjectName("scope-all")
        for n, radio in enumerate((self.session_radio, self.year_radio, self.all_radio)):
            self.scope.addButton(radio, n)
        (self.session_radio if selected is not None else self.all_radio).setChecked(True)
        self.year_combo.activated.connect(lambda _i: self.year_radio.setChecked(True))
        year_row = QHBoxLayout()
        year_row.addWidget(self.year_radio)
        year_row.addWidget(self.year_combo)
        year_row.addStretch(1)
        scope_layout.addWidget(self.session_radio)
        scope_layout.addLayout(year_row)
        scope_layout.addWidget(self.all_radio)
        note = QLabel(
            t(
                "Les indicateurs et les mesures ne dépendent pas des séances : ils sont "
                "toujours exportés en entier.",
                "Indicators and measurements do not belong to sessions: they are always "
                "exported whole.",
            ),
            scope_box,
        )
        note.setWordWrap(True)
        note.setObjectName("scope-note")
        small = note.font()
        small.setPointSizeF(small.pointSizeF() * 0.9)
        note.setFont(small)
        scope_layout.addWidget(note)

        format_box = QGroupBox(t("Format", "Format"), self)
        format_layout = QVBoxLayout(format_box)
        self.xlsx_radio = QRadioButton(
            t(
                "Classeur Excel (.xlsx) : une feuille par tableau",
                "Excel workbook (.xlsx): one sheet per table",
            ),
            format_box,
        )
        self.xlsx_radio.setObjectName("format-xlsx")
        self.csv_radio = QRadioButton(
            t(
                "CSV pour Excel (.csv) : un fichier par tableau",
                "CSV for Excel (.csv): one file per table",
            ),
            format_box,
        )
        self.csv_radio.setObjectName("format-csv")
        self.xlsx_radio.setChecked(True)
        format_layout.addWidget(self.xlsx_radio)
        format_layout.addWidget(self.csv_radio)

        self.buttons = QDialogButtonBox(self)
        self.ok_button = self.buttons.addButton(
            t("Exporter…", "Export…"), QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.buttons.addButton(t("Annuler", "Cancel"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(tables_box)
        layout.addWidget(scope_box)
        layout.addWidget(format_box)
        layout.addWidget(self.buttons)

    def _update_ok(self) -> None:
        self.ok_button.setEnabled(any(box.isChecked() for box in self.table_boxes.values()))

    def choice(self) -> TablesChoice:
        """The tables, format and sessions chosen."""
        names = tuple(name for name, box in self.table_boxes.items() if box.isChecked())
        fmt = "csv" if self.csv_radio.isChecked() else "xlsx"
        if self.session_radio.isChecked() and self._selected is not None:
            return TablesChoice(names, fmt, self._selected.id, None, session_tag(self._selected))
        if self.year_radio.isChecked() and self.year_combo.count():
            year = int(self.year_combo.currentData())
            return TablesChoice(names, fmt, None, year, str(year))
        return TablesChoice(names, fmt, None, None, "")


def documents_folder() -> Path:
    """The user's Documents folder (their home if the platform has none)."""
    found = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(found) if found and Path(found).is_dir() else Path.home()


class TemplateDialog(QDialog):
    """The Word template the documents take their styles, letterhead and logo from.

    Signals:
        template_changed: the template changed; carries its path, or None for the default.
    """

    template_changed = Signal(object)

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        """Show the template remembered in ``settings`` (the application's if none)."""
        super().__init__(parent)
        self.setObjectName("export-template-dialog")
        self.setWindowTitle(t("Modèle de document", "Document template"))
        self._settings = settings
        intro = QLabel(
            t(
                "Les comptes-rendus, synthèses et rapports prennent leurs styles, leur en-tête "
                "et leur pied de page (papier à en-tête, logo) dans ce modèle Word. Un style "
                "qui lui manque est remplacé par celui de l'application.",
                "Minutes, summaries and reports take their styles, header and footer "
                "(letterhead, logo) from this Word template. A style it lacks is replaced "
                "by the application's own.",
            ),
            self,
        )
        intro.setWordWrap(True)
        self.current = QLabel(self)
        self.current.setObjectName("template-current")
        self.current.setWordWrap(True)
        self.current.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.choose_button = QPushButton(t("&Choisir un modèle…", "&Choose a template…"), self)
        self.choose_button.setObjectName("template-choose")
        self.choose_button.clicked.connect(self.choose)
        self.default_button = QPushButton(t("Modèle par &défaut", "&Default template"), self)
        self.default_button.setObjectName("template-default")
        self.default_button.clicked.connect(self.use_default)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        row = QHBoxLayout()
        row.addWidget(self.choose_button)
        row.addWidget(self.default_button)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.current)
        layout.addLayout(row)
        layout.addWidget(close)
        self.resize(560, self.sizeHint().height())
        self._show_current()

    def template(self) -> Path | None:
        """The chosen template, or None for the application's."""
        return remembered_template(self._settings)

    def _show_current(self) -> None:
        path = self.template()
        if path is None:
            self.current.setText(
                t(
                    "Modèle utilisé : celui de l'application.",
                    "Template in use: the application's own.",
                )
            )
        else:
            missing = "" if path.is_file() else t(" (introuvable)", " (not found)")
            self.current.setText(
                t(f"Modèle utilisé : {path}{missing}", f"Template in use: {path}{missing}")
            )
        self.default_button.setEnabled(path is not None)

    def choose(self) -> None:
        """Ask for a .docx or .dotx file and use it from now on."""
        current = self.template()
        start = current.parent if current is not None and current.parent.is_dir() else None
        name, _filter = QFileDialog.getOpenFileName(
            self,
            t("Choisir un modèle de document", "Choose a document template"),
            str(start or documents_folder()),
            t(*TEMPLATE_FILTERS),
        )
        if not name:
            return
        path = Path(name)
        try:
            check_template(path)
        except KnownError as exc:
            QMessageBox.warning(self, APP_NAME, str(exc))
            return
        self._settings.set_text(TEMPLATE_KEY, str(path))
        self._show_current()
        self.template_changed.emit(path)

    def use_default(self) -> None:
        """Go back to the application's template."""
        self._settings.set_text(TEMPLATE_KEY, "")
        self._show_current()
        self.template_changed.emit(None)


def remembered_template(settings: Settings) -> Path | None:
    """The user's template remembered in ``settings``, or None for the application's."""
    value = settings.text(TEMPLATE_KEY)
    return Path(value) if value else None


class MessageBar(QToolBar):
    """A bar under the window's content saying what was written, with ways to open it.

    Signals:
        open_document: « Ouvrir le document » was clicked; carries the file's path.
        open_folder: « Ouvrir le dossier » was clicked; carries the folder's path.
    """

    open_document = Signal(object)
    open_folder = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        """An empty, hidden bar."""
        super().__init__(t("Résultat de l'export", "Export result"), parent)
        self.setObjectName("export-message-bar")
        self.setMovable(False)
        self.setFloatable(False)
        # Not a toolbar the user would want listed with the others in the context menu.
        self.toggleViewAction().setVisible(False)
        self.setStyleSheet(
            "QToolBar#export-message-bar { background: #E8F1EA; border: none;"
            " border-top: 1px solid #A9C4AE; padding: 3px 6px; spacing: 8px; }"
        )
        self._document: Path | None = None
        self._folder: Path | None = None
        self.text = QLabel(self)
        self.text.setObjectName("export-message")
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.document_button = QPushButton(t("Ouvrir le &document", "Open the &document"), self)
        self.document_button.setObjectName("export-open-document")
        self.document_button.clicked.connect(self._open_document)
        self.folder_button = QPushButton(t("Ouvrir le dossie&r", "Open the &folder"), self)
        self.folder_button.setObjectName("export-open-folder")
        self.folder_button.clicked.connect(self._open_folder)
        self.close_button = QToolButton(self)
        self.close_button.setObjectName("export-message-close")
        self.close_button.setText("×")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip(t("Fermer", "Close"))
        self.close_button.setAccessibleName(t("Fermer le message", "Close the message"))
        self.close_button.clicked.connect(self.hide)
        spacer = QWidget(self)
        spacer.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
        self.addWidget(self.text)
        self._document_action = self.addWidget(self.document_button)
        self.addWidget(self.folder_button)
        self.addWidget(spacer)
        self.addWidget(self.close_button)
        self.hide()

    @property
    def document(self) -> Path | None:
        """The file the bar offers to open, if one."""
        return self._document

    def show_written(self, message: str, folder: Path, document: Path | None = None) -> None:
        """Say ``message`` and offer to open ``document`` (if given) and ``folder``."""
        self._document, self._folder = document, folder
        self.text.setText(message)
        self._document_action.setVisible(document is not None)
        self.show()

    def _open_document(self) -> None:
        if self._document is not None:
            self.open_document.emit(self._document)

    def _open_folder(self) -> None:
        if self._folder is not None:
            self.open_folder.emit(self._folder)


def today_year() -> int:
    """The current year, the report's default when no session is selected."""
    return dt.date.today().year
