"""The « Membres » menu, the directory, a person's record (consent, export, erasure), imports."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QMenu
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from alliance_desktop.app import build_main_window
from alliance_desktop.services import members, privacy
from alliance_desktop.services.members import PersonData
from alliance_desktop.storage.database import Database
from alliance_desktop.ui.members import CONTROLLER_NAME, MENU_NAME, MembersMenu, attach
from alliance_desktop.ui.members.directory import (
    DirectoryWindow,
    organisation_columns,
    people_columns,
)
from alliance_desktop.ui.members.forms import OrganisationDialog, PersonDialog
from alliance_desktop.ui.members.import_dialog import PeopleImportDialog, SurveyImportDialog
from alliance_desktop.ui.members.models import RECORD_ROLE, RecordsModel
from alliance_desktop.ui.members.person_record import PersonRecordDialog

pytestmark = pytest.mark.gui


def rows(window: DirectoryWindow) -> list[str]:
    proxy = window.people_proxy
    return [
        f"{proxy.index(r, 1).data()} {proxy.index(r, 0).data()}" for r in range(proxy.rowCount())
    ]


def test_models_pass_qt_checks(qtmodeltester: ModelTester, db: Database) -> None:
    people: RecordsModel[PersonData] = RecordsModel(people_columns())
    qtmodeltester.check(people)  # type: ignore[no-untyped-call]
    people.set_records(members.list_people(db))
    qtmodeltester.check(people)  # type: ignore[no-untyped-call]
    people.set_checkable(0)
    qtmodeltester.check(people)  # type: ignore[no-untyped-call]
    assert people.setData(
        people.index(0, 0), Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole
    )
    assert len(people.checked_records()) == 2
    orgs: RecordsModel[members.OrganisationData] = RecordsModel(organisation_columns())
    orgs.set_records(members.list_organisations(db))
    qtmodeltester.check(orgs)  # type: ignore[no-untyped-call]
    assert orgs.headerData(0, Qt.Orientation.Horizontal) == "Nom"
    assert people.index(0, 0).data(RECORD_ROLE).last_name == "Exemple"


def test_directory_search_and_filters(qtbot: QtBot, db: Database) -> None:
    w = DirectoryWindow(db)
    qtbot.addWidget(w)
    w.show()
    assert rows(w) == ["Camille Exemple", "Dominique Fictif", "Alex Imaginaire"]
    w.people_search.setText("VALTOM")
    assert rows(w) == ["Alex Imaginaire"]
    w.people_search.setText("")
    w.org_search.setText("metropole")
    assert w.org_proxy.rowCount() == 1
    w.members_only.setChecked(True)
    w.org_search.setText("")
    assert [w.org_proxy.index(r, 0).data() for r in range(w.org_proxy.rowCount())] == ["Valtom"]
    assert "3 personne(s)" in w.status.text()


def test_add_edit_deactivate_and_merge_people(
    qtbot: QtBot, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = DirectoryWindow(db)
    qtbot.addWidget(w)

    def fill_new(dialog: PersonDialog) -> int:
        dialog.first_name.setText("Hélène")
        dialog.last_name.setText("Exemple")
        dialog.email.setText("helene@exemple.org")
        dialog.consent_named.setChecked(True)
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr(PersonDialog, "exec", fill_new)
    added = w.add_person()
    assert added is not None and added.consent_named and added.email == "helene@exemple.org"
    assert "Hélène Exemple" in rows(w)

    def rename(dialog: PersonDialog) -> int:
        dialog.function.setText("Chargée de mission")
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr(PersonDialog, "exec", rename)
    w._select_person(added)
    w.edit_person()
    assert members.get_person(db, added.id).function == "Chargée de mission"
    assert privacy.audit_log(db)[0].action == "rectify"

    w._select_person(added)
    assert w.toggle_person_button.text() == "&Désactiver"
    w.toggle_person()
    assert not members.get_person(db, added.id).active
    w.people_active.setChecked(True)
    assert "Hélène Exemple" not in rows(w)
    w.people_active.setChecked(False)

    # Two records of one person, selected together, merged after a question.
    camille = next(p for p in members.list_people(db) if p.first_name == "Camille")
    w.people_view.clearSelection()
    selection = w.people_view.selectionModel()
    flags = selection.SelectionFlag.Select | selection.SelectionFlag.Rows
    for r in range(w.people_proxy.rowCount()):
        record = w.people_proxy.index(r, 0).data(RECORD_ROLE)
        if record.id in (camille.id, added.id):
            selection.select(w.people_proxy.index(r, 0), flags)
    assert w.merge_button.isEnabled()
    monkeypatch.setattr("alliance_desktop.ui.members.directory.ask", lambda *_a: True)
    w.merge_selected()
    assert len(members.list_people(db)) == 3
    assert any(p.email == "helene@exemple.org" for p in members.list_people(db))


def test_add_organisation_refused_then_corrected(
    qtbot: QtBot, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = DirectoryWindow(db)
    qtbot.addWidget(w)
    attempts: list[str] = []
    warnings: list[str] = []
    monkeypatch.setattr(
        "alliance_desktop.ui.members.directory.warn", lambda _p, m: warnings.append(m)
    )

    def fill(dialog: OrganisationDialog) -> int:
        attempts.append("x")
        dialog.name.setText("valtom" if len(attempts) == 1 else "LPO")
        return QDialog.DialogCode.Accepted.value

    monkeypatch.setattr(OrganisationDialog, "exec", fill)
    made = w.add_organisation()
    assert made is not None and made.name == "LPO"
    assert len(attempts) == 2 and "existe déjà" in warnings[0]


def test_person_record_consent_export_and_erasure(
    qtbot: QtBot, db: Database, tmp_path: Path
) -> None:
    camille = next(p for p in members.list_people(db) if p.first_name == "Camille")
    d = PersonRecordDialog(db, camille)
    qtbot.addWidget(d)
    d.show()
    assert "Camille" in d.browser.toPlainText() and "Présences (2)" in d.browser.toPlainText()
    d.consent_named.setChecked(True)
    assert members.get_person(db, camille.id).consent_named
    written = d.export("json", tmp_path / "camille.json")
    assert written is not None
    assert json.loads(written.read_text("utf-8"))["person"]["first_name"] == "Camille"
    erasure = d.open_erasure()
    assert erasure.preview.attendance == 2
    assert not erasure.confirm.isDefault()  # the safe answer is the default one
    with qtbot.waitSignal(erasure.erased, timeout=20000):
        erasure.confirm.click()
    assert members.get_person(db, camille.id).erased
    assert not d.erase_button.isEnabled() and not d.consent_named.isEnabled()
    assert "effacées" in d.browser.toPlainText()


def test_people_import_dialog_proposes_merges(qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    path = tmp_path / "annuaire.csv"
    path.write_text(
        "Organisation;Prénom;Nom;E-mail\r\n"
        "Valtom;Alex;IMAGINAIRE;alex@exemple.org\r\n"
        "LPO;Hélène;Martin;h@exemple.org\r\n"
        ";;;pas-une-adresse\r\n",
        encoding="utf-8",
    )
    d = PeopleImportDialog(db)
    qtbot.addWidget(d)
    d.show()
    d.load(path)
    qtbot.waitUntil(lambda: d.plan is not None, timeout=20000)
    assert d.accepted_model.rowCount() == 2 and d.rejected_model.rowCount() == 1
    assert d.duplicates_model.rowCount() == 1 and d.tabs.currentIndex() == 1
    assert d.import_button.isEnabled()
    # Untick the merge, and ask for separate creation: a second Alex.
    d.duplicates_model.setData(
        d.duplicates_model.index(0, 0),
        Qt.CheckState.Unchecked.value,
        Qt.ItemDataRole.CheckStateRole,
    )
    d.create_apart.setChecked(True)
    with qtbot.waitSignal(d.imported, timeout=20000):
        d.import_button.click()
    names = [p.full_name for p in members.list_people(db)]
    assert names.count("Alex Imaginaire") == 1 and "Alex IMAGINAIRE" in names
    assert "Hélène Martin" in names and "Import terminé" in d.summary.text()


def test_survey_import_dialog(qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_text(
        "Organisation;Thématique;Objectifs\r\nValtom;GES;Moins 30 %\r\nInconnue;Eau;x\r\n",
        encoding="utf-8",
    )
    d = SurveyImportDialog(db)
    qtbot.addWidget(d)
    d.load(path)
    qtbot.waitUntil(lambda: d.plan is not None, timeout=20000)
    assert d.accepted_model.rowCount() == 1 and d.rejected_model.rowCount() == 1
    with qtbot.waitSignal(d.imported, timeout=20000):
        d.import_button.click()
    assert "1 réponse(s) ajoutée(s)" in d.summary.text()


def test_attach_adds_or_reuses_the_members_menu(qtbot: QtBot, db: Database, tmp_path: Path) -> None:
    window = build_main_window(db, features=False)
    qtbot.addWidget(window)
    existing = QMenu("Membres", window.menuBar())
    existing.setObjectName(MENU_NAME)
    window.menuBar().addMenu(existing)
    existing.addAction("Déjà là")
    attach(window)
    attach(window)  # a second call adds nothing
    assert window.menuBar().findChildren(QMenu, MENU_NAME) == [existing]
    texts = [a.text() for a in existing.actions() if not a.isSeparator()]
    assert texts[:3] == ["Déjà là", "&Annuaire…", "&Importer l'annuaire…"]
    controller = window.findChild(MembersMenu, CONTROLLER_NAME)
    assert controller is not None
    assert controller.directory_action.shortcut().toString() == "Ctrl+Shift+M"
    controller.directory_action.trigger()
    directory = controller.windows["directory"]
    assert isinstance(directory, DirectoryWindow) and directory.isVisible()
    assert controller.open_directory() is directory
    for action in (
        controller.participation_action,
        controller.survey_action,
        controller.retention_action,
        controller.notice_action,
        controller.audit_action,
    ):
        action.trigger()
    assert {"participation", "survey", "retention", "notice", "audit"} <= set(controller.windows)
    window.database_changed.emit(db)
    assert "notice" not in controller.windows and "directory" in controller.windows
    assert controller.save_template("people", tmp_path / "annuaire.xlsx") is not None
    assert controller.save_template("survey", tmp_path / "q.csv") is not None
    for dialog in list(controller.windows.values()):
        dialog.close()


def test_a_fresh_window_gets_its_own_members_menu(qtbot: QtBot, db: Database) -> None:
    window = build_main_window(db)
    qtbot.addWidget(window)
    attach(window)
    titles = [a.text() for a in window.menuBar().actions()]
    assert "&Membres" in titles
    # It goes before the help menu.
    assert titles.index("&Membres") < titles.index("&Aide")


def test_attach_loads_no_screen_and_no_chart_library(tmp_path: Path) -> None:
    code = """
