"""Présences: checklist of expected members, type-ahead, newcomers, roles, times, counts."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from alliance_desktop.core import enums as e
from alliance_desktop.storage.database import Database
from alliance_desktop.storage.models import Attendance, Organisation, Person
from alliance_desktop.ui.attendance_tab import (
    ARRIVED,
    ROLE,
    STATUS,
    AttendanceTab,
    parse_time,
)
from alliance_desktop.ui.main_window import MainWindow

from .keys import press, type_text

pytestmark = pytest.mark.gui


@pytest.fixture
def sheet(workshop_window: MainWindow) -> AttendanceTab:
    """The attendance of the running air workshop (Camille present, Alex expected)."""
    workshop_window.select_row(1)
    assert workshop_window.open_workshop("attendance")
    tab = workshop_window.workshop().attendance
    assert tab.search.hasFocus()
    return tab


def _names(tab: AttendanceTab) -> list[str]:
    return [tab.proxy.index(row, 1).data() for row in range(tab.proxy.rowCount())]


def _stored(db: Database) -> dict[str, tuple[e.AttendanceStatus, e.Role, dt.time | None]]:
    with db.read() as s:
        rows = s.execute(
            select(Person, Attendance)
            .join(Attendance, Attendance.person_id == Person.id)
            .where(Attendance.meeting_id == _air(db))
        )
        return {p.full_name: (a.status, a.role, a.arrived_at) for p, a in rows}


def _air(db: Database) -> object:
    from alliance_desktop.storage.models import Meeting

    with db.read() as s:
        return s.scalar(select(Meeting.id).where(Meeting.title == "Atelier 2 — Qualité de l'air"))


def test_sheet_starts_from_the_members_representatives(sheet: AttendanceTab) -> None:
    # Valtom is a member: its representative is expected; Camille was recorded present.
    assert _names(sheet) == ["Camille Exemple", "Alex Imaginaire"]
    assert [line.status for line in sheet.lines()] == [
        e.AttendanceStatus.PRESENT,
        e.AttendanceStatus.INVITED,
    ]
    assert sheet.counts_label.text().startswith(
        "1\u00a0présent·e (1\u00a0membre) · 0\u00a0excusé·e"
    )
    assert "Par type d'organisation : autre 1" in sheet.counts_label.text()


def test_type_ahead_and_enter_checks_in(
    sheet: AttendanceTab, db: Database, workshop_window: MainWindow
) -> None:
    type_text("imagi")
    assert _names(sheet) == ["Alex Imaginaire"]
    press(Qt.Key.Key_Return)
    assert sheet.search.text() == ""
    assert _names(sheet) == ["Camille Exemple", "Alex Imaginaire"]
    assert _stored(db)["Alex Imaginaire"] == (
        e.AttendanceStatus.PRESENT,
        e.Role.MEMBER,
        dt.time(17, 42),
    )
    assert sheet.counts_label.text().startswith("2\u00a0présent·es (2\u00a0membres)")
    assert "2 présents" in workshop_window.count_label.text()


def test_accents_and_case_do_not_matter(sheet: AttendanceTab) -> None:
    type_text("MÉTRO")
    assert _names(sheet) == ["Camille Exemple"]
    sheet.search.clear()
    type_text("metropole camille")
    assert _names(sheet) == ["Camille Exemple"]
    sheet.search.clear()
    type_text("valtom")
    assert _names(sheet) == ["Alex Imaginaire"]


def test_space_toggles_and_undo_restores(sheet: AttendanceTab, db: Database) -> None:
    press(Qt.Key.Key_Down)
    assert sheet.view.hasFocus()
    assert sheet.view.currentIndex().row() == 0
    press(Qt.Key.Key_Space)  # Camille checked out
    assert _stored(db)["Camille Exemple"][0] == e.AttendanceStatus.INVITED
    assert sheet.present() == 0
    sheet.context.stack.undo()
    assert _stored(db)["Camille Exemple"][0] == e.AttendanceStatus.PRESENT
    press(Qt.Key.Key_Down)
    press(Qt.Key.Key_E)  # Alex excused
    assert _stored(db)["Alex Imaginaire"][0] == e.AttendanceStatus.EXCUSED
    assert "1\u00a0excusé·e" in sheet.counts_label.text()


def test_newcomer_with_a_new_organisation_without_leaving_the_sheet(
    sheet: AttendanceTab, db: Database
) -> None:
    type_text("Zoé Nouvelle-Venue")
    press(Qt.Key.Key_Return)  # nobody matches: the form opens, name filled in
    assert sheet.form.isVisible()
    assert sheet.form.first_name.text() == "Zoé"
    assert sheet.form.last_name.text() == "Nouvelle-Venue"
    assert sheet.form.organisation_line.hasFocus()
    type_text("Association « Haies & Vergers »")
    sheet.form.kind.setCurrentIndex(sheet.form.kind.findData(e.OrganisationKind.ASSOCIATION))
    press(Qt.Key.Key_Return)
    assert not sheet.form.isVisible()
    assert sheet.search.hasFocus()
    assert "Zoé Nouvelle-Venue" in _names(sheet)
    assert _stored(db)["Zoé Nouvelle-Venue"] == (
        e.AttendanceStatus.PRESENT,
        e.Role.NEWCOMER,
        dt.time(17, 42),
    )
    with db.read() as s:
        org = s.scalar(select(Organisation).where(Organisation.name.like("Association%")))
        assert org is not None
        assert org.name == "Association « Haies & Vergers »"
        assert org.kind == e.OrganisationKind.ASSOCIATION
        assert not org.is_member
    assert "1\u00a0nouveau participant" in sheet.counts_label.text()
    assert "association 1" in sheet.counts_label.text()


def test_newcomer_of_a_known_organisation(sheet: AttendanceTab, db: Database) -> None:
    sheet.new_button.click()
    assert sheet.form.first_name.hasFocus()
    type_text("Noé")
    sheet.form.last_name.setFocus()
    type_text("Élu")
    sheet.form.organisation_line.setFocus()
    type_text("valtom")  # an existing organisation, whatever the case
    sheet.form.role.setCurrentIndex(sheet.form.role.findData(e.Role.ELECTED))
    sheet.form.add_button.click()
    with db.read() as s:
        person = s.scalar(select(Person).where(Person.last_name == "Élu"))
        assert person is not None
        assert person.organisation is not None
        assert person.organisation.name == "Valtom"
        assert s.scalar(select(Organisation).where(Organisation.name == "valtom")) is None
    assert _stored(db)["Noé Élu"][1] == e.Role.ELECTED


def test_newcomer_without_a_name_is_refused(
    sheet: AttendanceTab, monkeypatch: pytest.MonkeyPatch
) -> None:
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warnings.append(text))
    sheet.new_button.click()
    sheet.form.add_button.click()
    assert warnings == ["Indiquez au moins un nom."]
    assert sheet.form.isVisible()
    press(Qt.Key.Key_Escape)
    assert not sheet.form.isVisible()


def test_role_status_and_times_are_edited_in_the_sheet(
    sheet: AttendanceTab, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    proxy = sheet.proxy
    assert proxy.setData(proxy.index(1, ROLE), e.Role.EXPERT)
    assert _stored(db)["Alex Imaginaire"][1] == e.Role.EXPERT
    assert proxy.index(1, ROLE).data() == "intervenant·e"
    assert proxy.setData(proxy.index(1, STATUS), e.AttendanceStatus.PRESENT)
    assert _stored(db)["Alex Imaginaire"] == (
        e.AttendanceStatus.PRESENT,
        e.Role.EXPERT,
        dt.time(17, 42),
    )
    assert proxy.setData(proxy.index(1, ARRIVED), "17h05")
    assert _stored(db)["Alex Imaginaire"][2] == dt.time(17, 5)
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warnings.append(text))
    proxy.setData(proxy.index(1, ARRIVED), "bientôt")
    assert warnings == ["« bientôt » n'est pas une heure : écrivez par exemple 17:05."]
    assert _stored(db)["Alex Imaginaire"][2] == dt.time(17, 5)
    # The check box is a click away too.
    assert proxy.setData(
        proxy.index(1, 0), Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole
    )
    assert _stored(db)["Alex Imaginaire"][0] == e.AttendanceStatus.INVITED


def test_parse_time() -> None:
    assert parse_time("17:05") == dt.time(17, 5)
    assert parse_time("17 h 05") == dt.time(17, 5)
    assert parse_time("17h") == dt.time(17, 0)
    assert parse_time("1705") == dt.time(17, 5)
    assert parse_time(" ") is None


def test_models_pass_qt_checks(qtmodeltester: ModelTester, sheet: AttendanceTab) -> None:
    qtmodeltester.check(sheet.model)  # type: ignore[no-untyped-call]
    sheet.proxy.set_query("alex")
    qtmodeltester.check(sheet.proxy)  # type: ignore[no-untyped-call]


def _consent(db: Database, last_name: str) -> tuple[bool, bool]:
    with db.read() as s:
        person = s.scalar(select(Person).where(Person.last_name == last_name))
        assert person is not None
        return person.consent_named, person.consent_photo


def test_newcomer_consent_is_asked_in_the_form(
    sheet: AttendanceTab, db: Database, qtbot: QtBot
) -> None:
    type_text("Zoé Consentante")
    press(Qt.Key.Key_Return)
    form = sheet.form
    assert form.isVisible()
    # Opt-in: nothing ticked until the person agrees.
    assert not form.consent_named.isChecked() and not form.consent_photo.isChecked()
    press(Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)  # « &comptes-rendus »
    assert form.consent_named.hasFocus()
    qtbot.waitUntil(form.consent_named.isChecked)  # a mnemonic clicks after a short flash
    # Enter on a tick box adds the newcomer, once.
    press(Qt.Key.Key_Return)
    assert not form.isVisible()
    assert _consent(db, "Consentante") == (True, False)
    assert _names(sheet).count("Zoé Consentante") == 1

    # The next newcomer starts unticked again; Space ticks the photo box.
    type_text("Yves Discret")
    press(Qt.Key.Key_Return)
    assert not form.consent_named.isChecked()
    form.consent_photo.setFocus()
    press(Qt.Key.Key_Space)
    form.organisation_line.setFocus()
    press(Qt.Key.Key_Return)
    assert _consent(db, "Discret") == (False, True)
    with db.read() as s:
        assert len(s.scalars(select(Person).where(Person.last_name == "Discret")).all()) == 1
