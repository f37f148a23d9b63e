"""The « Partage » menu across two laptops: create, join, sync, report, conflicts, status."""

from __future__ import annotations

import datetime as dt
import itertools
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QMenu, QMessageBox, QToolBar
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from alliance_desktop.app import build_main_window
from alliance_desktop.core import enums as e
from alliance_desktop.services import sharing
from alliance_desktop.storage.database import Database, open_database
from alliance_desktop.storage.models import Meeting, Point
from alliance_desktop.ui.main_window import MainWindow
from alliance_desktop.ui.settings import Settings
from alliance_desktop.ui.sharing import (
    AUTHOR_KEY,
    FOLDER_KEY,
    MENU_NAME,
    TOOLBAR_NAME,
    SharingController,
    attach,
    controller,
)
from alliance_desktop.ui.sharing.conflicts import ConflictDialog, EditValueDialog
from alliance_desktop.ui.sharing.dialogs import FolderDialog, ReportDialog
from alliance_desktop.ui.sharing.work import ConflictItem, SyncOutcome

from .helpers import fill

pytestmark = pytest.mark.gui

GES = "Atelier 2 — Réduire les émissions de GES"
AIR = "Atelier 2 — Qualité de l'air"


@dataclass
class Laptop:
    """One facilitator's laptop: its window on its own database file and settings."""

    window: MainWindow
    ctrl: SharingController
    settings: Settings

    @property
    def db(self) -> Database:
        return self.window.database


def wait_idle(qtbot: QtBot, ctrl: SharingController, timeout: int = 60000) -> None:
    qtbot.waitUntil(lambda: ctrl.status is not None and not ctrl.running(), timeout=timeout)


Opener = Callable[[Path, str], Laptop]


def laptops(qtbot: QtBot, tmp_path: Path) -> Iterator[Opener]:
    """Opens laptops' windows on database files; everything is closed at the end."""
    opened: list[Laptop] = []

    def open_(path: Path, name: str) -> Laptop:
        settings = Settings(tmp_path / f"reglages-{name}.json")
        window = build_main_window(open_database(path), settings=settings)
        qtbot.addWidget(window)
        window.resize(1366, 740)
        window.show()
        qtbot.waitExposed(window)
        ctrl = controller(window)
        assert ctrl is not None
        wait_idle(qtbot, ctrl)  # the start-up reading (and pull, for a shared database)
        laptop = Laptop(window, ctrl, settings)
        opened.append(laptop)
        return laptop

    yield open_
    for laptop in opened:
        laptop.ctrl.wait()
        laptop.window.database.close()


@pytest.fixture
def open_laptop(qtbot: QtBot, tmp_path: Path) -> Iterator[Opener]:
    """Opens a laptop's window on a database file; everything is closed at the end."""
    yield from laptops(qtbot, tmp_path)


@pytest.fixture
def shared(tmp_path: Path) -> Path:
    folder = tmp_path / "Nextcloud-Alliance"
    folder.mkdir()
    return folder


@pytest.fixture
def anne_path(tmp_path: Path) -> Path:
    """Anne's laptop: the filled database of the other GUI tests."""
    path = tmp_path / "anne.sqlite3"
    db = open_database(path)
    try:
        fill(db)
    finally:
        db.close()
    return path


@pytest.fixture
def bruno_path(tmp_path: Path) -> Path:
    """Bruno's laptop: a new, empty database."""
    path = tmp_path / "bruno.sqlite3"
    open_database(path).close()
    return path


def answer_folder(monkeypatch: pytest.MonkeyPatch, folder: Path, name: str) -> list[FolderDialog]:
    """Make « Dossier partagé… » answer ``folder`` and ``name``; returns the dialogs shown."""
    shown: list[FolderDialog] = []

    def exec_(self: FolderDialog) -> int:
        shown.append(self)
        self.folder_edit.setText(str(folder))
        self.author_edit.setText(name)
        self.accept()
        return int(self.result())

    monkeypatch.setattr(FolderDialog, "exec", exec_)
    return shown


def refuse_folder(monkeypatch: pytest.MonkeyPatch) -> list[FolderDialog]:
    """Make « Dossier partagé… » be cancelled; returns the dialogs shown."""
    shown: list[FolderDialog] = []

    def exec_(self: FolderDialog) -> int:
        shown.append(self)
        return int(QDialog.DialogCode.Rejected)

    monkeypatch.setattr(FolderDialog, "exec", exec_)
    return shown


