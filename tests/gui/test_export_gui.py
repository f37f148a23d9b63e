"""The « Exporter » menu: documents written on a worker, progress, errors, the user template."""

from __future__ import annotations

import csv
import io
import itertools
import threading
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import docx
import pytest
import shiboken6
from PIL import Image
from PySide6.QtCore import QTimer, QUrl
from PySide6.QtGui import QCloseEvent, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QInputDialog,
    QMenu,
    QMessageBox,
    QToolBar,
    QWidget,
)
from pytestqt.qtbot import QtBot

from alliance_desktop.app import build_main_window
from alliance_desktop.core import enums as e
from alliance_desktop.exports import api
from alliance_desktop.exports.charts import line_chart
from alliance_desktop.exports.model import Series
from alliance_desktop.storage.database import Database, open_database
from alliance_desktop.ui.exports import attach, controller
from alliance_desktop.ui.exports.dialogs import TablesDialog, TemplateDialog
from alliance_desktop.ui.exports.menu import ExportsController
from alliance_desktop.ui.exports.names import FOLDER_KEY, TEMPLATE_KEY
from alliance_desktop.ui.main_window import MainWindow

from .helpers import HOSTILE

pytestmark = pytest.mark.gui

GES_TITLE = "Atelier 2 — Réduire les émissions de GES"


def _open(qtbot: QtBot, db: Database) -> tuple[MainWindow, ExportsController]:
    window = build_main_window(db)
    qtbot.addWidget(window)
    window.resize(1366, 740)
    window.show()
    qtbot.waitExposed(window)
    attach(window)
    found = controller(window)
    assert found is not None
    return window, found


@pytest.fixture
def window(qtbot: QtBot, db: Database) -> Iterator[MainWindow]:
    w, exports = _open(qtbot, db)
    yield w
    exports.wait(30000)


@pytest.fixture
def exports(window: MainWindow) -> ExportsController:
    found = controller(window)
    assert found is not None
    return found


@pytest.fixture
def demo_window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    from alliance_desktop.services.demo import write_demo

    path = tmp_path / "demo.sqlite3"
    write_demo(path)
    db = open_database(path)
    w, exports = _open(qtbot, db)
    yield w
    exports.wait(30000)
    w.database.close()


class SaveDialog:
    """Stands for QFileDialog.getSaveFileName: records what was proposed, answers a path."""

    def __init__(self, answer: Path | None) -> None:
        self.answer = answer
        self.proposed: list[str] = []

    def __call__(self, _parent: object, _title: str, proposed: str, _filters: str) -> Any:
        self.proposed.append(proposed)
        return (str(self.answer) if self.answer is not None else "", "")


def _closed(widget: QWidget) -> bool:
    """Closed for good: deleted, or at least hidden."""
    return not shiboken6.isValid(widget) or not widget.isVisible()


def _select(window: MainWindow, title: str) -> None:
    for row, m in enumerate(window.model.meetings()):
        if m.title == title:
            window.select_row(row)
            return
    raise AssertionError(title)


def _texts(menu: QMenu) -> list[str]:
    return [a.text() for a in menu.actions() if not a.isSeparator()]


def _body(path: Path) -> str:
    document = docx.Document(str(path))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(
        " ".join(p.replace("\u202f", " ").replace("\u00a0", " ").split()) for p in parts
    )


def _header(path: Path) -> str:
    document = docx.Document(str(path))
    return "\n".join(p.text for s in document.sections for p in s.header.paragraphs)


# --- the menu -------------------------------------------------------------------------


def test_menu_and_toolbar_speak_french(window: MainWindow, exports: ExportsController) -> None:
    bar = window.menuBar()
    menu = bar.findChild(QMenu, "menu-export")
    assert menu is not None and menu is exports.menu
    assert menu.title() == "&Exporter"
    assert _texts(menu) == [
        "&Compte-rendu de la séance…",
        "Compte-rendu &public (pseudonymisé)…",
        "&Synthèse de la séance…",
        "&Rapport d'étape…",
        "&Tableaux (CSV / Excel)…",
        "&Modèle de document…",
    ]
    # Before « Aide », which stays last.
    titles = [a.text() for a in bar.actions()]
    assert titles.index("&Exporter") == titles.index("&Aide") - 1
    toolbar = window.findChild(QToolBar, "toolbar-export")
    assert toolbar is not None and toolbar.isVisible()
    assert [a.iconText() for a in toolbar.actions()] == [
        "Compte-rendu",
        "Synthèse",
        "Rapport d'étape",
        "Tableaux",
    ]


