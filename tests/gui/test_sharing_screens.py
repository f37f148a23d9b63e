"""The sharing screens one by one: history, merged file, backups and restore, local copies."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from alliance_desktop.app import build_main_window
from alliance_desktop.core import enums as e
from alliance_desktop.core import paths
from alliance_desktop.core.i18n import set_language
from alliance_desktop.services import privacy, sharing
from alliance_desktop.services.sharing import ConflictView, SharingStatus
from alliance_desktop.storage.database import Database, open_database
from alliance_desktop.storage.models import Meeting, Person, Point
from alliance_desktop.ui.sharing import controller, places, wording
from alliance_desktop.ui.sharing.conflicts import EditValueDialog, editable_type
from alliance_desktop.ui.sharing.dialogs import FolderDialog
from alliance_desktop.ui.sharing.status import SyncStatusWidget
from alliance_desktop.ui.sharing.work import ConflictItem, Restored, SessionHistory

from .helpers import fill
from .test_sharing_sync import (
    GES,
    Opener,
    answer_folder,
    laptops,
    report,
    sync,
    titles,
    wait_idle,
)

pytestmark = pytest.mark.gui


@pytest.fixture
def open_laptop(qtbot: QtBot, tmp_path: Path) -> Iterator[Opener]:
    """Opens a laptop's window on a database file; everything is closed at the end."""
    yield from laptops(qtbot, tmp_path)


NOW = dt.datetime(2024, 9, 5, 15, 42)  # naive UTC, as the change log keeps times


