"""Indicateurs: catalogue, new indicator, the three shapes of objective, validation, undo."""

from __future__ import annotations

import uuid

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QMessageBox, QTableView
from pytestqt.modeltest import ModelTester
from sqlalchemy import select

from alliance_desktop.core import enums as e
from alliance_desktop.storage.database import Database
from alliance_desktop.storage.models import Indicator, Objective
from alliance_desktop.ui.indicators_tab import OBJ_VALIDATED, IndicatorsTab, parse_number
from alliance_desktop.ui.main_window import MainWindow

from .keys import press, type_text

pytestmark = pytest.mark.gui


@pytest.fixture
def tab(workshop_window: MainWindow) -> IndicatorsTab:
    """The indicators of the GES workshop (one indicator, its 787 kt objective)."""
    workshop_window.select_row(2)
    assert workshop_window.open_workshop("indicators")
    tab = workshop_window.workshop().indicators
    assert tab.filter.hasFocus()
    return tab


def _objectives(db: Database) -> dict[uuid.UUID, tuple[str, e.ObjectiveKind, bool]]:
    with db.read() as s:
        return {o.id: (o.indicator.name, o.kind, o.validated) for o in s.scalars(select(Objective))}


def test_catalogue_and_objectives_of_the_session(tab: IndicatorsTab) -> None:
    assert tab.catalogue_model.index(0, 0).data() == "Émissions de GES par secteur · 1 objectif"
    assert tab.objectives_model.index(0, 1).data() == "787 kt CO2e en 2030"
    validated = tab.objectives_model.index(0, OBJ_VALIDATED)
    assert validated.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    type_text("secteur")
    assert tab.proxy.rowCount() == 1
    type_text(" inconnu")
    assert tab.proxy.rowCount() == 0


def test_validate_in_the_session_and_undo(tab: IndicatorsTab, db: Database) -> None:
    index = tab.objectives_model.index(0, OBJ_VALIDATED)
    assert tab.objectives_model.setData(
        index, Qt.CheckState.Checked.value, Qt.ItemDataRole.CheckStateRole
    )
    assert [v[2] for v in _objectives(db).values()] == [True]
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    tab.context.stack.undo()
    assert [v[2] for v in _objectives(db).values()] == [False]


def test_new_indicator_with_a_change_objective(tab: IndicatorsTab, db: Database) -> None:
    tab.new_name.setFocus()
    type_text("Part modale du vélo (« trajets domicile–travail »)")
    tab.new_unit.setFocus()
    type_text("%")
    tab.new_name.setFocus()
    press(Qt.Key.Key_Return)
    selected = tab.selected()
    assert selected is not None
    assert selected.name == "Part modale du vélo (« trajets domicile–travail »)"
    assert tab.target_value.hasFocus()
    with db.read() as s:
        ind = s.scalar(select(Indicator).where(Indicator.name.like("Part modale%")))
        assert ind is not None
        assert ind.adopted_in_id == tab.context.meeting_id
        assert ind.theme.code == e.Theme.GES
    tab.kind_change.setChecked(True)
    assert not tab.target_value.isEnabled() and tab.change_percent.isEnabled()
    tab.change_percent.setText("+50")
    tab.baseline.setValue(2019)
    tab.horizon.setValue(2030)
    tab.source.setText("PDM")
    assert tab.save()
    texts = [tab.objectives_model.index(r, 1).data() for r in range(2)]
    assert any("2019" in text and "2030" in text for text in texts)
    stored = {name: (kind, validated) for name, kind, validated in _objectives(db).values()}
    assert stored[selected.name] == (e.ObjectiveKind.CHANGE, True)
    assert (
        tab.catalogue_model.index(tab.catalogue_model.row_of(selected.id), 0)
        .data()
        .endswith("· 1 objectif")
    )


