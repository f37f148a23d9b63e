"""The sync, merge, backup and restore commands: reports on stdout, one sentence on failure."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from alliance_desktop import cli
from alliance_desktop.core.i18n import set_language
from alliance_desktop.storage.database import open_database
from alliance_desktop.storage.models import Meeting


@pytest.fixture(autouse=True)
def french() -> None:
    set_language("fr")


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def make_db(path: Path, title: str) -> None:
    db = open_database(path)
    with db.session() as s:
        s.add(Meeting(date=dt.date(2024, 3, 11), title=title))
    db.close()


def test_sync_creates_joins_and_reports_per_facilitator(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shared = tmp_path / "OneDrive" / "Alliance"
    shared.mkdir(parents=True)
    a, b = tmp_path / "a.sqlite3", tmp_path / "b.sqlite3"
    make_db(a, "Atelier d'Anne")
    code, out, _err = run(
        capsys, "sync", "--shared", str(shared), "--db", str(a), "--author", "Anne"
    )
    assert code == 0 and "Espace partagé créé" in out
    code, out, _err = run(
        capsys, "sync", "--shared", str(shared), "--db", str(b), "--author", "Bruno"
    )
    assert code == 0 and "Espace partagé rejoint" in out
    make_db(b, "Atelier de Bruno")
    assert run(capsys, "sync", "--shared", str(shared), "--db", str(b))[0] == 0
    code, out, _err = run(capsys, "sync", "--shared", str(shared), "--db", str(a))
    assert code == 0
    assert "Bruno" in out and "1 ajout(s)" in out


def test_sync_to_a_missing_folder_is_one_sentence_and_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "a.sqlite3"
    make_db(db, "x")
    code, out, err = run(capsys, "sync", "--shared", str(tmp_path / "absent"), "--db", str(db))
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and "introuvable" in err and "Traceback" not in err


def test_sync_needs_the_shared_folder_argument(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["sync"])
    assert exc.value.code == 2


def test_merge_backup_restore(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    monkey_home = tmp_path
    a, other = monkey_home / "a.sqlite3", monkey_home / "autre.sqlite3"
    make_db(a, "ici")
    make_db(other, "reçu par courriel")
    code, out, _err = run(capsys, "merge", str(other), "--db", str(a))
    assert code == 0 and "Fichier fusionné" in out
    code, out, _err = run(capsys, "backup", "--db", str(a))
    assert code == 0 and "Sauvegarde vérifiée" in out
    saved = Path(out.split(" : ", 1)[1].strip())
    assert saved.is_file()
    make_db(a, "après la sauvegarde")
    code, out, _err = run(capsys, "restore", str(saved), "--db", str(a))
    assert code == 0 and "restaurée" in out
    db = open_database(a)
    with db.read() as s:
        titles = sorted(m.title for m in s.query(Meeting))
    db.close()
    assert titles == ["ici", "reçu par courriel"]


def test_merge_of_a_missing_file_and_backup_of_a_missing_db_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    a = tmp_path / "a.sqlite3"
    make_db(a, "x")
    code, _out, err = run(capsys, "merge", str(tmp_path / "absent.sqlite3"), "--db", str(a))
    assert code == 1 and "n'existe pas" in err
    code, _out, err = run(capsys, "backup", "--db", str(tmp_path / "nulle-part.sqlite3"))
    assert code == 1 and "n'existe pas" in err
    code, _out, err = run(capsys, "restore", str(tmp_path / "absente.sqlite3"), "--db", str(a))
    assert code == 1 and "n'existe pas" in err