def _filled(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    db = open_database(path)
    try:
        fill(db)
    finally:
        db.close()
    return path


def _status(**changes: Any) -> SharingStatus:
    base: dict[str, Any] = {
        "device_id": "d" * 32,
        "device_name": "PC-ANNE",
        "author": "Anne",
        "workspace_id": "w" * 32,
        "shared_dir": "/partage",
        "last_sync_at": NOW - dt.timedelta(minutes=3),
        "unpublished": 4,
        "open_conflicts": 1,
        "waiting": 0,
    }
    base.update(changes)
    return SharingStatus(**base)


# --- words -----------------------------------------------------------------------------


def test_last_sync_is_worded_as_an_age() -> None:
    assert wording.last_sync(None, NOW) == "Jamais synchronisé"
    assert wording.last_sync(NOW - dt.timedelta(seconds=20), NOW) == "Synchronisé à l'instant"
    assert wording.last_sync(NOW + dt.timedelta(minutes=5), NOW) == "Synchronisé à l'instant"
    assert wording.last_sync(NOW - dt.timedelta(minutes=3), NOW) == "Synchronisé il y a 3 min"
    assert wording.last_sync(NOW - dt.timedelta(hours=5), NOW) == "Synchronisé il y a 5 h"
    assert wording.last_sync(NOW - dt.timedelta(days=3), NOW).startswith("Synchronisé le 2 sept")
    set_language("en")
    assert wording.last_sync(NOW - dt.timedelta(minutes=3), NOW) == "Synced 3 min ago"
    assert wording.unpublished(1) == "1 change to publish"
    assert wording.conflicts(0) == "0 conflicts to review"


def test_counts_and_values_in_french() -> None:
    assert wording.unpublished(0) == "Tout est publié"
    assert wording.unpublished(1) == "1 modification à publier"
    assert wording.unpublished(4) == "4 modifications à publier"
    assert wording.conflicts(1) == "1 conflit à revoir"
    assert wording.value_text(None) == "(vide)"
    assert wording.value_text(True) == "Oui"
    assert wording.value_text(dt.date(2024, 5, 29)) == "29 mai 2024"
    assert wording.value_text(dt.time(17, 5)) == "17:05"
    assert wording.value_text(1.5) == "1,5"
    assert wording.value_text(e.PointKind.DISSENT) != "dissent"
    assert wording.field_name("meeting", "location") == "Lieu"
    assert wording.field_name("point", "-") == "Fiche supprimée"
    assert wording.record_name("point", "Texte") == "Point « Texte »"
    assert wording.backup_reason("avant-migration-0004") == "Avant une mise à jour"
    assert wording.backup_kind(0, NOW, NOW) == "Récente"
    assert wording.backup_kind(12, NOW - dt.timedelta(days=3), NOW) == "Du jour"
    assert wording.backup_kind(12, NOW - dt.timedelta(days=30), NOW) == "De la semaine"
    assert wording.backup_kind(12, NOW - dt.timedelta(days=200), NOW) == "Du mois"
    assert wording.size_text(2048) == "2 ko"
    assert wording.size_text(3 * 1024 * 1024) == "3,0 Mo"


def test_status_widget_says_everything_in_one_line(qtbot: QtBot) -> None:
    widget = SyncStatusWidget(now=lambda: NOW)
    qtbot.addWidget(widget)
    widget.show()
    widget.show_status(_status())
    assert widget.summary() == (
        "Synchronisé il y a 3 min · 4 modifications à publier · 1 conflit à revoir"
    )
    assert widget.accessibleName() == widget.summary()
    clicks: list[int] = []
    widget.conflicts_clicked.connect(lambda: clicks.append(1))
    widget.conflicts_button.click()
    assert clicks == [1]
    widget.show_status(_status(open_conflicts=0, unpublished=0))
    assert widget.summary() == "Synchronisé il y a 3 min · Tout est publié"
    widget.set_busy("Synchronisation…")
    assert widget.summary().startswith("Synchronisation…")
    widget.set_busy("")
    widget.show_status(_status(workspace_id=None))
    assert widget.summary() == "Non partagé · 1 conflit à revoir"


# --- where a database lives ------------------------------------------------------------


@pytest.mark.parametrize(
    ("folder", "client"),
    [
        ("OneDrive - Ville de Clermont/Alliance", "OneDrive"),
        ("OneDrive", "OneDrive"),
        ("Dropbox (Personnel)/Alliance", "Dropbox"),
        ("Nextcloud/Alliance", "Nextcloud"),
        ("Google Drive/Mon Drive", "Google Drive"),
        ("GoogleDrive-anne@example.org/My Drive", "Google Drive"),
        ("Documents/Alliance", None),
        ("OneDriveless", None),
    ],
)
def test_sync_clients_are_known_by_their_folders(
    tmp_path: Path, folder: str, client: str | None
) -> None:
    assert places.sync_place(tmp_path / folder / "alliance.sqlite3") == client


def test_sync_clients_are_known_by_their_marks(tmp_path: Path) -> None:
    (tmp_path / "Partage").mkdir()
    (tmp_path / "Partage" / ".stfolder").mkdir()
    (tmp_path / "Partage" / "sous-dossier").mkdir()
    assert places.sync_place(tmp_path / "Partage" / "sous-dossier" / "a.sqlite3") == "Syncthing"
    (tmp_path / "Autre").mkdir()
    (tmp_path / "Autre" / "._sync_0a1b2c3d4e5f.db").write_bytes(b"")
    assert places.sync_place(tmp_path / "Autre" / "a.sqlite3") == "Nextcloud"
    assert places.sync_place(tmp_path / "a.sqlite3") is None


def test_database_inside_uses_the_engines_check(tmp_path: Path, db: Database) -> None:
    assert places.database_inside(db, db.path.parent)
    assert not places.database_inside(db, tmp_path / "ailleurs")


def test_a_database_in_a_synchronised_folder_is_copied_to_local_storage(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, open_laptop: Opener
) -> None:
    path = _filled(tmp_path / "OneDrive - Ville de Clermont" / "alliance-partagee.sqlite3")
    asked: list[str] = []

    def question(_parent: Any, _title: str, text: str, *_args: Any) -> Any:
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    laptop = open_laptop(path, "anne")
    qtbot.waitUntil(lambda: laptop.window.database.path != path, timeout=30000)
    wait_idle(qtbot, laptop.ctrl)
    assert len(asked) == 1 and "OneDrive" in asked[0]
    copy = laptop.window.database.path
    assert copy == paths.data_dir() / "alliance-partagee.sqlite3"
    assert titles(laptop.window) and GES in titles(laptop.window)
    assert path.is_file()  # the original is only read


def test_declining_the_copy_keeps_the_file_and_asks_once(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, open_laptop: Opener
) -> None:
    path = _filled(tmp_path / "Dropbox" / "alliance.sqlite3")
    asked: list[str] = []

    def question(_parent: Any, _title: str, text: str, *_args: Any) -> Any:
        asked.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", question)
    laptop = open_laptop(path, "anne")
    assert len(asked) == 1 and "Dropbox" in asked[0]
    assert laptop.window.database.path == path
    laptop.window.open_database_file(path)
    wait_idle(qtbot, laptop.ctrl)
    assert len(asked) == 1


def test_a_database_inside_the_chosen_folder_is_copied_before_joining(
    qtbot: QtBot,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    open_laptop: Opener,
) -> None:
    shared = tmp_path / "partage"
    shared.mkdir()
    anne = open_laptop(_filled(tmp_path / "anne.sqlite3"), "anne")
    answer_folder(monkeypatch, shared, "Anne")
    sync(qtbot, anne)
    inside = shared / "base-de-bruno.sqlite3"
    open_database(inside).close()
    bruno = open_laptop(inside, "bruno")
    asked: list[str] = []

    def question(_parent: Any, title: str, text: str, *_args: Any) -> Any:
        asked.append(title)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    answer_folder(monkeypatch, shared, "Bruno")
    with qtbot.waitSignal(bruno.ctrl.synced, timeout=60000):
        bruno.ctrl.folder_action.trigger()
    wait_idle(qtbot, bruno.ctrl)
    assert asked == ["Base dans le dossier partagé"]
    assert bruno.window.database.path == paths.data_dir() / "base-de-bruno.sqlite3"
    assert report(bruno).heading.text() == "Espace partagé rejoint."
    assert GES in titles(bruno.window)


def test_the_folder_dialog_wants_a_folder_and_a_name(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = FolderDialog("", "", None)
    qtbot.addWidget(dialog)
    assert dialog.state_label.text() == "Cette base n'est pas encore partagée."
    dialog.accept()
    assert dialog.result() == 0 and dialog.error_label.text() == "Choisissez le dossier partagé."
    dialog.folder_edit.setText(str(tmp_path))
    dialog.author_edit.setText("   ")
    dialog.accept()
    assert dialog.result() == 0 and "votre nom" in dialog.error_label.text()
    dialog.author_edit.setText("  Marie   Curie ")
    dialog.accept()
    assert dialog.result() == 1
    assert dialog.folder() == tmp_path and dialog.author() == "Marie Curie"


# --- editing a value in conflict -------------------------------------------------------


def _item(mine: Any, theirs: Any, field: str = "date", table: str = "meeting") -> ConflictItem:
    view = ConflictView(
        id="c1",
        table=table,
        row_id="r" * 32,
        field=field,
        label="Atelier",
        winner_value=mine,
        winner_author="Bruno",
        winner_device="b" * 32,
        winner_at=NOW,
        other_value=theirs,
        other_author="Anne",
        other_device="a" * 32,
        other_at=NOW - dt.timedelta(minutes=1),
        open=True,
    )
    return ConflictItem(view, mine_is_winner=True)


@pytest.mark.parametrize(
    ("mine", "theirs", "expected"),
    [
        (dt.date(2024, 5, 29), dt.date(2024, 5, 30), dt.date(2024, 5, 29)),
        (dt.time(17, 30), None, dt.time(17, 30)),
        (61, 62, 61),
        (True, False, True),
        (2.5, 3.0, 2.5),
        (e.SessionStatus.CLOSED, e.SessionStatus.RUNNING, e.SessionStatus.CLOSED),
        ("Salle B", None, "Salle B"),
    ],
)
def test_edit_value_starts_from_ones_own_of_the_right_kind(
    qtbot: QtBot, mine: Any, theirs: Any, expected: Any
) -> None:
    item = _item(mine, theirs)
    kind = editable_type(item)
    assert kind is not None
    dialog = EditValueDialog(item, kind)
    qtbot.addWidget(dialog)
    value = dialog.value()
    assert value == expected and type(value) is type(expected)


def test_a_reference_is_chosen_between_the_two_sides_only() -> None:
    assert editable_type(_item(uuid.uuid4(), uuid.uuid4(), "organisation_id")) is None
    assert editable_type(_item(None, None, "location")) is str


def test_an_emptied_text_goes_back_to_empty(qtbot: QtBot) -> None:
    dialog = EditValueDialog(_item("Salle B", None, "location"), str)
    qtbot.addWidget(dialog)
    dialog.editor.setPlainText("  ")  # type: ignore[attr-defined]
    assert dialog.value() is None


# --- history ---------------------------------------------------------------------------


def test_history_shows_every_value_who_and_when(
    qtbot: QtBot, qtmodeltester: ModelTester, tmp_path: Path, open_laptop: Opener
) -> None:
    laptop = open_laptop(_filled(tmp_path / "anne.sqlite3"), "anne")
    db = laptop.db
    sharing.set_author(db, author="Anne")
    with db.session() as s:
        ges = s.scalars(select(Meeting).where(Meeting.title == GES)).one()
        ges.location = "Salle Camille Claudel"
        s.delete(s.scalars(select(Point).where(Point.text.startswith("Intensité"))).one())
    laptop.window.select_row(titles(laptop.window).index(GES))
    assert laptop.ctrl.history_action.isEnabled()
    with qtbot.waitSignal(laptop.ctrl.history_loaded, timeout=30000) as blocker:
        laptop.ctrl.history_action.trigger()
    history = blocker.args[0]
    assert isinstance(history, SessionHistory)
    dialog = laptop.ctrl.history_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.windowTitle() == f"Historique — {GES}"
    records = [dialog.records.cell(r, 0) for r in range(dialog.records.rowCount())]
    assert records[0].startswith(f"Séance « {GES}")
    assert any(r.startswith("Point « Intensité") for r in records)  # deleted, remembered
    assert any(r.startswith("Présence « Camille") for r in records)
    lines = [
        [dialog.lines.cell(r, c) for c in range(dialog.lines.columnCount())]
        for r in range(dialog.lines.rowCount())
    ]
    places_ = [line for line in lines if line[1] == "Lieu"]
    assert [(line[2], line[4]) for line in places_] == [
        ("Salle des conférences", "remplacée"),
        ("Salle Camille Claudel", "actuelle"),
    ]
    assert places_[1][3] == "Anne"
    assert any(line[1] == "Thème" and "émissions" in line[2] for line in lines)
    point = records.index(next(r for r in records if r.startswith("Point « Intensité")))
    dialog.records_view.selectRow(point)
    fields = [dialog.lines.cell(r, 1) for r in range(dialog.lines.rowCount())]
    assert fields[0] == "Fiche créée" and fields[-1] == "Fiche supprimée"
    qtmodeltester.check(dialog.records)  # type: ignore[no-untyped-call]
    qtmodeltester.check(dialog.lines)  # type: ignore[no-untyped-call]


def test_history_needs_a_session(qtbot: QtBot, tmp_path: Path, open_laptop: Opener) -> None:
    path = tmp_path / "vide.sqlite3"
    open_database(path).close()
    laptop = open_laptop(path, "anne")
    laptop.ctrl.menu.aboutToShow.emit()
    assert not laptop.ctrl.history_action.isEnabled()
    assert laptop.ctrl.show_history() is None


# --- merging a file --------------------------------------------------------------------


def test_a_file_received_by_email_is_merged(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, open_laptop: Opener
) -> None:
    laptop = open_laptop(_filled(tmp_path / "anne.sqlite3"), "anne")
    received = tmp_path / "reçu par courriel.sqlite3"
    other = open_database(received)
    sharing.set_author(other, author="Chloé")
    with other.session() as s:
        s.add(Meeting(date=dt.date(2024, 11, 21), title="Atelier de Chloé"))
    other.close()
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_args: (str(received), ""))
    with qtbot.waitSignal(laptop.ctrl.synced, timeout=60000):
        laptop.ctrl.merge_action.trigger()
    wait_idle(qtbot, laptop.ctrl)
    dialog = report(laptop)
    assert dialog.windowTitle() == "Fusion d'un fichier"
    assert dialog.heading.text() == "Fichier fusionné."
    assert dialog.summary.text() == "Reçu : 1 fichier"
    assert dialog.facilitators.cell(0, 0).startswith("Chloé")
    assert dialog.facilitators.cell(0, 1) == "1"
    assert "Atelier de Chloé" in titles(laptop.window)


def test_a_file_that_is_no_database_is_one_sentence(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, open_laptop: Opener
) -> None:
    laptop = open_laptop(_filled(tmp_path / "anne.sqlite3"), "anne")
    junk = tmp_path / "photo.sqlite3"
    junk.write_bytes(b"pas une base" * 100)
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *_args: (str(junk), ""))
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda *args: warnings.append(args[2]))
    with qtbot.waitSignal(laptop.ctrl.sync_failed, timeout=30000):
        laptop.ctrl.merge_action.trigger()
    assert len(warnings) == 1 and "Traceback" not in warnings[0]
    assert "\n" not in warnings[0]