def test_minutes_shortcut_is_never_ambiguous(
    window: MainWindow, exports: ExportsController
) -> None:
    from PySide6.QtGui import QAction

    shortcut = exports.minutes_action.shortcut()
    others = [
        a
        for a in window.findChildren(QAction)
        if a is not exports.minutes_action and a.shortcut() == QKeySequence("Ctrl+E")
    ]
    # Ctrl+E when it is free; while the window gives it to another action, the next one.
    expected = "Ctrl+Shift+E" if others else "Ctrl+E"
    assert shortcut == QKeySequence(expected)
    sequences = [
        a.shortcut().toString() for a in window.findChildren(QAction) if not a.shortcut().isEmpty()
    ]
    assert len(sequences) == len(set(sequences))


def test_attaching_twice_adds_nothing(window: MainWindow, exports: ExportsController) -> None:
    attach(window)
    assert controller(window) is exports
    menus = [m for m in window.menuBar().findChildren(QMenu) if m.objectName() == "menu-export"]
    assert len(menus) == 1
    assert len(_texts(menus[0])) == 6


def test_an_existing_export_menu_is_reused(qtbot: QtBot, db: Database) -> None:
    window = build_main_window(db, features=False)
    qtbot.addWidget(window)
    theirs = QMenu("&Exporter", window.menuBar())
    theirs.setObjectName("menu-export")
    theirs.addAction("Graphique en PNG…")
    window.menuBar().addMenu(theirs)
    attach(window)
    exports = controller(window)
    assert exports is not None and exports.menu is theirs
    assert _texts(theirs)[0] == "Graphique en PNG…"
    assert _texts(theirs)[1] == "&Compte-rendu de la séance…"


def test_session_exports_need_a_session(qtbot: QtBot, tmp_path: Path) -> None:
    db = open_database(tmp_path / "vide.sqlite3")
    try:
        _window, exports = _open(qtbot, db)
        exports.update_actions()
        assert not exports.minutes_action.isEnabled()
        assert not exports.public_minutes_action.isEnabled()
        assert not exports.summary_action.isEnabled()
        assert not exports.report_action.isEnabled()
        assert exports.tables_action.isEnabled()
        assert exports.template_action.isEnabled()
    finally:
        db.close()


# --- minutes and summary --------------------------------------------------------------


