"""The measurement import dialog: read on a worker thread, preview, rejected rows, import."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from alliance_desktop.imports import measurements as im
from alliance_desktop.services.demo import write_demo
from alliance_desktop.storage.database import Database, open_database
from alliance_desktop.storage.models import Measurement
from alliance_desktop.ui.indicators import import_dialog
from alliance_desktop.ui.indicators.import_dialog import MeasurementImportDialog

from .helpers import QtMessages

pytestmark = pytest.mark.gui

GES = "Émissions de gaz à effet de serre par secteur"
AIR = "Émissions des 6 polluants réglementaires"
LAND = "Consommation d'espaces naturels et agricoles"


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
    path = tmp_path / "demo.sqlite3"
    path.write_bytes(demo_file.read_bytes())
    db = open_database(path)
    yield db
    db.close()


@pytest.fixture
def dialog(qtbot: QtBot, demo: Database, tmp_path: Path) -> MeasurementImportDialog:
    d = MeasurementImportDialog(demo, start_dir=tmp_path)
    qtbot.addWidget(d)
    d.show()
    return d


def _csv(tmp_path: Path, lines: list[str], encoding: str = "cp1252") -> Path:
    path = tmp_path / "mesures.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode(encoding))
    return path


GOOD_AND_BAD = [
    "Indicateur;Année;Valeur;Unité;Ventilation;Source",
    f"{GES};2023;512,3;kt CO2e;Transport;ORCAE",
    f"{AIR};2005;3 120;t;NOx;ATMO Auvergne-Rhône-Alpes",
    f"{LAND};2024;n.d.;ha/an;;",
    f"{GES};2023;298;kt CO2e;Fret;ORCAE",
]


def _wait_idle(qtbot: QtBot, d: MeasurementImportDialog) -> None:
    qtbot.waitUntil(lambda: not d.busy, timeout=20_000)


def test_preview_lists_accepted_and_rejected_rows(
    qtbot: QtBot, dialog: MeasurementImportDialog, tmp_path: Path, qtmodeltester: ModelTester
) -> None:
    dialog.load_file(_csv(tmp_path, GOOD_AND_BAD))
    _wait_idle(qtbot, dialog)
    plan = dialog.plan
    assert plan is not None
    assert dialog.accepted_model.rowCount() == 2
    assert dialog.rejected_model.rowCount() == 2
    qtmodeltester.check(dialog.accepted_model)  # type: ignore[no-untyped-call]
    qtmodeltester.check(dialog.rejected_model)  # type: ignore[no-untyped-call]
    assert dialog.tabs.tabText(0) == "Lignes acceptées (2)"
    assert dialog.tabs.tabText(1) == "Lignes refusées (2)"
    assert dialog.tabs.currentIndex() == 1  # the rejected rows are shown first
    rejected = [[dialog.rejected_model.index(r, c).data() for c in range(2)] for r in range(2)]
    assert rejected[0] == ["4", "valeur « n.d. » non numérique"]
    assert rejected[1][0] == "5" and "« Fret » inconnue" in rejected[1][1]
    nox = [dialog.accepted_model.index(1, c).data() for c in range(6)]
    assert nox == ["3", AIR, "2005", "NOx", "3\u202f120", "remplace 4\u202f800"]
    summary = dialog.summary.text()
    assert "2 ligne(s) acceptée(s) — 1 nouvelle(s), 1 remplaçant une valeur" in summary
    assert "les lignes refusées ne sont pas importées" in summary
    assert dialog.import_button.isEnabled()
    assert dialog.import_button.text() == "&Importer 2 ligne(s)"


def test_import_writes_every_accepted_row_at_once(
    qtbot: QtBot, dialog: MeasurementImportDialog, demo: Database, tmp_path: Path
) -> None:
    dialog.load_file(_csv(tmp_path, GOOD_AND_BAD))
    _wait_idle(qtbot, dialog)
    with qtbot.waitSignal(dialog.imported, timeout=20_000) as signal:
        dialog.import_button.click()
        # While the rows are written the dialog cannot be closed half-way.
        assert dialog.writing and not dialog.close_button.isEnabled()
        dialog.reject()
        assert dialog.isVisible()
    _wait_idle(qtbot, dialog)
    done = signal.args[0]
    assert (done.inserted, done.updated, done.unchanged) == (1, 1, 0)
    assert "1 mesure(s) ajoutée(s), 1 remplacée(s)" in dialog.summary.text()
    assert not dialog.import_button.isEnabled()
    with demo.read() as s:
        nox = s.scalar(
            select(Measurement).where(Measurement.year == 2005, Measurement.breakdown_key == "NOx")
        )
        assert nox is not None and (nox.value, nox.illustrative) == (3120.0, False)
    dialog.reject()
    assert not dialog.isVisible()


def test_reading_runs_on_a_worker_thread(
    qtbot: QtBot,
    dialog: MeasurementImportDialog,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    threads: list[threading.Thread] = []
    release = threading.Event()

    def slow_plan(db: Database, path: Path) -> im.ImportPlan:
        threads.append(threading.current_thread())
        # Holds the worker until the GUI thread has shown it is still answering.
        release.wait(10)
        return im.plan_import(db, path)

    monkeypatch.setattr(import_dialog, "plan_import", slow_plan)
    dialog.load_file(_csv(tmp_path, GOOD_AND_BAD))
    assert dialog.busy and dialog.progress.isVisible()
    # The event loop keeps turning while the file is read.
    qtbot.wait(50)
    assert dialog.summary.text() == "Lecture de « mesures.csv »…"
    release.set()
    _wait_idle(qtbot, dialog)
    assert threads and threads[0] is not threading.main_thread()
    assert dialog.plan is not None and not dialog.progress.isVisible()


def test_a_file_that_cannot_be_read_is_explained(
    qtbot: QtBot, dialog: MeasurementImportDialog, tmp_path: Path
) -> None:
    empty = tmp_path / "vide.csv"
    empty.write_bytes(b"")
    dialog.load_file(empty)
    _wait_idle(qtbot, dialog)
    assert dialog.summary.text() == "« vide.csv » est vide."
    assert not dialog.import_button.isEnabled()
    assert dialog.accepted_model.rowCount() == 0


def test_a_newer_file_wins_over_a_slower_older_one(
    qtbot: QtBot,
    dialog: MeasurementImportDialog,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    release = threading.Event()
    first = _csv(tmp_path, GOOD_AND_BAD)
    second = tmp_path / "autre.csv"
    second.write_text(f"Indicateur;Année;Valeur\n{LAND};2024;31\n", encoding="utf-8")

    def plan(db: Database, path: Path) -> im.ImportPlan:
        if path == first:
            release.wait(10)
        return im.plan_import(db, path)

    monkeypatch.setattr(import_dialog, "plan_import", plan)
    dialog.load_file(first)
    dialog.load_file(second)
    qtbot.waitUntil(lambda: dialog.plan is not None, timeout=20_000)
    release.set()
    _wait_idle(qtbot, dialog)
    assert dialog.plan is not None and dialog.plan.table.path == second
    assert dialog.accepted_model.rowCount() == 1


def test_enter_does_not_import_by_surprise(
    qtbot: QtBot, dialog: MeasurementImportDialog, tmp_path: Path
) -> None:
    dialog.load_file(_csv(tmp_path, GOOD_AND_BAD))
    _wait_idle(qtbot, dialog)
    dialog.accepted_view.setFocus()
    qtbot.keyClick(dialog, Qt.Key.Key_Return)  # type: ignore[no-untyped-call]
    assert not dialog.writing and dialog.applied is None
