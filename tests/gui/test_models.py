"""The Qt models: Qt's own consistency checks and what each cell shows."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester

from alliance_desktop.core import enums as e
from alliance_desktop.core.i18n import set_language
from alliance_desktop.services.meetings import MeetingSummary, list_meetings
from alliance_desktop.storage.database import Database
from alliance_desktop.ui.models import MEETING_ID_ROLE, MeetingListModel

pytestmark = pytest.mark.gui


def _summary(**kw: object) -> MeetingSummary:
    values: dict[str, object] = {
        "id": uuid.uuid4(),
        "number": 1,
        "date": dt.date(2024, 5, 29),
        "title": "Atelier",
        "kind": e.SessionKind.WORKSHOP,
        "theme": e.Theme.GES,
        "stage": e.Stage.OBJECTIVES,
        "status": e.SessionStatus.CLOSED,
        "present": 23,
    }
    values.update(kw)
    return MeetingSummary(**values)  # type: ignore[arg-type]


def test_model_passes_qt_checks_empty_and_filled(qtmodeltester: ModelTester, db: Database) -> None:
    model = MeetingListModel()
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]
    model.set_meetings(list_meetings(db))
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]
    model.set_meetings([])
    qtmodeltester.check(model)  # type: ignore[no-untyped-call]


def test_model_rows_read_as_the_alliance_writes(db: Database) -> None:
    model = MeetingListModel()
    model.set_meetings(list_meetings(db))
    assert model.rowCount() == 3
    assert model.columnCount() == 4
    rows = [[model.index(r, c).data() for c in range(4)] for r in range(3)]
    assert rows == [
        ["10 octobre 2024", "Rencontres", "", "0"],
        ["5 septembre 2024", "Air (en cours)", "Objectifs & indicateurs", "1"],
        ["29 mai 2024", "GES", "Objectifs & indicateurs", "2"],
    ]
    assert model.headerData(0, Qt.Orientation.Horizontal) == "Date"
    assert model.index(1, 0).data(Qt.ItemDataRole.FontRole).bold()
    assert model.index(2, 0).data(Qt.ItemDataRole.FontRole) is None
    assert model.index(2, 3).data(Qt.ItemDataRole.AccessibleTextRole) == "2 présents"
    ges = model.meeting(2)
    assert ges is not None
    assert model.index(2, 1).data(MEETING_ID_ROLE) == str(ges.id)
    assert model.row_of(ges.id) == 2
    assert model.row_of(uuid.uuid4()) == -1
    assert model.meeting(3) is None


def test_model_speaks_english() -> None:
    set_language("en")
    model = MeetingListModel()
    model.set_meetings([_summary(status=e.SessionStatus.RUNNING)])
    assert [model.index(0, c).data() for c in range(4)] == [
        "29 May 2024",
        "GHG (running)",
        "Objectives & indicators",
        "23",
    ]
    assert model.headerData(3, Qt.Orientation.Horizontal) == "Present"


def test_workshop_without_theme_is_named_by_its_title() -> None:
    model = MeetingListModel()
    model.set_meetings(
        [
            _summary(theme=None, stage=None, title="Atelier libre"),
            _summary(theme=None, stage=None, kind=e.SessionKind.LAUNCH, title="Lancement"),
        ]
    )
    assert model.index(0, 1).data() == "Atelier libre"
    assert model.index(1, 1).data() == "Lancement"
    assert model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole) == "Atelier libre · 29 mai 2024"