def sync(qtbot: QtBot, laptop: Laptop) -> SyncOutcome:
    with qtbot.waitSignal(laptop.ctrl.synced, timeout=60000) as blocker:
        laptop.ctrl.sync_action.trigger()
    wait_idle(qtbot, laptop.ctrl)
    outcome = blocker.args[0] if blocker.args else None
    assert isinstance(outcome, SyncOutcome)
    return outcome


def report(laptop: Laptop) -> ReportDialog:
    dialog = laptop.ctrl.report_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def rows(dialog: ReportDialog) -> list[list[str]]:
    model = dialog.facilitators
    return [[model.cell(r, c) for c in range(model.columnCount())] for r in range(model.rowCount())]


def titles(window: MainWindow) -> list[str]:
    return [m.title for m in window.model.meetings()]


def share_both(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    open_laptop: Opener,
    anne_path: Path,
    bruno_path: Path,
    shared: Path,
) -> tuple[Laptop, Laptop]:
    """Anne creates the workspace, Bruno joins it; both windows open."""
    anne = open_laptop(anne_path, "anne")
    answer_folder(monkeypatch, shared, "Anne")
    sync(qtbot, anne)
    bruno = open_laptop(bruno_path, "bruno")
    answer_folder(monkeypatch, shared, "Bruno")
    sync(qtbot, bruno)
    return anne, bruno


def _point(db: Database, text: str) -> Point:
    with db.session() as s:
        return s.scalars(select(Point).where(Point.text == text)).one()


def _edit_point(db: Database, text: str, new: str) -> None:
    with db.session() as s:
        s.scalars(select(Point).where(Point.text == text)).one().text = new


# --- the menu, the button, the status bar ----------------------------------------------


def test_menu_button_and_status_bar(qtbot: QtBot, open_laptop: Opener, anne_path: Path) -> None:
    anne = open_laptop(anne_path, "anne")
    bar = anne.window.menuBar()
    menu = bar.findChild(QMenu, MENU_NAME)
    assert menu is anne.ctrl.menu and menu.title() == "&Partage"
    assert [a.text() for a in menu.actions() if not a.isSeparator()] == [
        "&Synchroniser",
        "&Dossier partagé…",
        "&Conflits à examiner…",
        "&Historique de la séance…",
        "&Fusionner un fichier…",
        "Sau&vegardes…",
    ]
    # Just before « Exporter » and « Aide », as the main window's sketch orders them.
    menus = [a.text() for a in bar.actions()]
    assert menus.index("&Partage") == menus.index("&Exporter") - 1
    assert anne.ctrl.sync_action.shortcut() == QKeySequence("Ctrl+Shift+S")
    toolbar = anne.window.findChild(QToolBar, TOOLBAR_NAME)
    assert toolbar is not None and anne.ctrl.sync_action in toolbar.actions()
    # A database never shared says so, and the words lead to the shared folder.
    status = anne.ctrl.status_widget
    assert status.summary() == "Non partagé"
    assert status.setup_button.isVisible()
    attach(anne.window)
    assert anne.window.findChildren(SharingController) == [anne.ctrl]
    assert len(bar.findChildren(QMenu, MENU_NAME)) == 1


def test_f9_when_ctrl_shift_s_is_taken(qtbot: QtBot, db: Database) -> None:
    from PySide6.QtGui import QAction

    window = build_main_window(db, features=False)
    qtbot.addWidget(window)
    taken = QAction("autre", window)
    taken.setShortcut(QKeySequence("Ctrl+Shift+S"))
    window.addAction(taken)
    attach(window)
    ctrl = controller(window)
    assert ctrl is not None
    assert ctrl.sync_action.shortcut() == QKeySequence("F9")
    ctrl.wait()