# --- backups ---------------------------------------------------------------------------


def test_backup_now_then_restore_reloads_and_erases_again(
    qtbot: QtBot,
    qtmodeltester: ModelTester,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    open_laptop: Opener,
) -> None:
    laptop = open_laptop(_filled(tmp_path / "anne.sqlite3"), "anne")
    with qtbot.waitSignal(laptop.ctrl.backups_loaded, timeout=30000):
        laptop.ctrl.backups_action.trigger()
    dialog = laptop.ctrl.backups_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.model.rowCount() == 0 and not dialog.restore_button.isEnabled()
    with qtbot.waitSignal(laptop.ctrl.backups_loaded, timeout=30000):
        dialog.backup_button.click()
    assert dialog.model.rowCount() == 1
    assert [dialog.model.cell(0, c) for c in (1, 2)] == ["Manuelle", "Récente"]
    assert dialog.state.text().startswith("Sauvegarde vérifiée : ")
    qtmodeltester.check(dialog.model)  # type: ignore[no-untyped-call]

    # After the backup: a new session, and a person erased on this laptop.
    db = laptop.db
    with db.session() as s:
        s.add(Meeting(date=dt.date(2024, 12, 5), title="Après la sauvegarde"))
        camille = s.scalars(select(Person).where(Person.first_name == "Camille")).one().id
    privacy.erase_person(db, camille)
    laptop.window.reload()
    assert "Après la sauvegarde" in titles(laptop.window)

    with qtbot.waitSignal(laptop.ctrl.backups_loaded, timeout=30000):
        laptop.ctrl.backups_action.trigger()
    manual = next(
        r for r in range(dialog.model.rowCount()) if dialog.model.cell(r, 1) == "Manuelle"
    )
    dialog.view.selectRow(manual)
    confirmations: list[str] = []

    def question(_parent: Any, _title: str, text: str, *_args: Any) -> Any:
        confirmations.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    old = laptop.window.database
    with qtbot.waitSignal(laptop.ctrl.restored, timeout=60000) as blocker:
        dialog.restore_button.click()
    restored = blocker.args[0]
    assert isinstance(restored, Restored) and restored.previous is not None
    assert len(confirmations) == 1 and confirmations[0].startswith("Remplacer la base")
    assert laptop.window.database is not old
    assert laptop.window.database.path == old.path
    assert "Après la sauvegarde" not in titles(laptop.window)
    with laptop.window.database.session() as s:
        person = s.get(Person, camille)
        assert person is not None and person.first_name == ""  # erased again
    assert "restaurée" in laptop.window.statusBar().currentMessage()
    wait_idle(qtbot, laptop.ctrl)
    reasons = [dialog.model.cell(r, 1) for r in range(dialog.model.rowCount())]
    assert "Avant une restauration" in reasons


