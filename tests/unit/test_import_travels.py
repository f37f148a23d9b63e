"""Rows written by the bulk measurement import are logged for sharing, like any edit."""

import sqlite3
from pathlib import Path

import pytest

from alliance_desktop.core import enums as e
from alliance_desktop.imports.measurements import apply, plan_import
from alliance_desktop.storage import reference
from alliance_desktop.storage.database import open_database
from alliance_desktop.storage.models import Indicator


def test_imported_and_replaced_values_are_in_the_change_log(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALLIANCE_DESKTOP_HOME", str(tmp_path))
    path = tmp_path / "a.sqlite3"
    db = open_database(path)
    with db.session() as s:
        s.add(
            Indicator(
                theme_id=reference.theme_id(e.Theme.ARTIFICIALISATION),
                name="Consommation d'espaces naturels et agricoles",
                unit="ha/an",
            )
        )
    csv = tmp_path / "mesures.csv"
    header = "Indicateur;Année;Valeur;Unité\n"
    name = "Consommation d'espaces naturels et agricoles"
    csv.write_text(header + f"{name};2021;41,5;ha/an\n{name};2022;38;ha/an\n", encoding="utf-8")
    apply(db, plan_import(db, csv))
    csv.write_text(header + f"{name};2022;37;ha/an\n", encoding="utf-8")
    apply(db, plan_import(db, csv))
    db.close()
    con = sqlite3.connect(path)
    try:
        ids = [r[0] for r in con.execute("SELECT id FROM measurement ORDER BY year")]
        assert len(ids) == 2
        logged = {
            row_id: n
            for row_id, n in con.execute(
                "SELECT row_id, count(*) FROM sync_change WHERE table_name = 'measurement' "
                "GROUP BY row_id"
            )
        }
    finally:
        con.close()
    assert set(logged) == set(ids)
    # the 2022 value was created, then replaced: more records than the untouched 2021 one
    assert logged[ids[1]] > logged[ids[0]]