def test_create_join_edit_and_sync_from_the_window(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    open_laptop: Opener,
    anne_path: Path,
    bruno_path: Path,
    shared: Path,
) -> None:
    anne = open_laptop(anne_path, "anne")
    # The first « Synchroniser » of a database never shared asks for the folder.
    asked = answer_folder(monkeypatch, shared, "Anne")
    outcome = sync(qtbot, anne)
    assert len(asked) == 1
    assert outcome.report is not None and outcome.report.action == "created"
    assert report(anne).heading.text() == "Espace partagé créé."
    assert (shared / "alliance-workspace.json").is_file()
    assert anne.settings.text(FOLDER_KEY) == str(shared)
    assert anne.settings.text(AUTHOR_KEY) == "Anne"
    assert anne.ctrl.status_widget.summary() == "Synchronisé à l'instant · Tout est publié"

    # Bruno's empty laptop joins and receives the whole database.
    bruno = open_laptop(bruno_path, "bruno")
    assert titles(bruno.window) == []
    answer_folder(monkeypatch, shared, "Bruno")
    outcome = sync(qtbot, bruno)
    assert outcome.report is not None and outcome.report.action == "joined"
    assert report(bruno).heading.text() == "Espace partagé rejoint."
    assert titles(bruno.window) == titles(anne.window) and len(titles(bruno.window)) == 3

    # Each edits; the status bar counts what is waiting to be published.
    with anne.db.session() as s:
        air = s.scalars(select(Meeting).where(Meeting.title == AIR)).one()
        s.add(Point(meeting_id=air.id, kind=e.PointKind.CONSENSUS, text="Point d'Anne"))
    _edit_point(bruno.db, "Le chauffage au bois divise", "Le chauffage au bois divise encore")
    with qtbot.waitSignal(anne.ctrl.status_changed, timeout=30000):
        anne.ctrl.refresh_status()
    assert "1 modification à publier" in anne.ctrl.status_widget.summary()

    # « Synchroniser » again asks nothing: the folder is known.
    asked.clear()
    sync(qtbot, anne)
    assert asked == []
    assert "Tout est publié" in anne.ctrl.status_widget.summary()
    outcome = sync(qtbot, bruno)
    dialog = report(bruno)
    assert dialog.heading.text() == "Synchronisation terminée."
    assert dialog.summary.text() == "Envoyé : 1 modification · Reçu : 1 fichier"
    assert rows(dialog) == [["Anne (" + _device(anne) + ")", "1", "0", "0", "0"]]
    assert not dialog.review_button.isVisible()
    assert "Point d'Anne" in [p.text for p in _points(bruno.db, AIR)]
    sync(qtbot, anne)
    assert rows(report(anne))[0][1:] == ["0", "1", "0", "0"]
    assert "Le chauffage au bois divise encore" in [p.text for p in _points(anne.db, AIR)]
    assert anne.window.meeting_view.detail is not None


def _device(laptop: Laptop) -> str:
    status = laptop.ctrl.status
    assert status is not None
    return status.device_name


def _points(db: Database, title: str) -> list[Point]:
    with db.session() as s:
        m = s.scalars(select(Meeting).where(Meeting.title == title)).one()
        return list(m.points)


def test_report_models_pass_qt_checks(
    qtbot: QtBot,
    qtmodeltester: ModelTester,
    monkeypatch: pytest.MonkeyPatch,
    open_laptop: Opener,
    anne_path: Path,
    bruno_path: Path,
    shared: Path,
) -> None:
    anne, _bruno = share_both(qtbot, monkeypatch, open_laptop, anne_path, bruno_path, shared)
    (shared / "anne (Bruno's conflicted copy 2024-05-29).sqlite3").write_bytes(b"x")
    sync(qtbot, anne)
    dialog = report(anne)
    assert dialog.foreign_box.isVisible()
    assert dialog.foreign.cell(0, 1) == "copie de conflit (Dropbox)"
    for model in (dialog.facilitators, dialog.foreign, dialog.set_aside):
        qtmodeltester.check(model)  # type: ignore[no-untyped-call]
    assert (shared / "anne (Bruno's conflicted copy 2024-05-29).sqlite3").exists()


def test_a_damaged_bundle_is_set_aside_with_its_reason(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    open_laptop: Opener,
    anne_path: Path,
    bruno_path: Path,
    shared: Path,
) -> None:
    anne, bruno = share_both(qtbot, monkeypatch, open_laptop, anne_path, bruno_path, shared)
    _edit_point(bruno.db, "Le chauffage au bois divise", "Bois")
    sync(qtbot, bruno)
    bundles = sorted((shared / "devices").glob("*/bundles/*.bundle"))
    newest = max(bundles, key=lambda p: p.stat().st_mtime)
    newest.write_bytes(newest.read_bytes()[:100])  # truncated by a sync client
    sync(qtbot, anne)
    dialog = report(anne)
    assert dialog.set_aside_box.isVisible()
    assert dialog.set_aside.rowCount() == 1
    assert newest.name in dialog.set_aside.cell(0, 0)
    assert dialog.set_aside.cell(0, 1)


# --- conflicts ------------------------------------------------------------------------


