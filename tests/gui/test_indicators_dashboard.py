"""The indicators dashboard: Qt models, catalogue and chips, charts, dialogs, menu wiring."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QMenu, QMessageBox
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from alliance_desktop.app import build_main_window
from alliance_desktop.core import enums as e
from alliance_desktop.core.objectives import Status
from alliance_desktop.imports.measurements import AcceptedRow, Action, RejectedRow
from alliance_desktop.services import indicators as si
from alliance_desktop.services.demo import write_demo
from alliance_desktop.storage.database import Database, open_database
from alliance_desktop.storage.models import Indicator, Measurement
from alliance_desktop.ui.indicators import MENU_NAME, IndicatorsMenu, attach
from alliance_desktop.ui.indicators.charts import (
    FrenchAxis,
    chart_png,
    report_chart_renderer,
    series_png,
)
from alliance_desktop.ui.indicators.dashboard import IndicatorDashboard
from alliance_desktop.ui.indicators.dialogs import (
    IndicatorDialog,
    MeasurementDialog,
    ObjectiveDialog,
)
from alliance_desktop.ui.indicators.models import (
    INDICATOR_ID_ROLE,
    STATUS_ROLE,
    AcceptedRowsModel,
    IndicatorListModel,
    MeasurementTableModel,
    MissingListModel,
    ObjectiveTableModel,
    RejectedRowsModel,
    StageTableModel,
)

from .helpers import QtMessages

pytestmark = pytest.mark.gui

TODAY = dt.date(2025, 3, 1)
GES = "Émissions de gaz à effet de serre par secteur"
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(autouse=True)
def offscreen_limits(qt_messages: QtMessages) -> Iterator[None]:
    """Drop what the offscreen platform says it cannot do (raise a window, size hints)."""
    yield
    qt_messages.records[:] = [
        r for r in qt_messages.records if "This plugin does not support" not in r
    ]


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.sqlite3"
    write_demo(path)
    return path


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path) -> Iterator[Database]:
    """A private copy of the demo database (the 2024 year, illustrative values)."""
    path = tmp_path / "demo.sqlite3"
    path.write_bytes(demo_file.read_bytes())
    db = open_database(path)
    yield db
    db.close()


@pytest.fixture
def board(qtbot: QtBot, demo: Database) -> IndicatorDashboard:
    window = IndicatorDashboard(demo, theme=e.Theme.GES, today=TODAY)
    qtbot.addWidget(window)
    window.resize(1366, 740)
    window.show()
    qtbot.waitExposed(window)
    window.ensure_chart()
    return window


def _check(tester: ModelTester, model: object) -> None:
    tester.check(model)  # type: ignore[no-untyped-call]


# --- the Qt models ----------------------------------------------------------------------


def test_every_model_passes_qt_checks(qtmodeltester: ModelTester, demo: Database) -> None:
    ges = si.theme_dashboard(demo, e.Theme.GES, today=TODAY)
    bio = si.theme_dashboard(demo, e.Theme.BIODIVERSITE, today=TODAY)
    state = ges.indicators[0]
    cases: list[tuple[object, object]] = [
        (IndicatorListModel(), bio.indicators),
        (MeasurementTableModel(), None),
        (ObjectiveTableModel(), None),
        (MissingListModel(), bio.missing),
        (MissingListModel(show_theme=True), si.overview(demo, today=TODAY).missing),
        (StageTableModel(), si.overview(demo, today=TODAY).themes),
        (
            AcceptedRowsModel(),
            [AcceptedRow(2, state.info.id, GES, 2023, 1500.5, "Transport", None, Action.NEW)],
        ),
        (RejectedRowsModel(), [RejectedRow(3, "valeur « n.d. » non numérique")]),
    ]
    for model, rows in cases:
        _check(qtmodeltester, model)
        if isinstance(model, MeasurementTableModel):
            model.set_measurements(state.measurements, state.info.unit, state.info.breakdown)
        elif isinstance(model, ObjectiveTableModel):
            model.set_objectives(state.objectives, state.info.unit)
        elif isinstance(model, MissingListModel):
            model.set_items(rows)  # type: ignore[arg-type]
        else:
            model.set_rows(rows)  # type: ignore[attr-defined]
        _check(qtmodeltester, model)


def test_catalogue_and_tables_read_as_the_alliance_writes(demo: Database) -> None:
    state = si.theme_dashboard(demo, e.Theme.GES, today=TODAY).indicators[0]
    catalogue = IndicatorListModel()
    catalogue.set_rows([state])
    row = [catalogue.index(0, c).data() for c in range(3)]
    assert row == [GES, "en retard", "2022 (illustr.)"]
    assert catalogue.index(0, 1).data(STATUS_ROLE) == Status.OFF_TRACK.value
    assert catalogue.index(0, 0).data(INDICATOR_ID_ROLE) == str(state.info.id)
    assert "787\u00a0kt CO2e en 2030" in catalogue.index(0, 1).data(Qt.ItemDataRole.ToolTipRole)
    assert catalogue.index(0, 2).data(Qt.ItemDataRole.ForegroundRole) is not None

    values = MeasurementTableModel()
    values.set_measurements(state.measurements, state.info.unit, state.info.breakdown)
    first = [values.index(0, c).data() for c in range(5)]
    assert first[:3] == ["2022", "Transport", "520\u00a0kt CO2e"]
    assert first[4] == "illustrative"

    objectives = ObjectiveTableModel()
    objectives.set_objectives(state.objectives, state.info.unit)
    assert [objectives.index(0, c).data() for c in range(4)] == [
        "787\u00a0kt CO2e en 2030",
        "SNBC, Fit For 50",
        "29 mai 2024",
        "en retard",
    ]
    assert "baisser de 101" in objectives.index(0, 3).data(Qt.ItemDataRole.ToolTipRole)

    stages = StageTableModel()
    stages.set_rows(si.overview(demo, today=TODAY).themes)
    assert stages.index(0, 0).data() == "GES"
    assert stages.index(0, 2).data() == "● fait · 29 mai 2024"
    assert stages.index(0, 3).data() == "○ pas commencé"
    assert stages.index(4, StageTableModel.NOT_MEASURABLE).data() == "11"


# --- the dashboard ------------------------------------------------------------------------


def test_dashboard_shows_the_theme_and_its_chart(board: IndicatorDashboard) -> None:
    assert board.indicator_model.rowCount() == 1
    assert board.indicator_title.text() == f"{GES} (kt CO2e)"
    assert board.badge.isVisible()
    assert "Atelier 2 sur la réduction des gaz à effet de serre" in (board.indicator_details.text())
    assert board.nothing_missing.isVisible() and not board.missing_view.isVisible()
    assert "baisser de 101" in board.explanation.text()
    chart = board.ensure_chart()
    assert isinstance(chart.chart, si.TrajectoryChart) and chart.chart.stacked
    assert chart.badge_shown
    assert chart.title_text == GES


def test_hovering_a_point_shows_its_value_in_french(board: IndicatorDashboard) -> None:
    chart = board.ensure_chart()
    text = chart.hover_at(chart.scene_pos_of(2022, 1595))
    assert text == "Total · 2022\u00a0: 1\u202f595\u00a0kt CO2e"
    target = chart.hover_at(chart.scene_pos_of(2030, 787))
    assert target is not None and target.startswith("Cible 2030\u00a0: 787\u00a0kt CO2e")
    far = chart.scene_pos_of(2026, 100)
    assert chart.hover_at(far) is None


def test_axes_speak_french() -> None:
    values = FrenchAxis("left")
    assert values.tickStrings([0.0, 1500.0, 2500.0], 1.0, 500.0) == [
        "0",
        "1\u202f500",
        "2\u202f500",
    ]
    assert values.tickStrings([0.25, 0.5], 1.0, 0.25) == ["0,25", "0,50"]
    percent = FrenchAxis("left", percent=True)
    assert percent.tickStrings([-40.0], 1.0, 20.0) == ["−40\u00a0%"]
    years = FrenchAxis("bottom", years=True)
    assert years.tickStrings([2030.0], 1.0, 5.0) == ["2030"]
    levels = years.tickValues(2014.6, 2017.4, 600)
    assert all(v == int(v) for _spacing, ticks in levels for v in ticks)


def test_pollutants_against_prepa_and_ppa_then_one_pollutant(
    board: IndicatorDashboard,
) -> None:
    board.theme_box.setCurrentIndex(list(e.Theme).index(e.Theme.AIR))
    assert board.theme is e.Theme.AIR
    chart = board.ensure_chart()
    assert isinstance(chart.chart, si.TargetsChart)
    texts = [p.text for p in chart.hover_points]
    assert any(t.startswith("NOx — PREPA 2030\u00a0: −69\u00a0%") for t in texts)
    assert [board.view_box.itemText(i) for i in range(board.view_box.count())][:2] == [
        "Vue d'ensemble",
        "NH3",
    ]
    board.view_box.setCurrentIndex(board.view_box.findData("NOx"))
    assert isinstance(chart.chart, si.TrajectoryChart)
    assert [p.horizon for p in chart.chart.paths] == [2030, 2027]
    assert board.objective_model.rowCount() == 10


def test_what_is_missing_leads_to_the_indicator(qtbot: QtBot, board: IndicatorDashboard) -> None:
    board.load_theme(e.Theme.BIODIVERSITE)
    assert board.missing_model.rowCount() == 11
    assert board.missing_view.isVisible()
    last = board.missing_model.index(10, 0)
    board.missing_view.setCurrentIndex(last)
    board.missing_view.activated.emit(last)
    current = board.current_indicator()
    assert current is not None and current.info.name == "Surface des refuges LPO"
    chart = board.ensure_chart()
    assert chart.chart is not None and chart.hover_points == []


def test_overview_tab_and_navigation(board: IndicatorDashboard) -> None:
    board.overview_tab_action.trigger()
    assert board.tabs.currentIndex() == 1
    assert board.stage_model.rowCount() == 7
    assert board.overview_missing_model.rowCount() == 15
    first = board.overview_missing_model.index(0, 0).data()
    assert first == "Eau\u00a0: aucun indicateur n'a encore été choisi."
    board.stage_view.activated.emit(board.stage_model.index(5, 0))
    themes = [board.theme]
    assert board.tabs.currentIndex() == 0
    board.next_theme_action.trigger()
    themes.append(board.theme)
    assert themes == [e.Theme.ARTIFICIALISATION, e.Theme.SOLIDAIRE]
    assert board.current_indicator() is None
    assert not board.type_value_action.isEnabled()


def test_export_the_chart_as_png(board: IndicatorDashboard, tmp_path: Path) -> None:
    written = board.export_chart_to(tmp_path / "ges")
    assert written.name == "ges.png"
    image = QImage(str(written))
    assert (image.width(), image.height()) == (1600, 900)
    # Offscreen, straight from the chart's data: what the yearly report gets.
    state = board.current_indicator()
    assert state is not None
    data = chart_png(si.chart_for(state), width=800, height=450)
    assert data.startswith(PNG)


def test_report_renderer_draws_the_dashboard_chart(demo: Database) -> None:
    from alliance_desktop.exports.queries import build_year_report

    series = build_year_report(demo, 2024).series
    assert series
    render = report_chart_renderer(demo)
    for s in series:
        assert render(s, "fr").startswith(PNG)
    assert series_png(series[0], "en").startswith(PNG)


# --- editing through the dialogs -------------------------------------------------------------


def _fresh_read(db: Database) -> Database:
    return open_database(db.path, create=False)


def test_new_indicator_through_the_dialog_is_committed(
    qtbot: QtBot, board: IndicatorDashboard, demo: Database
) -> None:
    dialog = IndicatorDialog(demo, e.Theme.GES, parent=board)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.name.setText(GES.upper())
    dialog.accept()
    assert dialog.error.isVisible() and "déjà" in dialog.error.text()
    assert dialog.changes is None
    dialog.name.setText("Consommation d'énergie finale")
    dialog.unit.setText("GWh")
    dialog.breakdown_label.setText("secteur")
    dialog.breakdown.setText("Transport; Résidentiel ;")
    dialog.session.setCurrentIndex(1)
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert dialog.changes is not None
    board._after(dialog.changes)
    assert board.indicator_model.rowCount() == 2
    assert board.indicator_title.text() == "Consommation d'énergie finale (GWh)"
    other = _fresh_read(demo)
    try:
        with other.read() as s:
            row = s.scalar(select(Indicator).where(Indicator.name.startswith("Consommation d'é")))
            assert row is not None and row.breakdown == ["Transport", "Résidentiel"]
            assert row.adopted_in_id is not None
    finally:
        other.close()


def test_objective_dialog_follows_the_shape(
    qtbot: QtBot, board: IndicatorDashboard, demo: Database
) -> None:
    state = board.current_indicator()
    assert state is not None
    dialog = ObjectiveDialog(demo, state, parent=board)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.target.isVisible() and not dialog.change.isVisible()
    dialog.kind.setCurrentIndex(1)  # a change against a baseline year
    assert dialog.change.isVisible() and not dialog.target.isVisible()
    dialog.key.setCurrentIndex(dialog.key.findData("Transport"))
    dialog.change.setText("−30")
    dialog.baseline.setValue(2015)
    dialog.accept()
    assert "indiquez" not in dialog.error.text()
    assert dialog.changes is not None
    dialog.kind.setCurrentIndex(2)  # a direction: no years, a required direction
    assert not dialog.horizon.isVisible()
    assert dialog.direction.itemData(0) == e.Direction.UP.value
    board._after(dialog.changes)
    assert board.objective_model.rowCount() == 2
    added = board.objective_model.record(1)
    assert added is not None
    assert added.objective.summary("kt CO2e") == "Transport\u00a0: −30\u00a0% par rapport à 2015"


def test_typed_value_in_french_replaces_the_illustrative_one(
    qtbot: QtBot, board: IndicatorDashboard, demo: Database
) -> None:
    board.load_theme(e.Theme.ARTIFICIALISATION)
    state = board.current_indicator()
    assert state is not None and state.illustrative
    dialog = MeasurementDialog(demo, state, parent=board, default_year=2023)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.value.setText("n.d.")
    dialog.accept()
    assert "n'est pas un nombre" in dialog.error.text()
    dialog.value.setText("1 234,5")
    dialog.source.setText("Observatoire foncier")
    dialog.accept()
    assert dialog.changes is not None
    board._after(dialog.changes)
    state = board.current_indicator()
    assert state is not None
    typed = next(m for m in state.measurements if m.year == 2023)
    assert (typed.value, typed.illustrative) == (1234.5, False)
    assert board.badge.isVisible()  # the other years are still illustrative


def test_deleting_asks_first(
    board: IndicatorDashboard, demo: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    answers = [QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes]
    monkeypatch.setattr(QMessageBox, "question", lambda *_a, **_k: answers.pop(0))
    board.delete_indicator()
    assert board.indicator_model.rowCount() == 1
    board.delete_indicator()
    assert board.indicator_model.rowCount() == 0
    assert board.missing_model.rowCount() == 1
    with demo.read() as s:
        assert s.scalars(select(Measurement)).first() is not None  # other themes keep theirs
        assert s.scalar(select(Indicator).where(Indicator.name == GES)) is None


# --- the menu of the main window ----------------------------------------------------------------


def test_attach_adds_the_menu_and_opens_the_dashboard(
    qtbot: QtBot, demo: Database, tmp_path: Path
) -> None:
    window = build_main_window(demo, features=False)
    qtbot.addWidget(window)
    existing = QMenu("Indicateurs", window.menuBar())
    existing.setObjectName(MENU_NAME)
    window.menuBar().addMenu(existing)
    attach(window)
    attach(window)  # a second call adds nothing
    menus = window.menuBar().findChildren(QMenu, MENU_NAME)
    assert menus == [existing]
    texts = [a.text() for a in existing.actions()]
    assert texts == [
        "&Tableau de bord",
        "&Importer des mesures…",
        "&Modèle de fichier de mesures…",
    ]
    assert existing.actions()[0].shortcut().toString() == "Ctrl+I"
    controller = window.findChild(IndicatorsMenu)
    assert controller is not None
    window.select_row(0)  # the Rencontres: no theme, so the dashboard opens on GES
    existing.actions()[0].trigger()
    dashboard = controller.dashboard
    assert dashboard is not None and dashboard.isVisible()
    assert dashboard.theme is e.Theme.GES
    assert controller.open_dashboard() is dashboard
    window.database_changed.emit(demo)
    assert dashboard.database is demo and dashboard.indicator_model.rowCount() == 1
    assert controller.write_template(tmp_path / "modele.xlsx")
    assert (tmp_path / "modele.xlsx").is_file()
    dialog = controller.open_import()
    assert dialog.isVisible()
    dialog.reject()
    dashboard.close()


def test_attach_imports_neither_pyqtgraph_nor_the_dashboard(tmp_path: Path) -> None:
    code = """
import sys
from pathlib import Path
from alliance_desktop.app import build_main_window, make_application
from alliance_desktop.storage.database import open_database
from alliance_desktop.ui.indicators import attach
db = open_database(Path(sys.argv[1]))
app = make_application()
window = build_main_window(db)
attach(window)
loaded = [m for m in ("pyqtgraph", "alliance_desktop.ui.indicators.dashboard",
                      "alliance_desktop.ui.indicators.charts") if m in sys.modules]
print(",".join(loaded) or "none")
db.close()
"""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "a.sqlite3")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "none"


def test_objective_legend_reads_without_double_brackets(board: IndicatorDashboard) -> None:
    import pyqtgraph as pg

    chart = board.ensure_chart()
    texts = [
        label.text
        for item in chart.ci.items
        if isinstance(item, pg.LegendItem)
        for _sample, label in item.items
    ]
    trajectory = next(text for text in texts if text.startswith("Trajectoire"))
    assert ") (" not in trajectory
    assert trajectory.endswith("— en retard")
