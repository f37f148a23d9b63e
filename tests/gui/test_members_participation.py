"""Participation window and chart, questionnaire view, retention preview, notice and audit log."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from alliance_desktop.core import enums as e
from alliance_desktop.services import members, privacy, survey
from alliance_desktop.storage import reference
from alliance_desktop.storage.database import Database
from alliance_desktop.storage.models import SurveyResponse
from alliance_desktop.ui.members.participation import ParticipationWindow
from alliance_desktop.ui.members.privacy_dialogs import AuditDialog, NoticeDialog, RetentionDialog
from alliance_desktop.ui.members.survey_view import SurveyWindow

pytestmark = pytest.mark.gui

TODAY = dt.date(2025, 3, 1)


def cells(model: object, column: int) -> list[str]:
    from alliance_desktop.ui.members.models import RecordsModel

    assert isinstance(model, RecordsModel)
    return [str(model.index(r, column).data()) for r in range(model.rowCount())]


def test_participation_tables_and_models(
    qtbot: QtBot, qtmodeltester: ModelTester, db: Database
) -> None:
    w = ParticipationWindow(db, today=TODAY)
    qtbot.addWidget(w)
    w.show()
    for model in (
        w.org_model,
        w.kind_model,
        w.session_model,
        w.absent_org_model,
        w.absent_people_model,
        w.missing_model,
    ):
        qtmodeltester.check(model)  # type: ignore[no-untyped-call]
    assert cells(w.org_model, 0) == [
        "Clermont Auvergne Métropole",
        "The Shift Project",
        "Valtom",
    ]
    # The Métropole came to both workshops held; the running one counts as held.
    assert cells(w.org_model, 3)[0] == "2 / 2" and cells(w.org_model, 4)[0] == "100 %"
    assert cells(w.org_model, 4)[2] == "0 %"
    assert w.org_model.index(2, 4).data(Qt.ItemDataRole.BackgroundRole) is not None
    assert cells(w.session_model, 0) == ["29/05/2024", "05/09/2024"]
    assert cells(w.absent_org_model, 0) == ["Valtom"]
    assert cells(w.missing_model, 2) == ["Les agriculteurs"]
    assert "à vérifier" in cells(w.missing_model, 3)[0]
    assert "2 séance(s)" in w.summary.text()
    # Not drawn until its tab is shown.
    assert w.chart is None


def test_participation_chart_is_drawn_on_its_tab(qtbot: QtBot, db: Database) -> None:
    w = ParticipationWindow(db, today=TODAY)
    qtbot.addWidget(w)
    w.show()
    w.tabs.setCurrentIndex(1)
    assert w.chart is not None and w.chart.objectName() == "participationChart"
    import pyqtgraph as pg

    items = w.chart.getPlotItem().items
    bars = [i for i in items if isinstance(i, pg.BarGraphItem)]
    assert len(bars) == 1  # one bar series per kind present (all « autre » here)
    w.months.setValue(1)
    assert w.chart.getPlotItem().items  # redrawn after the filters changed
    w.all_sessions.setChecked(False)
    w.since.setDate(w.since.date().addYears(-10))
    assert w.session_model.rowCount() == 2


def test_survey_window_by_organisation_and_theme(qtbot: QtBot, db: Database) -> None:
    valtom = next(o for o in members.list_organisations(db) if o.name == "Valtom")
    with db.session() as s:
        s.add_all(
            [
                SurveyResponse(
                    organisation_id=valtom.id,
                    theme_id=reference.theme_id(e.Theme.GES),
                    objectives="<b>-30 %</b>",
                    actions="Tri\nCompost",
                ),
                SurveyResponse(organisation_id=valtom.id, objectives="Tout"),
            ]
        )
    w = SurveyWindow(db)
    qtbot.addWidget(w)
    assert w.groups.count() == 1 and w.groups.item(0).text() == "Valtom (2)"
    assert "<b>-30 %</b>" in w.text.toPlainText()  # shown as text, never as markup
    assert "1 organisation(s) ont répondu, dont 1 membre(s) sur 1" in w.synthesis.text()
    w.grouping.setCurrentIndex(1)
    assert [w.groups.item(i).text() for i in range(w.groups.count())] == [
        "Réduire les émissions de gaz à effet de serre (1)",
        "Réponses générales (1)",
    ]
    assert survey.answers(db)


def test_retention_preview_untick_and_erase(qtbot: QtBot, db: Database) -> None:
    d = RetentionDialog(db, today=dt.date(2028, 1, 1))
    qtbot.addWidget(d)
    d.show()
    assert d.months.value() == 36
    assert cells(d.model, 1) == ["Dominique Fictif", "Camille Exemple"]
    assert "&Effacer les 2" in d.apply_button.text()
    d.model.setData(
        d.model.index(0, 0), Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole
    )
    assert "&Effacer les 1" in d.apply_button.text()
    erasure = d.open_erasure()
    assert erasure is not None
    with qtbot.waitSignal(d.erased, timeout=20000):
        erasure.confirm.click()
    assert cells(d.model, 1) == ["Dominique Fictif"]
    d.months.setValue(60)
    assert d.model.rowCount() == 0 and not d.apply_button.isEnabled()
    d.save_months()
    assert privacy.get_retention_months(db) == 60
    audit = AuditDialog(db)
    qtbot.addWidget(audit)
    actions = cells(audit.model, 1)
    assert actions[:2] == ["durée de conservation", "effacement (durée de conservation)"]


def test_notice_is_edited_and_saved(qtbot: QtBot, db: Database) -> None:
    d = NoticeDialog(db)
    qtbot.addWidget(d)
    assert d.editor.toPlainText().startswith("Information sur vos données")
    d.editor.setPlainText("Vos données restent chez nous.")
    d.in_minutes.setChecked(True)
    d.save()
    notice = privacy.get_notice(db)
    assert notice.text == "Vos données restent chez nous." and notice.in_minutes