def _conflicting_edits(anne: Laptop, bruno: Laptop) -> None:
    _edit_point(anne.db, "Large consensus sur la réduction", "Version d'Anne")
    _edit_point(bruno.db, "Large consensus sur la réduction", "Version de Bruno")
    with anne.db.session() as s:
        s.delete(s.scalars(select(Point).where(Point.text == "Mieux évaluer les GES évités")).one())
    _edit_point(bruno.db, "Mieux évaluer les GES évités", "Mieux évaluer les GES évités (Bruno)")
    with anne.db.session() as s:
        s.scalars(select(Meeting).where(Meeting.title == GES)).one().location = "Salle A"
    with bruno.db.session() as s:
        s.scalars(select(Meeting).where(Meeting.title == GES)).one().location = "Salle B"


def _open_review(qtbot: QtBot, laptop: Laptop) -> ConflictDialog:
    with qtbot.waitSignal(laptop.ctrl.conflicts_loaded, timeout=30000):
        laptop.ctrl.status_widget.conflicts_button.click()
    dialog = laptop.ctrl.conflict_dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def _select(dialog: ConflictDialog, field: str) -> ConflictItem:
    for row, item in enumerate(dialog.items):
        if item.view.field == field:
            dialog.view.selectRow(row)
            current = dialog.current()
            assert current is item
            return item
    raise AssertionError(field)


def _decide(qtbot: QtBot, laptop: Laptop, button: Any) -> None:
    with qtbot.waitSignal(laptop.ctrl.conflicts_loaded, timeout=30000):
        button.click()
    wait_idle(qtbot, laptop.ctrl)


def test_conflicts_are_reviewed_side_by_side_and_each_choice_settles_one(
    qtbot: QtBot,
    qtmodeltester: ModelTester,
    monkeypatch: pytest.MonkeyPatch,
    open_laptop: Opener,
    anne_path: Path,
    bruno_path: Path,
    shared: Path,
) -> None:
    anne, bruno = share_both(qtbot, monkeypatch, open_laptop, anne_path, bruno_path, shared)
    _conflicting_edits(anne, bruno)
    sync(qtbot, anne)
    sync(qtbot, bruno)
    dialog = report(bruno)
    assert rows(dialog)[0][4] == "3"
    assert dialog.conflicts_label.text() == "3 conflits à revoir"
    assert dialog.review_button.isVisible()
    status = bruno.ctrl.status_widget
    assert status.conflicts_button.isVisible()
    assert status.summary().endswith("3 conflits à revoir")

    review = _open_review(qtbot, bruno)
    qtmodeltester.check(review.model)  # type: ignore[no-untyped-call]
    assert review.model.rowCount() == 3

    # A value: both sides, who and when.
    item = _select(review, "location")
    assert review.mine.title() == "La mienne" and review.theirs.title() == "La leur"
    assert review.mine.text() == "Salle B" and review.theirs.text() == "Salle A"
    assert review.mine.who.text().startswith("par Bruno, le ")
    assert review.theirs.who.text().startswith("par Anne, le ")
    assert review.keep_mine_button.isVisible() and not review.keep_record_button.isVisible()
    reloads: list[int] = []
    bruno.window.model.modelReset.connect(lambda: reloads.append(1))
    _decide(qtbot, bruno, review.keep_theirs_button)
    assert item.view.id not in [c.view.id for c in review.items]
    assert review.model.rowCount() == 2
    assert reloads, "the window reloads after a decision"
    with bruno.db.session() as s:
        assert s.scalars(select(Meeting).where(Meeting.title == GES)).one().location == "Salle A"
    assert status.summary().endswith("2 conflits à revoir")

    # « Modifier… »: a third value, typed.
    _select(review, "text")

    def exec_(self: EditValueDialog) -> int:
        assert self.value() == "Version de Bruno"  # starts from one's own
        self.editor.setPlainText("Version commune")  # type: ignore[attr-defined]
        return int(QDialog.DialogCode.Accepted)

    monkeypatch.setattr(EditValueDialog, "exec", exec_)
    _decide(qtbot, bruno, review.edit_button)
    assert review.model.rowCount() == 1
    assert _point(bruno.db, "Version commune") is not None

    # Deleted on one side, edited on the other: keep the record or delete it.
    _select(review, "-")
    assert review.keep_record_button.isVisible() and review.delete_record_button.isVisible()
    assert not review.keep_mine_button.isVisible()
    assert review.theirs.title() == "Supprimée" and "Anne" in review.theirs.who.text()
    _decide(qtbot, bruno, review.delete_record_button)
    assert review.model.rowCount() == 0
    assert review.intro.text() == "Aucun conflit à examiner."
    assert not status.conflicts_button.isVisible()
    assert "Mieux évaluer les GES évités (Bruno)" not in [p.text for p in _points(bruno.db, GES)]

    # The decisions travel: Anne's laptop has nothing left to review either.
    sync(qtbot, bruno)
    sync(qtbot, anne)
    assert sharing.conflicts(anne.db) == []
    assert "Version commune" in [p.text for p in _points(anne.db, GES)]


