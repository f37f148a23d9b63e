"""Préparation and the clock: a new session planned, the 2 h / 19:00 warnings, start, close."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from PySide6.QtCore import Qt, QTime
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from alliance_desktop.core import enums as e
from alliance_desktop.storage.database import Database
from alliance_desktop.storage.models import Contributor, Meeting
from alliance_desktop.ui.main_window import MainWindow
from alliance_desktop.ui.planning_tab import BACKGROUND_SAVE_DELAY_MS, PlanningTab, split_names

from .conftest import FakeClock
from .keys import press, type_text

pytestmark = pytest.mark.gui


def _meeting(db: Database, meeting_id: uuid.UUID | None) -> Meeting:
    with db.read() as s:
        m = s.get(Meeting, meeting_id)
        assert m is not None
        s.expunge(m)
        return m


@pytest.fixture
def planning(workshop_window: MainWindow) -> PlanningTab:
    press(Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    return workshop_window.workshop().planning


def test_ctrl_n_plans_a_session_today_and_opens_its_preparation(
    workshop_window: MainWindow, planning: PlanningTab, db: Database
) -> None:
    w = workshop_window
    assert w.in_workshop()
    assert w.workshop().current_tab() == "planning"
    assert w.model.rowCount() == 4
    m = _meeting(db, w.current_meeting_id())
    assert (m.date, m.title, m.status) == (
        dt.date(2024, 9, 5),
        "Nouvelle séance",
        e.SessionStatus.PLANNED,
    )
    assert (m.start_time, m.planned_end) == (dt.time(17, 0), dt.time(19, 0))
    assert planning.title.hasFocus()
    assert planning.title.selectedText() == "Nouvelle séance"
    type_text("Atelier 3 — Eau « potable » : ça coule")
    press(Qt.Key.Key_Tab)  # leaving the field saves it
    m = _meeting(db, w.current_meeting_id())
    assert m.title == "Atelier 3 — Eau « potable » : ça coule"
    assert w.workshop().title_label.text() == "Atelier 3 — Eau « potable » : ça coule"
    assert not planning.warnings.isVisible()


def test_long_or_late_plan_warns_and_is_kept(
    workshop_window: MainWindow, planning: PlanningTab, db: Database
) -> None:
    planning.end_time.setTime(QTime(19, 30))
    assert planning.warnings.isVisible()
    text = planning.warnings.text()
    assert "La séance dure 2 h 30 : l'Alliance s'en tient à deux heures." in text
    assert "La séance finit après 19 h" in text
    assert "ce n'est qu'un avertissement" in text
    planning.end_time.editingFinished.emit()
    assert _meeting(db, workshop_window.current_meeting_id()).planned_end == dt.time(19, 30)
    assert "17:00–19:30" in workshop_window.workshop().meta_label.text()


def test_theme_stage_place_contributors_and_background(
    workshop_window: MainWindow, planning: PlanningTab, db: Database, qtbot: QtBot
) -> None:
    planning.theme.setCurrentIndex(planning.theme.findData(e.Theme.EAU.value))
    planning.theme.activated.emit(planning.theme.currentIndex())
    planning.stage.setCurrentIndex(planning.stage.findData(e.Stage.LEVERS.value))
    planning.stage.activated.emit(planning.stage.currentIndex())
    planning.location.setFocus()
    type_text("Salle « Gergovie », 2ᵉ étage")
    planning.speakers.setFocus()
    type_text("The Shift Project ; Mme Fictive")
    planning.co_facilitators.setFocus()
    type_text("CISCA")
    planning.background.setFocus()
    type_text("Le territoire prélève l'eau de la nappe.")
    qtbot.wait(BACKGROUND_SAVE_DELAY_MS + 300)  # saved while typing pauses, focus or not
    meeting_id = workshop_window.current_meeting_id()
    m = _meeting(db, meeting_id)
    assert m.location == "Salle « Gergovie », 2ᵉ étage"
    assert m.background == "Le territoire prélève l'eau de la nappe."
    with db.read() as s:
        contributors = [
            (c.role, c.label, c.organisation_id is not None)
            for c in s.scalars(
                select(Contributor)
                .where(Contributor.meeting_id == meeting_id)
                .order_by(Contributor.position)
            )
        ]
    assert contributors == [
        (e.ContributorRole.SPEAKER, "The Shift Project", True),
        (e.ContributorRole.SPEAKER, "Mme Fictive", False),
        (e.ContributorRole.CO_FACILITATOR, "CISCA", False),
    ]
    meta = workshop_window.workshop().meta_label.text()
    assert "Eau · Leviers d'action · 17:00–19:00 · Salle « Gergovie », 2ᵉ étage" in meta
    # The plan's steps undo one by one, the form following.
    stack = workshop_window.workshop().stack
    stack.undo()
    assert _meeting(db, meeting_id).background is None
    assert planning.background.toPlainText() == ""


def test_split_names() -> None:
    assert split_names(" A ; B\nC ;; ") == ("A", "B", "C")


def test_clock_runs_warns_and_closes(
    workshop_window: MainWindow,
    db: Database,
    fake_clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    w = workshop_window
    w.select_row(2)  # the GES workshop, 17:00–19:00, closed: plan it again
    with db.session() as s:
        m = s.get(Meeting, w.current_meeting_id())
        assert m is not None
        m.status = e.SessionStatus.PLANNED
        m.date = fake_clock.now.date()
    assert w.open_workshop("planning")
    view = w.workshop()
    assert view.clock_label.text() == "Séance non démarrée"
    assert view.start_button.isVisible() and not view.close_button.isVisible()
    view.start_button.click()
    assert view.current_tab() == "board"
    m = _meeting(db, w.current_meeting_id())
    assert m.status == e.SessionStatus.RUNNING
    assert view.clock_label.text() == "0:00 écoulées · 1:18 restantes"
    assert not view.alert_label.isVisible()
    assert w.model.index(w.list_view.currentIndex().row(), 1).data().endswith("(en cours)")

    fake_clock.now = dt.datetime.combine(fake_clock.now.date(), dt.time(18, 47))
    view.tick()
    assert view.clock_label.text() == "1:05 écoulées · 0:13 restantes"
    assert view.alert_label.isVisible()
    assert view.alert_label.text() == "Moins de 15 minutes avant 19 h."
    assert w.statusBar().currentMessage() == "Moins de 15 minutes avant 19 h."

    fake_clock.now = dt.datetime.combine(fake_clock.now.date(), dt.time(19, 4))
    view.tick()
    assert view.clock_label.text() == "1:22 écoulées · dépassement de 0:04"
    assert "pensez à clore la séance" in view.alert_label.text()

    monkeypatch.setattr(QMessageBox, "question", lambda *_args: QMessageBox.StandardButton.Yes)
    view.close_button.click()
    m = _meeting(db, w.current_meeting_id())
    assert m.status == e.SessionStatus.CLOSED
    assert view.clock_label.text() == "Close le 5 septembre 2024 à 19:04"
    assert not view.alert_label.isVisible()
    assert not view.timer.isActive()


def test_an_early_start_counts_down_two_hours(
    workshop_window: MainWindow, db: Database, fake_clock: FakeClock
) -> None:
    w = workshop_window
    w.select_row(2)  # the GES workshop, 17:00–19:00: started at 14:23 instead
    with db.session() as s:
        m = s.get(Meeting, w.current_meeting_id())
        assert m is not None
        m.status = e.SessionStatus.PLANNED
        m.date = fake_clock.now.date()
    fake_clock.now = dt.datetime.combine(fake_clock.now.date(), dt.time(14, 23))
    assert w.open_workshop("planning")
    view = w.workshop()
    view.start_button.click()
    assert view.clock_label.text() == "0:00 écoulées · 2:00 restantes"
    fake_clock.now = dt.datetime.combine(fake_clock.now.date(), dt.time(16, 10))
    view.tick()
    assert view.clock_label.text() == "1:47 écoulées · 0:13 restantes"
    assert view.alert_label.text() == "Moins de 15 minutes avant la fin des deux heures."
    fake_clock.now = dt.datetime.combine(fake_clock.now.date(), dt.time(16, 30))
    view.tick()
    assert view.clock_label.text() == "2:07 écoulées · dépassement de 0:07"
    assert view.alert_label.text() == "Les deux heures sont passées : pensez à clore la séance."


def test_the_timer_ticks_by_itself(
    workshop_window: MainWindow, fake_clock: FakeClock, qtbot: QtBot
) -> None:
    w = workshop_window
    w.select_row(1)  # the running air workshop (no planned end: 19:00 is the limit)
    assert w.open_workshop("board")
    view = w.workshop()
    assert view.timer.isActive()
    assert not view.start_button.isVisible() and view.close_button.isVisible()
    fake_clock.now = dt.datetime.combine(fake_clock.now.date(), dt.time(18, 50))
    qtbot.waitUntil(lambda: view.alert_label.text() == "Moins de 15 minutes avant 19 h.")


def test_co_facilitators_read_as_a_list(
    workshop_window: MainWindow, planning: PlanningTab, db: Database
) -> None:
    from alliance_desktop.ui.meeting_html import meeting_html

    planning.co_facilitators.setFocus()
    type_text("Métropole;Ville ; CISCA")
    planning.title.setFocus()  # leaving the field saves it
    # Shown back with French spacing, and read back the same.
    assert planning.co_facilitators.text() == "Métropole\u00a0; Ville\u00a0; CISCA"
    assert planning.fields().co_facilitators == ("Métropole", "Ville", "CISCA")
    workshop_window.leave_workshop()
    detail = workshop_window.meeting_view.detail
    assert detail is not None
    assert "<b>Co-animation</b>\u00a0: Métropole, Ville et CISCA</p>" in meeting_html(detail)
