"""``alliance-desktop export …``: files written, and plain one-sentence errors with exit 1."""

from __future__ import annotations

from pathlib import Path

import docx
import pandas as pd
import pytest
from test_exports_data import Sample, build_sample, style_name

from alliance_desktop import cli


@pytest.fixture
def sample(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Sample:
    monkeypatch.setenv("ALLIANCE_DESKTOP_HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    return build_sample(tmp_path / "sample.sqlite3")


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = cli.main(args)
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.mark.parametrize("ref", ["29/05/2024", "2024-05-29", "5"])
def test_export_minutes(
    sample: Sample, tmp_path: Path, capsys: pytest.CaptureFixture[str], ref: str
) -> None:
    out = tmp_path / "cr.docx"
    code, stdout, stderr = run(
        ["export", "minutes", "--session", ref, "-o", str(out), "--db", str(sample.path)], capsys
    )
    assert code == 0, stderr
    assert str(out) in stdout
    title = [p.text for p in docx.Document(str(out)).paragraphs if style_name(p) == "Title"]
    assert title == ["Atelier 2 sur la réduction des gaz à effet de serre"]


def test_db_given_before_the_command(
    sample: Sample, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "s.docx"
    code, _, stderr = run(
        ["--db", str(sample.path), "export", "summary", "--session", "5", "-o", str(out)], capsys
    )
    assert code == 0, stderr
    assert out.exists()


def test_export_report_with_template(
    sample: Sample, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    template = tmp_path / "lettre.docx"
    docx.Document().save(str(template))
    out = tmp_path / "rapport.docx"
    code, _, stderr = run(
        [
            "export",
            "report",
            "--year",
            "2024",
            "-o",
            str(out),
            "--db",
            str(sample.path),
            "--template",
            str(template),
        ],
        capsys,
    )
    assert code == 0, stderr
    assert any(style_name(p) == "Heading 1" for p in docx.Document(str(out)).paragraphs)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_tables(
    sample: Sample, tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str
) -> None:
    for name in ("attendance", "points", "notes", "indicators", "measurements"):
        out = tmp_path / f"{name}.{fmt}"
        code, _, stderr = run(
            ["export", "table", name, "--format", fmt, "-o", str(out), "--db", str(sample.path)],
            capsys,
        )
        assert code == 0, stderr
        df = pd.read_csv(out, sep=";", encoding="utf-8-sig") if fmt == "csv" else pd.read_excel(out)
        assert len(df) > 0


def test_table_format_from_extension_and_filters(
    sample: Sample, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "points.xlsx"
    code, _, stderr = run(
        [
            "export",
            "table",
            "points",
            "-o",
            str(out),
            "--db",
            str(sample.path),
            "--session",
            "29/05/2024",
        ],
        capsys,
    )
    assert code == 0, stderr
    assert len(pd.read_excel(out)) == 5


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["export", "minutes", "--session", "42"], "42"),
        (["export", "minutes", "--session", "01/01/2024"], "1 janvier 2024"),
        (["export", "summary", "--session", "2024-13-45"], "2024-13-45"),
        (["export", "summary", "--session", "hier"], "hier"),
        (["export", "report", "--year", "1999"], "1999"),
    ],
)
def test_unknown_session_year_table_exit_1(
    sample: Sample,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    words: str,
) -> None:
    out = tmp_path / "x.docx"
    code, _, stderr = run([*args, "-o", str(out), "--db", str(sample.path)], capsys)
    assert code == 1
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert words in lines[0]
    assert "Traceback" not in stderr
    assert not out.exists()


def test_missing_database_and_folder(
    sample: Sample, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, stderr = run(
        [
            "export",
            "minutes",
            "--session",
            "5",
            "-o",
            str(tmp_path / "x.docx"),
            "--db",
            str(tmp_path / "absent.sqlite3"),
        ],
        capsys,
    )
    assert code == 1 and "absent.sqlite3" in stderr
    assert not (tmp_path / "absent.sqlite3").exists()  # an export never creates a database
    code, _, stderr = run(
        [
            "export",
            "minutes",
            "--session",
            "5",
            "-o",
            str(tmp_path / "no" / "x.docx"),
            "--db",
            str(sample.path),
        ],
        capsys,
    )
    assert code == 1 and len(stderr.strip().splitlines()) == 1


def test_bad_template(sample: Sample, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "modele.docx"
    bad.write_text("pas un document Word")
    code, _, stderr = run(
        [
            "export",
            "minutes",
            "--session",
            "5",
            "-o",
            str(tmp_path / "x.docx"),
            "--db",
            str(sample.path),
            "--template",
            str(bad),
        ],
        capsys,
    )
    assert code == 1
    assert "modele.docx" in stderr and len(stderr.strip().splitlines()) == 1


def test_missing_output_is_a_usage_error(
    sample: Sample, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        cli.main(["export", "minutes", "--session", "5", "--db", str(sample.path)])
    assert exc.value.code == 2


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["export", "table", "people", "-o", "x.csv"], "« people »"),
        (["export", "table", "points", "--format", "ods", "-o", "x.csv"], "« ods »"),
        (["export", "minutes", "--session", "5", "-o", "x.pdf"], ".docx"),
        (["export", "summary", "--session", "5", "-o", "x.odt"], ".docx"),
        (["export", "report", "--year", "2024", "-o", "rapport.pdf"], ".docx"),
        (["export", "table", "points", "-o", "x.ods"], ".csv ou en .xlsx"),
        (["export", "table", "points", "--format", "xlsx", "-o", "x.csv"], ".xlsx"),
    ],
)
def test_unknown_table_format_or_wrong_extension_is_a_usage_error(
    sample: Sample,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    words: str,
) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    monkeypatch.chdir(folder)
    with pytest.raises(SystemExit) as exc:
        cli.main([*args, "--db", str(sample.path)])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    message = err.splitlines()[-1]
    assert message.startswith("Erreur d'utilisation : ")
    assert words in message
    assert "invalid choice" not in err and "usage:" not in err
    assert list(folder.iterdir()) == []  # nothing written, not even a .pdf


def test_a_name_without_extension_gets_the_formats(
    sample: Sample, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(sample.path)
    code, stdout, stderr = run(
        ["export", "minutes", "--session", "5", "-o", str(tmp_path / "cr"), "--db", db], capsys
    )
    assert code == 0, stderr
    assert str(tmp_path / "cr.docx") in stdout
    assert docx.Document(str(tmp_path / "cr.docx")).paragraphs
    # « 29.05.2024 » is part of the name, not an extension.
    code, _, stderr = run(
        ["export", "summary", "--session", "5", "-o", str(tmp_path / "S 29.05.2024"), "--db", db],
        capsys,
    )
    assert code == 0, stderr
    assert (tmp_path / "S 29.05.2024.docx").exists()
    code, _, stderr = run(
        ["export", "table", "points", "--format", "xlsx", "-o", str(tmp_path / "t"), "--db", db],
        capsys,
    )
    assert code == 0, stderr
    assert len(pd.read_excel(tmp_path / "t.xlsx")) == 5


def test_api_refuses_a_document_under_another_extension(sample: Sample, tmp_path: Path) -> None:
    from alliance_desktop.core.errors import KnownError
    from alliance_desktop.exports import api

    folder = tmp_path / "out"
    folder.mkdir()
    with pytest.raises(KnownError, match=r"« x\.pdf » : le compte-rendu s'écrit en document Word"):
        api.export_document("minutes", sample.path, folder / "x.pdf", session="5")
    with pytest.raises(KnownError, match=r"\.xlsx"):
        api.export_workbook(["points"], sample.path, folder / "t.csv")
    assert list(folder.iterdir()) == []


def test_the_command_line_knows_the_exporters_tables() -> None:
    from alliance_desktop.exports import tables

    assert cli.TABLES == tables.TABLES
    assert cli.TABLE_FORMATS == tables.FORMATS