def test_keep_mine_and_keep_the_record(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    open_laptop: Opener,
    anne_path: Path,
    bruno_path: Path,
    shared: Path,
) -> None:
    anne, bruno = share_both(qtbot, monkeypatch, open_laptop, anne_path, bruno_path, shared)
    _conflicting_edits(anne, bruno)
    sync(qtbot, anne)
    sync(qtbot, bruno)
    review = _open_review(qtbot, bruno)
    _select(review, "text")
    _decide(qtbot, bruno, review.keep_mine_button)
    assert "Version de Bruno" in [p.text for p in _points(bruno.db, GES)]
    _select(review, "-")
    _decide(qtbot, bruno, review.keep_record_button)
    assert "Mieux évaluer les GES évités (Bruno)" in [p.text for p in _points(bruno.db, GES)]
    assert [i.view.field for i in review.items] == ["location"]


def test_a_database_not_shared_is_never_synced_without_asking(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    open_laptop: Opener,
    anne_path: Path,
    shared: Path,
    tmp_path: Path,
) -> None:
    anne = open_laptop(anne_path, "anne")
    answer_folder(monkeypatch, shared, "Anne")
    sync(qtbot, anne)
    other = tmp_path / "essai.sqlite3"
    open_database(other).close()
    assert anne.window.open_database_file(other)
    asked = refuse_folder(monkeypatch)
    # At once, before the new file's status is read: the folder of the settings is known,
    # but this database is not part of the workspace.
    anne.ctrl.sync_action.trigger()
    wait_idle(qtbot, anne.ctrl)
    assert len(asked) == 1
    assert sharing.status(anne.db).workspace_id is None
    assert anne.ctrl.status_widget.summary() == "Non partagé"


# --- failures, the event loop ---------------------------------------------------------


def test_an_unreachable_folder_is_one_plain_sentence(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    open_laptop: Opener,
    anne_path: Path,
    shared: Path,
) -> None:
    anne = open_laptop(anne_path, "anne")
    answer_folder(monkeypatch, shared, "Anne")
    sync(qtbot, anne)
    shared.rename(shared.with_name("débranché"))  # the drive is unplugged
    warnings: list[tuple[str, str]] = []
    monkeypatch.setattr(
        QMessageBox, "warning", lambda _p, title, text: warnings.append((title, text))
    )
    with qtbot.waitSignal(anne.ctrl.sync_failed, timeout=30000):
        anne.ctrl.sync_action.trigger()
    wait_idle(qtbot, anne.ctrl)
    assert len(warnings) == 1
    title, text = warnings[0]
    assert title == "Synchronisation impossible"
    assert text == f"Le dossier partagé « {shared} » est introuvable (lecteur débranché ?)."
    assert "Traceback" not in text
    assert anne.ctrl.status_widget.sync_label.text() == "Dossier partagé injoignable"
    assert not anne.ctrl.busy and anne.ctrl.sync_action.isEnabled()


def test_the_window_goes_on_during_a_sync(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    open_laptop: Opener,
    anne_path: Path,
    shared: Path,
) -> None:
    anne = open_laptop(anne_path, "anne")
    original = sharing.sync
    threads: list[int] = []

    def slow(*args: Any, **kwargs: Any) -> Any:
        threads.append(threading.get_ident())
        time.sleep(1.2)  # a slow network share
        return original(*args, **kwargs)

    monkeypatch.setattr(sharing, "sync", slow)
    answer_folder(monkeypatch, shared, "Anne")
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    try:
        with qtbot.waitSignal(anne.ctrl.synced, timeout=60000):
            anne.ctrl.sync_action.trigger()
            started = time.perf_counter()
            assert anne.ctrl.busy and not anne.ctrl.sync_action.isEnabled()
            assert anne.ctrl.status_widget.sync_label.text() == "Synchronisation…"
    finally:
        timer.stop()
    assert threads and threading.get_ident() not in threads
    during = [t for t in ticks if t >= started]
    assert len(during) > 20
    assert max(b - a for a, b in itertools.pairwise(during)) < 0.5
    wait_idle(qtbot, anne.ctrl)
    assert anne.ctrl.sync_action.isEnabled()


