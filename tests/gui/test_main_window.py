"""The main window: list, selection, content, menus, language and start-up in-process."""

from __future__ import annotations

import sqlite3
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QTimer, qWarning
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QFileDialog, QMenu, QMessageBox
from pytestqt.qtbot import QtBot

from alliance_desktop import __version__
from alliance_desktop.app import (
    app_settings,
    build_main_window,
    choose_language,
    install_qt_translations,
    run_gui,
)
from alliance_desktop.core import enums as e
from alliance_desktop.core.i18n import language, set_language
from alliance_desktop.services.meetings import meeting_detail
from alliance_desktop.storage.database import Database, open_database
from alliance_desktop.ui import exports, sharing
from alliance_desktop.ui.main_window import MainWindow
from alliance_desktop.ui.meeting_html import meeting_html
from alliance_desktop.ui.settings import LANGUAGE_KEY

from .helpers import HOSTILE, QtMessages

pytestmark = pytest.mark.gui

# The menu bar of the whole window, in order.
_MENUS = ["&Fichier", "&Séance", "&Membres", "&Indicateurs", "&Partage", "&Exporter", "&Aide"]


@pytest.fixture
def window(qtbot: QtBot, db: Database) -> Iterator[MainWindow]:
    w = build_main_window(db)
    qtbot.addWidget(w)
    w.resize(1366, 740)
    w.show()
    qtbot.waitExposed(w)
    yield w
    if w.database is not db:  # the test opened another file through the window
        w.database.close()


def _shown_title(w: MainWindow) -> str:
    detail = w.meeting_view.detail
    assert detail is not None
    return detail.summary.title


def test_window_lists_sessions_and_selects_the_newest(window: MainWindow) -> None:
    assert window.windowTitle() == "Alliance — Transition écologique et solidaire"
    assert window.model.rowCount() == 3
    assert window.list_view.currentIndex().row() == 0
    assert _shown_title(window) == "Rencontres de la transition"
    assert window.list_view.hasFocus()
    assert window.count_label.text() == "3 séances · 0 présent · 0 point"
    assert window.database_label.text() == "Base : alliance.sqlite3"


def test_keyboard_selection_shows_the_session_points(window: MainWindow) -> None:
    QTest.keyClick(window.list_view, Qt.Key.Key_Down)
    assert _shown_title(window) == "Atelier 2 — Qualité de l'air"
    QTest.keyClick(window.list_view, Qt.Key.Key_Down)
    assert _shown_title(window) == "Atelier 2 — Réduire les émissions de GES"
    text = window.meeting_view.toPlainText()
    for expected in (
        "29 mai 2024",
        "Consensus (2)",
        "Large consensus sur la réduction",
        "Dissensus (1)",
        "Intensité économique ou tonnes ?",
        "Les éléments à éclaircir, approfondir ou aborder",
        "À éclaircir (1)",
        "Mieux évaluer les GES évités",
        "Comprenons-nous bien…",
        "Second paragraphe.",
        "17:00–19:00 · Salle des conférences",
        "Intervenant : The Shift Project",
        "2 présent·es — 1 membre · 1 intervenant·e",
        "Par organisation",
        "Métropole",
        "The Shift Project",
        "Émissions de GES par secteur : 787 kt CO2e en 2030",
        "Développer le covoiturage",
        "Quelles données pour le fret ?",
    ):
        assert expected in text
    # French sets a non-breaking space before a colon (plain text shows a plain one).
    detail = window.meeting_view.detail
    assert detail is not None
    assert "Intervenant</b>\u00a0: The Shift Project" in meeting_html(detail)
    assert window.count_label.text() == "3 séances · 2 présents · 4 points · 1 note d’écoute"


def test_attendance_counts_put_the_number_first_in_the_plural(
    window: MainWindow, db: Database
) -> None:
    from sqlalchemy import select

    from alliance_desktop.storage.models import Attendance, Meeting, Person

    with db.session() as s:
        ges = s.scalars(select(Meeting).where(Meeting.number == 5)).one()
        for i in range(3):
            person = Person(first_name="Habitant", last_name=f"Numéro {i}")
            s.add(
                Attendance(
                    meeting=ges,
                    person=person,
                    role=e.Role.RESIDENT,
                    status=e.AttendanceStatus.PRESENT,
                )
            )
    window.select_row(2)
    window.reload()
    detail = window.meeting_view.detail
    assert detail is not None
    # The number before its word, tied to it by a non-breaking space.
    assert (
        "<b>5\u00a0présent·es</b> — 3\u00a0habitant·es · 1\u00a0membre · 1\u00a0intervenant·e"
        in (meeting_html(detail))
    )
    set_language("en")
    assert "<b>5\u00a0present</b> — 3\u00a0residents · 1\u00a0member · 1\u00a0speaker" in (
        meeting_html(detail)
    )