def test_direction_objective_and_refusals(
    tab: IndicatorsTab, db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warnings.append(text))
    tab.catalogue_view.setCurrentIndex(tab.proxy.index(0, 0))
    tab.target_value.setText("787")
    assert not tab.save()  # no horizon
    assert warnings[-1] == "Une valeur cible demande la valeur et l'année d'horizon."
    tab.target_value.setText("beaucoup")
    tab.horizon.setValue(2030)
    assert not tab.save()
    assert "n'est pas un nombre" in warnings[-1]
    tab.kind_direction.setChecked(True)
    tab.direction.setCurrentIndex(tab.direction.findData(e.Direction.DOWN.value))
    tab.validated.setChecked(False)
    assert tab.save()
    kinds = sorted((kind, validated) for _, kind, validated in _objectives(db).values())
    assert kinds == sorted([(e.ObjectiveKind.TARGET, False), (e.ObjectiveKind.DIRECTION, False)])
    texts = {tab.objectives_model.index(r, 1).data() for r in range(2)}
    assert "Diminution" in texts


def test_correct_delete_and_undo(tab: IndicatorsTab, db: Database) -> None:
    (objective_id,) = _objectives(db)
    tab.edit_objective(0)
    assert tab.target_value.text() == "787"
    assert tab.horizon.value() == 2030
    tab.target_value.setText("700")
    tab.wording.clear()
    assert tab.save()
    assert tab.objectives_model.index(0, 1).data() == "700\u00a0kt CO2e à l'horizon 2030"
    assert list(_objectives(db)) == [objective_id]  # the same objective, corrected
    tab.objectives_view.setFocus()
    tab.objectives_view.setCurrentIndex(tab.objectives_model.index(0, 1))
    press(Qt.Key.Key_Delete)
    assert _objectives(db) == {}
    assert tab.objectives_model.rowCount() == 0
    tab.context.stack.undo()
    assert list(_objectives(db)) == [objective_id]
    tab.context.stack.undo()
    assert tab.objectives_model.index(0, 1).data() == "787 kt CO2e en 2030"


def test_parse_number() -> None:
    assert parse_number("1 234,5") == 1234.5
    assert parse_number("−69 %") == -69
    assert parse_number("") is None


def test_models_pass_qt_checks(qtmodeltester: ModelTester, tab: IndicatorsTab) -> None:
    qtmodeltester.check(tab.catalogue_model)  # type: ignore[no-untyped-call]
    qtmodeltester.check(tab.objectives_model)  # type: ignore[no-untyped-call]
    qtmodeltester.check(tab.proxy)  # type: ignore[no-untyped-call]


def _shown_whole(view: QTableView, row: int, column: int) -> bool:
    """Whether the cell's whole text fits its width and height (wrapped if need be)."""
    text = view.model().index(row, column).data()
    width = view.horizontalHeader().sectionSize(column) - 8  # the cell's margins
    needed = view.fontMetrics().boundingRect(
        QRect(0, 0, width, 10_000), int(Qt.TextFlag.TextWordWrap), text
    )
    return needed.width() <= width and needed.height() <= view.rowHeight(row)


def test_long_indicator_names_are_read_whole(
    tab: IndicatorsTab, workshop_window: MainWindow
) -> None:
    workshop_window.resize(1280, 800)
    name = "Consommation d'eau potable par habitant et par jour, hors usages agricoles"
    tab.new_name.setText(name)
    tab.new_unit.setText("m³/hab/an")
    tab.add_indicator()
    tab.target_value.setText("45,5")
    tab.horizon.setValue(2030)
    assert tab.save()
    catalogue = tab.catalogue_view
    selected = tab.selected()
    assert selected is not None
    row = tab.proxy.mapFromSource(
        tab.catalogue_model.index(tab.catalogue_model.row_of(selected.id), 0)
    ).row()
    assert _shown_whole(catalogue, row, 0)
    assert _shown_whole(catalogue, row, 1)  # the unit, added after the catalogue was sized
    objectives = tab.objectives_view
    row = next(
        r
        for r in range(tab.objectives_model.rowCount())
        if tab.objectives_model.index(r, 0).data() == name
    )
    assert _shown_whole(objectives, row, 0)
    assert _shown_whole(objectives, row, 1)


def test_change_placeholder_reads_as_an_example(tab: IndicatorsTab) -> None:
    assert tab.change_percent.placeholderText().startswith("ex.")