def test_restore_can_be_declined(
    qtbot: QtBot, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, open_laptop: Opener
) -> None:
    laptop = open_laptop(_filled(tmp_path / "anne.sqlite3"), "anne")
    sharing.backup_now(laptop.db.path, paths.backups_dir())
    with qtbot.waitSignal(laptop.ctrl.backups_loaded, timeout=30000):
        laptop.ctrl.backups_action.trigger()
    dialog = laptop.ctrl.backups_dialog
    assert dialog is not None and dialog.restore_button.isEnabled()
    monkeypatch.setattr(QMessageBox, "question", lambda *_args: QMessageBox.StandardButton.No)
    old = laptop.window.database
    dialog.restore_button.click()
    assert laptop.ctrl.running() == [] and laptop.window.database is old


# --- English ---------------------------------------------------------------------------


def test_the_menu_speaks_english(qtbot: QtBot, db: Database) -> None:
    set_language("en")
    window = build_main_window(db)
    qtbot.addWidget(window)
    ctrl = controller(window)
    assert ctrl is not None
    assert ctrl.menu.title() == "Sh&aring"
    assert [a.text() for a in ctrl.menu.actions() if not a.isSeparator()] == [
        "&Synchronise",
        "Shared &folder…",
        "&Conflicts to review…",
        "Session &history…",
        "&Merge a file…",
        "&Backups…",
    ]
    ctrl.status_widget.show_status(_status(workspace_id=None, open_conflicts=0))
    assert ctrl.status_widget.summary() == "Not shared"
    ctrl.wait()