def test_session_actions_step_through_the_list(window: MainWindow) -> None:
    window.older_action.trigger()
    window.older_action.trigger()
    window.older_action.trigger()  # stays on the oldest
    assert window.list_view.currentIndex().row() == 2
    window.newer_action.trigger()
    assert _shown_title(window) == "Atelier 2 — Qualité de l'air"


def test_points_are_distinguished_by_kind(db: Database) -> None:
    detail = meeting_detail(db, _ids(db, "Atelier 2 — Réduire les émissions de GES")[0])
    assert detail is not None
    page = meeting_html(detail)
    for css in ("consensus", "dissent", "question"):
        assert f'class="{css}"' in page


def test_user_text_is_escaped(window: MainWindow, db: Database) -> None:
    window.select_row(2)
    text = window.meeting_view.toPlainText()
    assert HOSTILE in text  # shown literally, tags and all
    detail = window.meeting_view.detail
    assert detail is not None
    page = meeting_html(detail)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
    assert "<b>gras</b>" not in page


def test_running_session_and_harvest(window: MainWindow) -> None:
    assert "points saillants" not in window.meeting_view.toPlainText()  # no board here
    assert "Ce qui manque ?" in window.meeting_view.toPlainText()
    assert "Des données sur les nappes" in window.meeting_view.toPlainText()
    window.select_row(1)
    text = window.meeting_view.toPlainText()
    assert "en cours" in text
    assert "Dissensus (1)" in text
    assert "Consensus" not in text  # an empty kind takes no room
    assert "éclaircir" not in text


def test_window_speaks_english(qtbot: QtBot, db: Database) -> None:
    set_language("en")
    w = build_main_window(db)
    qtbot.addWidget(w)
    assert w.windowTitle() == "Alliance — Ecological and Fair Transition"
    menus = [a.text() for a in w.menuBar().actions()]
    assert menus == [
        "&File",
        "&Session",
        "&Members",
        "&Indicators",
        "Sh&aring",
        "E&xport",
        "&Help",
    ]
    assert w.model.index(2, 0).data() == "29 May 2024"
    assert w.count_label.text() == "3 sessions · 0 present · 0 points"


def test_menus_hold_only_working_actions(window: MainWindow) -> None:
    menus = [a.text() for a in window.menuBar().actions()]
    assert menus == _MENUS
    for action in window.menuBar().actions():
        menu = action.menu()
        assert isinstance(menu, QMenu)
        assert menu.actions(), f"{action.text()} is empty"


