"""The exported documents open in LibreOffice: headless conversion to PDF succeeds."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from test_exports_data import build_sample, open_db

from alliance_desktop.exports.minutes import write_minutes, write_summary
from alliance_desktop.exports.report import write_report

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")
pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed")


def to_pdf(documents: list[Path], outdir: Path) -> list[Path]:
    assert SOFFICE is not None
    # A profile of its own: a LibreOffice already running (or a parallel test) would
    # otherwise take the job and this process would return without converting anything.
    profile = (outdir / "profile").resolve().as_uri()
    proc = subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(outdir),
            *map(str, documents),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    pdfs = [outdir / (d.stem + ".pdf") for d in documents]
    for pdf in pdfs:
        assert pdf.exists(), proc.stdout + proc.stderr
        assert pdf.read_bytes().startswith(b"%PDF")
    return pdfs


def pages(pdf: Path) -> int:
    if shutil.which("pdfinfo"):
        out = subprocess.run(
            ["pdfinfo", str(pdf)], capture_output=True, text=True, check=True
        ).stdout
        return int(re.search(r"^Pages:\s+(\d+)", out, re.MULTILINE).group(1))  # type: ignore[union-attr]
    return len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))


def test_minutes_summary_and_report_convert(tmp_path: Path) -> None:
    from alliance_desktop.services.demo import write_demo

    sample = build_sample(tmp_path / "sample.sqlite3")
    demo = tmp_path / "demo.sqlite3"
    write_demo(demo)
    docs = tmp_path / "docs"
    docs.mkdir()
    db = open_db(sample.path)
    try:
        minutes = write_minutes(db, sample.main, docs / "compte-rendu.docx")
        summary = write_summary(db, sample.main, docs / "synthese.docx")
    finally:
        db.close()
    db = open_db(demo)
    try:
        from alliance_desktop.exports.queries import find_session

        rich = write_minutes(db, find_session(db, "5"), docs / "compte-rendu-5.docx")
        rich_summary = write_summary(db, find_session(db, "5"), docs / "synthese-5.docx")
        report = write_report(db, 2024, docs / "rapport-2024.docx")
    finally:
        db.close()
    pdfs = to_pdf([minutes, summary, rich, rich_summary, report], tmp_path / "pdf")
    counts = dict(
        zip(["minutes", "summary", "rich", "rich_summary", "report"], map(pages, pdfs), strict=True)
    )
    assert counts["summary"] == 1
    assert counts["rich_summary"] == 1
    assert counts["minutes"] >= 2
    assert counts["report"] > counts["rich"]