import sys
from pathlib import Path
from alliance_desktop.app import build_main_window, make_application
from alliance_desktop.storage.database import open_database
from alliance_desktop.ui.members import attach
db = open_database(Path(sys.argv[1]))
app = make_application()
window = build_main_window(db)
attach(window)
heavy = ("pyqtgraph", "pandas", "alliance_desktop.ui.members.directory",
         "alliance_desktop.ui.members.participation", "alliance_desktop.services.privacy")
print([m for m in heavy if m in sys.modules])
db.close()
"""
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "a.sqlite3")],
        capture_output=True,
        text=True,
        check=True,
        env={"QT_QPA_PLATFORM": "offscreen", "ALLIANCE_DESKTOP_HOME": str(tmp_path)},
    )
    assert out.stdout.strip() == "[]"


def test_directory_organisation_column_is_never_squeezed(qtbot: QtBot, db: Database) -> None:
    from alliance_desktop.storage.models import Organisation, Person
    from alliance_desktop.ui.members.common import FillColumn

    long_name = "Direction du développement durable et de l'énergie"
    with db.session() as s:
        org = Organisation(name=long_name)
        s.add(
            Person(
                first_name="Sophie",
                last_name="Anonyme",
                organisation=org,
                function="Chargée de mission adaptation au changement climatique",
                email="sophie.anonyme.chargee-de-mission@exemple.org",
                phone="04 73 00 00 00",
            )
        )
    w = DirectoryWindow(db)
    qtbot.addWidget(w)
    w.resize(1100, 620)
    w.show()
    qtbot.waitExposed(w)
    view, proxy = w.people_view, w.people_proxy
    header = view.horizontalHeader()
    row = next(r for r in range(proxy.rowCount()) if proxy.index(r, 0).data() == "Anonyme")
    cell = proxy.index(row, 2)
    assert cell.data() == long_name
    assert cell.data(Qt.ItemDataRole.ToolTipRole) == long_name  # whole when cut short
    # The other columns fill this width: the organisation keeps a readable width.
    assert header.sectionSize(2) >= FillColumn.FLOOR
    # With room, the whole name, and the table filled to its right edge.
    w.resize(1600, 620)
    qtbot.waitUntil(lambda: header.sectionSize(2) >= view.sizeHintForColumn(2))
    assert header.length() >= view.viewport().width() - 1
