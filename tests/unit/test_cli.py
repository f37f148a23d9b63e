"""The command line: exit codes, plain messages, and files left untouched."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from alliance_desktop import cli
from alliance_desktop.core.i18n import set_language
from alliance_desktop.storage.database import open_database


def run(args: list[str], home: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, ALLIANCE_DESKTOP_HOME=str(home), QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-m", "alliance_desktop", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )


def assert_one_plain_sentence(proc: subprocess.CompletedProcess[str]) -> None:
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, proc.stderr


@pytest.mark.parametrize(
    "content",
    [b"", b"PK\x03\x04 a zip file, not a database" * 20],
    ids=["empty", "zip"],
)
def test_bad_db_file_exits_1_with_one_sentence_and_unchanged(
    tmp_path: Path, content: bytes
) -> None:
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(content)
    for args in (["--db", str(bad)], ["check", "--db", str(bad)]):
        proc = run(args, tmp_path / "home")
        assert_one_plain_sentence(proc)
        assert bad.read_bytes() == content


def test_directory_as_db(tmp_path: Path) -> None:
    proc = run(["--db", str(tmp_path)], tmp_path / "home")
    assert_one_plain_sentence(proc)
    assert "dossier" in proc.stderr


def test_newer_database_is_refused_by_gui_and_check(tmp_path: Path) -> None:
    path = tmp_path / "newer.sqlite3"
    open_database(path).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE alembic_version SET version_num = '0042_from_the_future'")
    con.commit()
    con.close()
    before = path.read_bytes()
    for args in (["--db", str(path)], ["check", "--db", str(path)]):
        proc = run(args, tmp_path / "home")
        assert_one_plain_sentence(proc)
        assert "plus récente" in proc.stderr
        assert path.read_bytes() == before


def test_english_messages(tmp_path: Path) -> None:
    proc = run(["--lang", "en", "check", "--db", str(tmp_path / "missing.sqlite3")], tmp_path)
    assert_one_plain_sentence(proc)
    assert "does not exist" in proc.stderr


def test_check_reports_ok_and_leaves_file_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "ok.sqlite3"
    open_database(path).close()
    before = path.read_bytes()
    assert cli.main(["check", "--db", str(path)]) == 0
    assert "intégrité vérifiée" in capsys.readouterr().out
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ok.sqlite3"]


def test_check_reports_corruption(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "damaged.sqlite3"
    db = open_database(path)
    db.close()
    # Damage the b-tree header of every page after the schema page.
    data = bytearray(path.read_bytes())
    page = 4096
    assert len(data) > 3 * page
    for start in range(page, len(data), page):
        data[start : start + 8] = b"\xff" * 8
    path.write_bytes(bytes(data))
    code = cli.main(["check", "--db", str(path)])
    out = capsys.readouterr()
    assert code == 1
    assert "Traceback" not in out.err + out.out


def test_usage_error_exits_2(tmp_path: Path) -> None:
    proc = run(["frobnicate"], tmp_path)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["--version"])
    assert exc.value.code == 0
    assert "alliance-desktop" in capsys.readouterr().out


def test_usage_errors_and_help_in_french(tmp_path: Path) -> None:
    proc = run(["export"], tmp_path)
    assert proc.returncode == 2
    assert "arguments obligatoires manquants" in proc.stderr
    assert "utilisation :" in proc.stderr
    helped = run(["--help"], tmp_path)
    assert "afficher cette aide et quitter" in helped.stdout
    english = run(["--lang", "en", "export"], tmp_path)
    assert "the following arguments are required" in english.stderr


def test_refused_language_and_year_are_explained_in_french(tmp_path: Path) -> None:
    proc = run(["--lang", "de"], tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.startswith("utilisation : ")
    assert "choix invalide : « de »" in proc.stderr
    assert "usage:" not in proc.stderr and "invalid choice" not in proc.stderr
    proc = run(["export", "report", "--year", "abc", "-o", str(tmp_path / "r.docx")], tmp_path)
    assert proc.returncode == 2
    last = proc.stderr.strip().splitlines()[-1]
    assert last == (
        "Erreur d'utilisation : argument --year : « abc » n'est pas une année : "
        "écrivez-la en quatre chiffres (2024)."
    )
    english = run(["--lang", "en", "export", "report", "--year", "abc", "-o", "r.docx"], tmp_path)
    assert "“abc” is not a year" in english.stderr and "année" not in english.stderr


def test_unknown_table_is_a_usage_error(tmp_path: Path) -> None:
    proc = run(["export", "table", "foo", "-o", str(tmp_path / "t.csv")], tmp_path)
    assert proc.returncode == 2
    assert "choix invalide : « foo » (choisir parmi 'attendance', 'points'" in proc.stderr


def _helps(lang: str, capsys: pytest.CaptureFixture[str]) -> str:
    """Every help page of the command line, in ``lang``."""
    pages = [[], *([name] for name, *_ in cli.COMMANDS)]
    pages += [["import", kind] for kind in ("measurements", "people", "survey")]
    pages += [["person", action] for action in ("export", "erase")]
    pages += [["export", what] for what in ("minutes", "summary", "report", "table")]
    text = ""
    for page in pages:
        with pytest.raises(SystemExit):
            cli.main(["--lang", lang, *page, "--help"])
        text += capsys.readouterr().out
    return text


def test_help_speaks_one_language(capsys: pytest.CaptureFixture[str]) -> None:
    try:
        french = _helps("fr", capsys)
        english = _helps("en", capsys)
    finally:
        set_language("fr")
    assert "--db FICHIER" in french and "-o FICHIER" in french and "--year AAAA" in french
    for word in ("PATH", "FILE", "DIR", "BACKUP", "usage:", "YYYY"):
        assert word not in french, word
    assert "--db FILE" in english and "-o FILE" in english and "--year YYYY" in english
    for word in ("FICHIER", "COMMANDE", "MODÈLE", "AAAA", "NUMÉRO", "COURRIEL", "DOSSIER"):
        assert word not in english, word