def test_minutes_from_the_menu_match_the_database(
    qtbot: QtBot,
    window: MainWindow,
    exports: ExportsController,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _select(window, GES_TITLE)
    target = tmp_path / "cr"  # typed without its extension
    dialog = SaveDialog(target)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", dialog)
    threads: list[int] = []
    original = api.export_document

    def spy(*args: Any, **kwargs: Any) -> Path:
        threads.append(threading.get_ident())
        return original(*args, **kwargs)

    monkeypatch.setattr(api, "export_document", spy)

    with qtbot.waitSignal(exports.exported, timeout=30000) as written:
        exports.minutes_action.trigger()
        # The job runs while the window goes on: the action waits for it.
        assert exports.busy
        assert not exports.minutes_action.isEnabled()

    out = tmp_path / "cr.docx"
    assert written.args == [out]
    assert Path(dialog.proposed[0]).name == "Compte-rendu 2024-05-29 GES.docx"
    assert threads and threads[0] != threading.get_ident()  # written on a worker thread
    text = _body(out)
    assert docx.Document(str(out)).paragraphs[0].text == GES_TITLE
    for expected in (
        "Compte-rendu de la séance n° 5 du 29 mai 2024",
        "Large consensus sur la réduction",
        "Intensité économique ou tonnes ?",
        "Mieux évaluer les GES évités",
        HOSTILE,  # user text is written as typed, tags and all
        "Développer le covoiturage",
        "Quelles données pour le fret ?",
        "The Shift Project",
        "787",
    ):
        assert expected in text, expected
    assert "Le chauffage au bois divise" not in text  # another session's point

    # The message bar offers to open the document and its folder.
    bar = exports.message_bar
    assert bar.isVisible()
    assert bar.text.text() == "Compte-rendu enregistré : cr.docx"
    opened: list[QUrl] = []

    def open_url(url: QUrl) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(QDesktopServices, "openUrl", open_url)
    bar.document_button.click()
    bar.folder_button.click()
    assert [u.toLocalFile() for u in opened] == [str(out), str(tmp_path)]
    assert bar.document_button.text() == "Ouvrir le &document"
    assert not exports.busy and exports.minutes_action.isEnabled()


def test_public_minutes_from_the_menu_name_nobody(
    qtbot: QtBot,
    window: MainWindow,
    exports: ExportsController,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from sqlalchemy import select

    from alliance_desktop.storage.models import Meeting, Person, Point

    db = window.database
    with db.session() as s:
        camille = s.scalars(select(Person).where(Person.first_name == "Camille")).one()
        camille.consent_named = True
        camille.email = "camille.exemple@example.org"
        ges = s.scalars(select(Meeting).where(Meeting.number == 5)).one()
        s.add(
            Point(
                meeting_id=ges.id,
                kind=e.PointKind.CONSENSUS,
                text="Camille Exemple (camille.exemple@example.org) enverra les chiffres.",
                position=9,
            )
        )
    menu = exports.menu
    actions = [a for a in menu.actions() if not a.isSeparator()]
    # Right after the ordinary minutes, as the pair they are.
    assert actions.index(exports.public_minutes_action) == (
        actions.index(exports.minutes_action) + 1
    )
    _select(window, GES_TITLE)
    exports.update_actions()
    assert exports.public_minutes_action.isEnabled()
    dialog = SaveDialog(tmp_path / "public")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", dialog)
    with qtbot.waitSignal(exports.exported, timeout=30000) as written:
        exports.public_minutes_action.trigger()
        assert exports.busy and not exports.public_minutes_action.isEnabled()
    out = tmp_path / "public.docx"
    assert written.args == [out]
    assert Path(dialog.proposed[0]).name == "Compte-rendu public 2024-05-29 GES.docx"
    assert exports.message_bar.text.text() == "Compte-rendu public enregistré : public.docx"
    text = _body(out)
    assert "version publique" in text
    # Name and address alike become the person's pseudonym, said once.
    assert "Participant·e 1 enverra les chiffres." in text
    assert "Large consensus sur la réduction" in text
    assert "The Shift Project" in text  # organisations keep their names
    with zipfile.ZipFile(out) as package:
        xml = "".join(
            package.read(n).decode("utf-8") for n in package.namelist() if n.endswith(".xml")
        )
    for name in ("Camille", "Exemple", "camille.exemple@example.org", "Dominique", "Fictif"):
        assert name not in xml, name
    # The ordinary minutes still name Camille, who agreed to it.
    monkeypatch.setattr(QFileDialog, "getSaveFileName", SaveDialog(tmp_path / "cr.docx"))
    with qtbot.waitSignal(exports.exported, timeout=30000):
        exports.minutes_action.trigger()
    assert "Camille Exemple" in _body(tmp_path / "cr.docx")


def test_the_last_folder_is_proposed_next_time(
    qtbot: QtBot,
    window: MainWindow,
    exports: ExportsController,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from alliance_desktop.app import app_settings

    folder = tmp_path / "comptes-rendus"
    folder.mkdir()
    dialog = SaveDialog(folder / "Synthèse.docx")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", dialog)
    _select(window, GES_TITLE)
    with qtbot.waitSignal(exports.exported, timeout=30000):
        exports.summary_action.trigger()
    assert "Large consensus sur la réduction" in _body(folder / "Synthèse.docx")
    # Remembered in the application's settings file, so it survives a restart, and
    # through the window's own settings, so the window's saving does not undo it.
    assert app_settings().text(FOLDER_KEY) == str(folder)
    window.closeEvent(QCloseEvent())
    assert app_settings().text(FOLDER_KEY) == str(folder)
    _select(window, "Atelier 2 — Qualité de l'air")
    dialog.answer = None  # the user cancels this time: nothing happens
    exports.summary_action.trigger()
    assert Path(dialog.proposed[1]) == folder / "Synthèse 2024-09-05 Air.docx"
    assert not exports.busy


def test_a_failing_export_says_why_in_plain_words(
    qtbot: QtBot,
    window: MainWindow,
    exports: ExportsController,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _select(window, GES_TITLE)
    missing = tmp_path / "disparu"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", SaveDialog(missing / "cr.docx"))
    warnings: list[tuple[str, str]] = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda _p, title, text: warnings.append((title, text))
    )
    with qtbot.waitSignal(exports.export_failed, timeout=30000):
        exports.minutes_action.trigger()
    assert warnings == [("Export impossible", f"Le dossier « {missing} » n'existe pas.")]
    assert not missing.exists()
    assert not exports.message_bar.isVisible()
    assert not exports.busy and exports.minutes_action.isEnabled()


def test_a_document_open_elsewhere_is_reported(
    qtbot: QtBot,
    window: MainWindow,
    exports: ExportsController,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A folder where the file should go: as when the path cannot be written to.
    taken = tmp_path / "cr.docx"
    taken.mkdir()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", SaveDialog(taken))
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warnings.append(text))
    with qtbot.waitSignal(exports.export_failed, timeout=30000):
        exports.summary_action.trigger()
    assert warnings == [f"« {taken} » est un dossier, pas un fichier."]
    assert "Traceback" not in warnings[0]


# --- the yearly report ----------------------------------------------------------------


def _slow_charts(monkeypatch: pytest.MonkeyPatch, pause: float) -> list[int]:
    """Make each chart of the report take ``pause`` seconds more; returns the threads used."""
    threads: list[int] = []
    original = api.export_document

    def slow(series: Series, lang: str) -> bytes:
        threads.append(threading.get_ident())
        time.sleep(pause)
        return line_chart(series, lang)

    def export(*args: Any, **kwargs: Any) -> Path:
        return original(*args, **{**kwargs, "chart": slow})

    monkeypatch.setattr(api, "export_document", export)
    return threads


def _year_dialog(
    monkeypatch: pytest.MonkeyPatch, answer: str | None
) -> list[tuple[list[str], int]]:
    asked: list[tuple[list[str], int]] = []

    def get_item(*args: Any) -> tuple[str, bool]:
        items, current = args[3], args[4]
        asked.append((list(items), current))
        return (answer or "", answer is not None)

    monkeypatch.setattr(QInputDialog, "getItem", get_item)
    return asked


def test_report_shows_progress_while_the_window_goes_on(
    qtbot: QtBot,
    demo_window: MainWindow,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    exports = controller(demo_window)
    assert exports is not None
    asked = _year_dialog(monkeypatch, "2024")
    dialog = SaveDialog(tmp_path / "Rapport.docx")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", dialog)
    threads = _slow_charts(monkeypatch, 0.25)

    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    seen: list[tuple[int, int, str]] = []
    try:
        with qtbot.waitSignal(exports.exported, timeout=60000):
            exports.report_action.trigger()
            progress = exports.progress_dialog
            assert progress is not None
            assert progress.isVisible() and progress.isModal()
            assert progress.windowTitle() == "Rapport d'étape 2024"
            progress.bar.valueChanged.connect(
                lambda v: seen.append((v, progress.bar.maximum(), progress.label.text()))
            )
            started = time.perf_counter()
    finally:
        timer.stop()
    elapsed = time.perf_counter() - started

    # The year proposed is the selected session's (the newest, in 2024).
    assert asked == [(["2024"], 0)]
    assert Path(dialog.proposed[0]).name == "Rapport d'étape 2024.docx"
    assert threads and threading.get_ident() not in threads
    # The dialog followed the report step by step, charts included, up to the end.
    assert any("Graphique 2 sur 3" in label for _v, _m, label in seen)
    values = [v for v, _m, _l in seen]
    assert values == sorted(values) and values[-1] == seen[-1][1]
    # The event loop kept turning all along: no gap near the report's length.
    assert elapsed > 0.7
    during = [t for t in ticks if started <= t]
    gaps = [b - a for a, b in itertools.pairwise(during)]
    assert len(during) > 10
    assert max(gaps) < 0.5
    assert _closed(progress)
    assert exports.progress_dialog is None
    assert exports.message_bar.text.text() == "Rapport d'étape enregistré : Rapport.docx"
    body = _body(tmp_path / "Rapport.docx")
    assert "Rapport d'étape 2024" in body
    # The worker read the members' questionnaire for its section (the demo holds none).
    assert "Le questionnaire des membres" in body
    assert "Aucune organisation n'a encore répondu au questionnaire" in body


def test_report_can_be_stopped(
    qtbot: QtBot,
    demo_window: MainWindow,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    exports = controller(demo_window)
    assert exports is not None
    _year_dialog(monkeypatch, "2024")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", SaveDialog(tmp_path / "r.docx"))
    _slow_charts(monkeypatch, 0.3)
    exports.report_action.trigger()
    progress = exports.progress_dialog
    assert progress is not None
    qtbot.waitUntil(lambda: progress.bar.maximum() > 0, timeout=30000)
    progress.cancel_button.click()
    assert progress.label.text() == "Arrêt du rapport…"
    qtbot.waitUntil(lambda: not exports.busy, timeout=30000)
    assert _closed(progress)
    assert not (tmp_path / "r.docx").exists()
    assert list(tmp_path.glob("*.docx")) == []
    assert demo_window.statusBar().currentMessage() == (
        "Export annulé : aucun fichier n'a été écrit."
    )


def test_report_year_can_be_abandoned(
    demo_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    exports = controller(demo_window)
    assert exports is not None
    _year_dialog(monkeypatch, None)
    saves = SaveDialog(None)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", saves)
    exports.report_action.trigger()
    assert saves.proposed == [] and not exports.busy


# --- the template ---------------------------------------------------------------------


def _letterhead(path: Path) -> Path:
    document = docx.Document()
    header = document.sections[0].header.paragraphs[0]
    header.text = "Association Exemple — papier à en-tête"
    logo = io.BytesIO()
    Image.new("RGB", (160, 60), (20, 90, 40)).save(logo, "PNG")
    header.add_run().add_picture(io.BytesIO(logo.getvalue()))
    document.save(str(path))
    return path


def test_the_users_template_is_used_then_the_default_again(
    qtbot: QtBot,
    window: MainWindow,
    exports: ExportsController,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from alliance_desktop.app import app_settings

    template = _letterhead(tmp_path / "en-tête.docx")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a: (str(template), "Modèles Word"))
    exports.template_action.trigger()
    dialog = window.findChild(TemplateDialog, "export-template-dialog")
    assert dialog is not None and dialog.isVisible()
    assert dialog.current.text() == "Modèle utilisé : celui de l'application."
    assert not dialog.default_button.isEnabled()
    dialog.choose_button.click()
    assert dialog.current.text() == f"Modèle utilisé : {template}"
    assert app_settings().text(TEMPLATE_KEY) == str(template)

    _select(window, GES_TITLE)
    saves = SaveDialog(tmp_path / "avec-en-tete.docx")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", saves)
    with qtbot.waitSignal(exports.exported, timeout=30000):
        exports.minutes_action.trigger()
    assert "Association Exemple — papier à en-tête" in _header(tmp_path / "avec-en-tete.docx")
    with zipfile.ZipFile(tmp_path / "avec-en-tete.docx") as z:
        assert any(n.startswith("word/media/") for n in z.namelist())  # the logo came along

    dialog.default_button.click()
    assert app_settings().text(TEMPLATE_KEY) == ""
    assert exports.template() is None
    saves.answer = tmp_path / "sans-en-tete.docx"
    with qtbot.waitSignal(exports.exported, timeout=30000):
        exports.minutes_action.trigger()
    assert "papier à en-tête" not in _header(tmp_path / "sans-en-tete.docx")
    dialog.close()


def test_a_file_that_is_not_a_template_is_refused(
    window: MainWindow,
    exports: ExportsController,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    bogus = tmp_path / "notes.docx"
    bogus.write_text("pas un document Word", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_a: (str(bogus), ""))
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warnings.append(text))
    dialog = exports.choose_template()
    dialog.choose_button.click()
    assert len(warnings) == 1 and "notes.docx" in warnings[0]
    assert "n'est pas un document Word valide" in warnings[0]
    assert exports.template() is None
    dialog.close()


def test_a_template_gone_missing_is_a_plain_message(
    qtbot: QtBot,
    window: MainWindow,
    exports: ExportsController,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    gone = tmp_path / "ancien-modèle.docx"
    exports.settings.set_text(TEMPLATE_KEY, str(gone))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", SaveDialog(tmp_path / "cr.docx"))
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warnings.append(text))
    _select(window, GES_TITLE)
    with qtbot.waitSignal(exports.export_failed, timeout=30000):
        exports.minutes_action.trigger()
    assert warnings == [f"Le modèle « {gone} » est introuvable."]


# --- tables ---------------------------------------------------------------------------


def _answer_tables(qtbot: QtBot, choose: Callable[[TablesDialog], None]) -> None:
    def act() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, TablesDialog)
        choose(dialog)
        dialog.ok_button.click()

    QTimer.singleShot(0, act)


def test_tables_as_one_workbook(
    qtbot: QtBot,
    window: MainWindow,
    exports: ExportsController,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from openpyxl import load_workbook

    _select(window, GES_TITLE)
    saves = SaveDialog(tmp_path / "tableaux.xlsx")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", saves)

    def choose(dialog: TablesDialog) -> None:
        assert dialog.session_radio.isChecked()
        assert dialog.session_radio.text() == "La séance sélectionnée (29 mai 2024)"
        dialog.table_boxes["notes"].setChecked(False)

    _answer_tables(qtbot, choose)
    with qtbot.waitSignal(exports.exported, timeout=30000):
        exports.tables_action.trigger()
    assert Path(saves.proposed[0]).name == "Tableaux 2024-05-29 GES.xlsx"
    book = load_workbook(tmp_path / "tableaux.xlsx", read_only=True)
    try:
        assert book.sheetnames == ["Présences", "Points", "Indicateurs", "Mesures"]
        points = [row[7] for row in book["Points"].iter_rows(min_row=2, values_only=True)]
    finally:
        book.close()
    assert "Large consensus sur la réduction" in points
    assert "Le chauffage au bois divise" not in points  # the air workshop is not selected


def test_tables_as_csv_files_for_a_year(
    qtbot: QtBot,
    window: MainWindow,
    exports: ExportsController,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *_a: str(tmp_path))
    (tmp_path / "Points 2024.csv").write_text("ancien", encoding="utf-8")
    questions: list[str] = []

    def replace(_parent: object, _title: str, text: str) -> QMessageBox.StandardButton:
        questions.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", replace)

    def choose(dialog: TablesDialog) -> None:
        dialog.year_radio.setChecked(True)
        dialog.csv_radio.setChecked(True)

    _answer_tables(qtbot, choose)
    with qtbot.waitSignal(exports.exported, timeout=30000) as written:
        exports.tables_action.trigger()
    names = sorted(p.name for p in written.args[0])
    assert names == [
        "Grilles d'écoute 2024.csv",
        "Indicateurs 2024.csv",
        "Mesures 2024.csv",
        "Points 2024.csv",
        "Présences 2024.csv",
    ]
    assert len(questions) == 1 and "Points 2024.csv" in questions[0]
    with (tmp_path / "Points 2024.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh, delimiter=";"))
    texts = [row[-1] for row in rows[1:]]
    assert "Le chauffage au bois divise" in texts and "Large consensus sur la réduction" in texts
    bar = exports.message_bar
    assert bar.text.text() == f"5 fichier(s) CSV enregistré(s) dans « {tmp_path} »"
    assert not bar.document_button.isVisible()
    assert bar.folder_button.isVisible()


# --- the unexpected -------------------------------------------------------------------


def test_a_bug_in_an_export_is_reported_not_lost(
    qtbot: QtBot,
    window: MainWindow,
    exports: ExportsController,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def broken(*_args: Any, **_kwargs: Any) -> Path:
        raise RuntimeError("bogue de démonstration")

    monkeypatch.setattr(api, "export_document", broken)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", SaveDialog(tmp_path / "cr.docx"))
    _select(window, GES_TITLE)
    with qtbot.waitSignal(exports.export_failed, timeout=30000):
        exports.minutes_action.trigger()
    boxes = [b for b in window.findChildren(QMessageBox) if b.isVisible()]
    assert len(boxes) == 1
    assert boxes[0].icon() == QMessageBox.Icon.Critical
    assert boxes[0].text().startswith("Une erreur inattendue s'est produite")
    assert boxes[0].detailedText() == "RuntimeError: bogue de démonstration"
    boxes[0].close()
    assert not exports.busy and exports.minutes_action.isEnabled()


def test_quitting_stops_a_running_report(
    qtbot: QtBot,
    demo_window: MainWindow,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    exports = controller(demo_window)
    assert exports is not None
    _year_dialog(monkeypatch, "2024")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", SaveDialog(tmp_path / "r.docx"))
    _slow_charts(monkeypatch, 0.3)
    exports.report_action.trigger()
    assert exports.busy
    exports.stop_all()
    assert exports.wait(30000)
    qtbot.waitUntil(lambda: not exports.busy, timeout=30000)
    assert not (tmp_path / "r.docx").exists()