class _FirstPaint(QObject):
    """Notes whether the window had its menus when it was first painted."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.menus_at_paint: list[str] | None = None
        window.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint and self.menus_at_paint is None:
            self.menus_at_paint = [a.text() for a in self.window.menuBar().actions()]
        return False


def test_deferred_window_paints_the_sessions_then_makes_its_menus(
    qtbot: QtBot, db: Database
) -> None:
    w = build_main_window(db, deferred=True)
    qtbot.addWidget(w)
    # What the first paint shows is there; the menus and the features are not yet.
    assert w.model.rowCount() == 3
    assert _shown_title(w) == "Rencontres de la transition"
    assert not w.started
    assert w.menuBar().actions() == []
    assert exports.controller(w) is None
    assert sharing.controller(w) is None
    painted = _FirstPaint(w)
    w.resize(1366, 740)
    w.show()
    qtbot.waitUntil(lambda: w.started)
    assert painted.menus_at_paint == []
    assert [a.text() for a in w.menuBar().actions()] == _MENUS
    assert exports.controller(w) is not None
    controller = sharing.controller(w)
    assert controller is not None
    qtbot.waitUntil(lambda: not controller.running())  # its start-up reading of the status


def test_deferred_window_finishes_before_a_session_is_opened(qtbot: QtBot, db: Database) -> None:
    w = build_main_window(db, deferred=True, features=False)
    qtbot.addWidget(w)
    assert not w.started
    assert w.open_workshop()  # Enter on the list before the first paint
    assert w.started
    assert w.workshop_action.isChecked()
    assert w.in_workshop()


def test_finishing_the_window_is_done_once(qtbot: QtBot, db: Database) -> None:
    w = build_main_window(db, deferred=True, features=False)
    qtbot.addWidget(w)
    calls: list[str] = []
    w.when_started(lambda: calls.append("first"))
    assert calls == []
    w.finish_startup()
    w.finish_startup()
    assert calls == ["first"]
    assert [a.text() for a in w.menuBar().actions()] == ["&Fichier", "&Séance", "&Aide"]
    w.when_started(lambda: calls.append("after"))  # already finished: runs at once
    assert calls == ["first", "after"]


def test_qt_dialogs_speak_french(qapp: QApplication) -> None:
    translators = install_qt_translations(qapp, "fr")
    try:
        assert translators
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Annuler"
        assert QCoreApplication.translate("QPlatformTheme", "Open") == "Ouvrir"
    finally:
        for translator in translators:
            qapp.removeTranslator(translator)
    assert install_qt_translations(qapp, "en") == []


def test_run_gui_opens_in_english_and_closes_the_database(
    qapp: QApplication, db_path: Path
) -> None:
    seen: list[str] = []

    def look_and_quit() -> None:
        seen.extend(w.windowTitle() for w in qapp.topLevelWidgets() if isinstance(w, MainWindow))
        seen.append(QCoreApplication.translate("QPlatformTheme", "Cancel"))
        for w in qapp.topLevelWidgets():
            w.close()
            w.deleteLater()
        qapp.quit()

    QTimer.singleShot(0, look_and_quit)
    assert run_gui(db_path, demo=False, lang="en") == 0
    assert seen == ["Alliance — Ecological and Fair Transition", "Cancel"]
    assert language() == "en"
    # Closed cleanly: the write-ahead log was folded back into the file.
    assert not db_path.with_name(db_path.name + "-wal").exists() or (
        db_path.with_name(db_path.name + "-wal").stat().st_size == 0
    )


def test_run_gui_refuses_a_bad_file_without_a_window(
    qapp: QApplication, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "notes.txt"
    bad.write_text("pas une base")
    before = len(qapp.topLevelWidgets())
    assert run_gui(bad, demo=False, lang=None) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1
    assert "n'est pas une base de données SQLite" in err
    assert len(qapp.topLevelWidgets()) == before


def test_run_gui_on_a_demo_database(qapp: QApplication) -> None:
    pytest.importorskip("alliance_desktop.services.demo")
    rows: list[int] = []

    def look_and_quit() -> None:
        rows.extend(w.model.rowCount() for w in qapp.topLevelWidgets() if isinstance(w, MainWindow))
        for w in qapp.topLevelWidgets():
            w.close()
            w.deleteLater()
        qapp.quit()

    QTimer.singleShot(0, look_and_quit)
    assert run_gui(Path("unused.sqlite3"), demo=True, lang="fr") == 0
    assert rows and rows[0] > 0


def test_language_choice_order(app_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = app_settings()
    assert choose_language(None, settings) == "fr"
    settings.set_text(LANGUAGE_KEY, "en")
    assert choose_language(None, app_settings()) == "en"
    assert choose_language("fr", settings) == "fr"
    monkeypatch.setenv("ALLIANCE_DESKTOP_LANG", "fr_FR.UTF-8")
    assert choose_language(None, settings) == "fr"
    monkeypatch.delenv("ALLIANCE_DESKTOP_LANG")
    (app_home / "reglages.json").write_text("{pas du json", encoding="utf-8")
    assert choose_language(None, app_settings()) == "fr"


def test_language_menu_saves_the_choice(
    window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    said: list[tuple[str, str]] = []
    monkeypatch.setattr(
        QMessageBox, "information", lambda _parent, title, text: said.append((title, text))
    )
    window.language_actions["en"].trigger()
    assert app_settings().text(LANGUAGE_KEY) == "en"
    assert window.language_actions["en"].isChecked()
    # Told in a box, in French first and then in the language chosen.
    assert said == [
        (
            "Langue",
            "La langue choisie s’appliquera au prochain démarrage de l’application.\n\n"
            "The chosen language will apply the next time the application starts.",
        )
    ]
    window.language_actions["fr"].trigger()  # back to the language in use: nothing to say
    assert app_settings().text(LANGUAGE_KEY) == "fr"
    assert len(said) == 1


def test_language_box_in_english(
    qtbot: QtBot, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    set_language("en")
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, title, _text: said.append(title))
    w = build_main_window(db)
    qtbot.addWidget(w)
    w.language_actions["fr"].trigger()
    assert said == ["Language"]


def test_open_another_database(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    other_path = tmp_path / "autre.sqlite3"
    open_database(other_path).close()
    old = window.database
    with qtbot.waitSignal(window.database_changed):
        assert window.open_database_file(other_path)
    assert window.database is not old
    assert window.model.rowCount() == 0
    assert "aucune séance" in window.meeting_view.toPlainText()
    assert window.count_label.text() == "0 séance"
    assert window.database_label.text() == "Base : autre.sqlite3"


def test_open_action_asks_for_a_file(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other_path = tmp_path / "choisie.sqlite3"
    open_database(other_path).close()
    asked: list[str] = []

    def answer(_parent: object, _title: str, folder: str, _filters: str) -> tuple[str, str]:
        asked.append(folder)
        return (str(other_path) if len(asked) == 2 else "", "")

    monkeypatch.setattr(QFileDialog, "getOpenFileName", answer)
    window.open_action.trigger()  # cancelled: nothing changes
    assert window.database_label.text() == "Base : alliance.sqlite3"
    window.open_action.trigger()
    assert window.database_label.text() == "Base : choisie.sqlite3"
    assert asked[0] == str(tmp_path)


def test_refused_database_keeps_the_current_one(
    window: MainWindow, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warnings.append(text))
    bad = tmp_path / "vide.sqlite3"
    bad.write_bytes(b"")
    old = window.database
    assert not window.open_database_file(bad)
    assert window.database is old
    assert warnings == [f"« {bad} » est un fichier vide, pas une base Alliance Desktop."]
    assert window.model.rowCount() == 3


def test_reload_keeps_the_selection_and_sees_new_sessions(window: MainWindow, db: Database) -> None:
    import datetime as dt

    from alliance_desktop.storage.models import Meeting

    window.select_row(2)
    with db.session() as s:
        s.add(
            Meeting(date=dt.date(2024, 11, 20), title="Atelier 3", status=e.SessionStatus.PLANNED)
        )
    window.reload_action.trigger()
    assert window.model.rowCount() == 4
    assert _shown_title(window) == "Atelier 2 — Réduire les émissions de GES"
    window.select_row(0)
    assert "Aucun point noté pour cette séance." in window.meeting_view.toPlainText()
    assert "prévue" in window.meeting_view.toPlainText()


def test_about_box_names_version_and_folders(window: MainWindow, app_home: Path) -> None:
    text = window.about_text()
    assert __version__ in text
    assert str(app_home) in text
    assert "alliance.sqlite3" in text


def test_accessible_names(window: MainWindow) -> None:
    assert window.list_view.accessibleName() == "Liste des séances"
    assert window.meeting_view.accessibleName() == "Contenu de la séance"
    assert window.list_title.buddy() is window.list_view


def test_fits_a_1366_by_768_screen(qtbot: QtBot, db: Database) -> None:
    w = build_main_window(db)
    qtbot.addWidget(w)
    w.setGeometry(0, 0, 1366, 768 - 40)
    w.show()
    qtbot.waitExposed(w)
    assert not w.list_view.horizontalScrollBar().isVisible()
    header = w.list_view.horizontalHeader()
    assert header.sectionSize(1) >= header.sectionSizeHint(1)
    assert w.menuBar().sizeHint().width() < 1366
    assert w.splitter.sizes()[1] >= 700


def test_window_layout_is_remembered(qtbot: QtBot, db: Database) -> None:
    w = build_main_window(db)
    qtbot.addWidget(w)
    w.resize(800, 560)
    w.show()
    qtbot.waitExposed(w)
    w.splitter.setSizes([380, 420])
    saved = w.splitter.sizes()
    w.close()
    again = build_main_window(db)
    qtbot.addWidget(again)
    again.show()
    qtbot.waitExposed(again)
    assert again.size() == w.size()
    assert again.splitter.sizes() == saved


def test_qt_warnings_are_recorded(qt_messages: QtMessages) -> None:
    qWarning("something odd")
    assert qt_messages.records == ["QtWarningMsg: something odd"]
    qt_messages.records.clear()


def _ids(db: Database, title: str) -> list[uuid.UUID]:
    from sqlalchemy import select

    from alliance_desktop.storage.models import Meeting

    with db.read() as s:
        return list(s.scalars(select(Meeting.id).where(Meeting.title == title)))


def test_empty_sqlite_file_is_refused_bytes_unchanged(tmp_path: Path) -> None:
    path = tmp_path / "autre.db"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE t (x)")
    con.commit()
    con.close()
    before = path.read_bytes()
    assert run_gui(path, demo=False, lang="fr") == 1
    assert path.read_bytes() == before