# --- automatic: start-up, a session closed, quitting ----------------------------------


def test_the_others_changes_are_pulled_at_start_up(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    open_laptop: Opener,
    anne_path: Path,
    bruno_path: Path,
    shared: Path,
) -> None:
    anne, bruno = share_both(qtbot, monkeypatch, open_laptop, anne_path, bruno_path, shared)
    bruno.ctrl.wait()
    bruno.window.close()
    bruno.window.database.close()
    with anne.db.session() as s:
        s.add(Meeting(date=dt.date(2024, 11, 14), title="Atelier 3 — Eau"))
    sync(qtbot, anne)
    again = open_laptop(bruno_path, "bruno")  # pulls once painted, with no click
    assert "Atelier 3 — Eau" in titles(again.window)
    dialog = report(again)
    assert rows(dialog)[0][1] == "1"
    assert again.ctrl.status_widget.summary().startswith("Synchronisé à l'instant")


def test_nothing_new_at_start_up_shows_no_report(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    open_laptop: Opener,
    anne_path: Path,
    shared: Path,
) -> None:
    anne = open_laptop(anne_path, "anne")
    answer_folder(monkeypatch, shared, "Anne")
    sync(qtbot, anne)
    anne.ctrl.wait()
    anne.window.close()
    anne.window.database.close()
    again = open_laptop(anne.window.database.path, "anne")
    assert again.ctrl.report_dialog is None
    assert again.ctrl.status_widget.summary().startswith("Synchronisé à l'instant")


def test_an_unreachable_folder_at_start_up_waits_quietly(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    open_laptop: Opener,
    anne_path: Path,
    shared: Path,
) -> None:
    anne = open_laptop(anne_path, "anne")
    answer_folder(monkeypatch, shared, "Anne")
    sync(qtbot, anne)
    anne.ctrl.wait()
    anne.window.close()
    anne.window.database.close()
    shared.rename(shared.with_name("ailleurs"))
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: warnings.append(args[2]))
    again = open_laptop(anne_path, "anne")
    assert warnings == []  # no dialog at start-up: the status bar says it
    assert again.ctrl.status_widget.sync_label.text() == "Dossier partagé injoignable"
    assert "introuvable" in again.ctrl.status_widget.sync_label.toolTip()


def test_closing_a_session_publishes(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    open_laptop: Opener,
    anne_path: Path,
    shared: Path,
) -> None:
    anne = open_laptop(anne_path, "anne")
    answer_folder(monkeypatch, shared, "Anne")
    sync(qtbot, anne)
    row = titles(anne.window).index(AIR)  # the running session
    anne.window.select_row(row)
    assert anne.window.open_workshop()
    monkeypatch.setattr(
        QMessageBox, "question", lambda *_args, **_kw: QMessageBox.StandardButton.Yes
    )
    with qtbot.waitSignal(anne.ctrl.published, timeout=30000) as blocker:
        anne.window.close_session_action.trigger()
    outcome = blocker.args[0]
    assert outcome.changes >= 1 and outcome.problem == ""
    wait_idle(qtbot, anne.ctrl)
    assert sharing.status(anne.db).unpublished == 0
    assert "Tout est publié" in anne.ctrl.status_widget.summary()


def test_quitting_publishes(
    qtbot: QtBot,
    monkeypatch: pytest.MonkeyPatch,
    open_laptop: Opener,
    anne_path: Path,
    shared: Path,
) -> None:
    anne = open_laptop(anne_path, "anne")
    answer_folder(monkeypatch, shared, "Anne")
    sync(qtbot, anne)
    _edit_point(anne.db, "Le chauffage au bois divise", "Le bois divise")
    assert sharing.status(anne.db).unpublished == 1
    before = len(list((shared / "devices").glob("*/bundles/*.bundle")))
    app = QCoreApplication.instance()
    assert app is not None
    app.aboutToQuit.emit()  # what QApplication.quit() sends before the loop ends
    assert sharing.status(anne.db).unpublished == 0
    assert len(list((shared / "devices").glob("*/bundles/*.bundle"))) == before + 1
