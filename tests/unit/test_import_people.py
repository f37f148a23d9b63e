"""Directory import: the file matrix, bad rows with reasons, duplicates never merged silently."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from alliance_desktop.cli import main
from alliance_desktop.core import enums as e
from alliance_desktop.imports.common import ImportFileError
from alliance_desktop.imports.people import TEMPLATE_HEADERS, read_people, split_full_name
from alliance_desktop.services import members, people_import
from alliance_desktop.services.people_import import Action, Decision
from alliance_desktop.storage.database import Database, open_database
from alliance_desktop.storage.models import Attendance, Meeting, Organisation, Person

HEADER = ["Organisation", "Type d'organisation", "Membre", "Membre depuis", "Prénom", "Nom",
          "E-mail", "Téléphone", "Code postal"]  # fmt: skip
ROWS = [
    ["Valtom", "service public", "oui", "06/02/2024", "Camille", "Exemple",
     "Camille.Exemple@Exemple.org", "0473000000", "03100"],
    ["Valtom", "", "", "", "NA", "None", "", "04 73 11 22 33", ""],
    ["Vélocité 63", "association", "non", "2023", "Dominique", "Fictif", "", "", "63000"],
]  # fmt: skip


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "alliance.sqlite3")
    yield database
    database.close()


def write_csv(path: Path, rows: list[list[str]], sep: str = ";", encoding: str = "utf-8") -> Path:
    def cell(c: str) -> str:
        return f'"{c}"' if sep in c or '"' in c else c

    text = "\r\n".join(sep.join(cell(c) for c in r) for r in rows) + "\r\n"
    path.write_bytes(text.encode(encoding))
    return path


def people(db: Database) -> dict[str, Person]:
    with db.read() as s:
        return {f"{p.first_name} {p.last_name}": p for p in s.scalars(select(Person))}


def org(db: Database, name: str) -> Organisation:
    with db.read() as s:
        found = s.scalar(select(Organisation).where(Organisation.name == name))
        assert found is not None
        return found


def import_all(db: Database, path: Path, merge: bool = False) -> people_import.ApplyResult:
    plan = people_import.plan_import(db, path)
    return people_import.apply(db, plan, plan.decisions(Decision.MERGE if merge else Decision.SKIP))


# -- the file matrix -------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("sep", [";", ","])
def test_csv_matrix(db: Database, tmp_path: Path, encoding: str, sep: str) -> None:
    path = write_csv(tmp_path / "annuaire.csv", [HEADER, *ROWS], sep, encoding)
    done = import_all(db, path)
    assert done.people_created == 3 and done.organisations_created == 2
    got = people(db)
    camille = got["Camille Exemple"]
    # Leading zeros kept, addresses compared lower case, NA and None are names.
    assert camille.phone == "0473000000"
    assert camille.email == "camille.exemple@exemple.org"
    assert "NA None" in got
    assert got["NA None"].phone == "04 73 11 22 33"
    valtom = org(db, "Valtom")
    assert valtom.kind is e.OrganisationKind.PUBLIC_SERVICE and valtom.is_member
    assert valtom.member_since == dt.date(2024, 2, 6)  # day first
    assert valtom.contact == "03100"
    assert org(db, "Vélocité 63").member_since == dt.date(2023, 1, 1)


def test_headers_are_matched_leniently(db: Database, tmp_path: Path) -> None:
    header = [" ORGANISATION ", "prenom", "NOM DE FAMILLE", "Adresse e-mail", "Tél", "Fonction "]
    path = write_csv(
        tmp_path / "a.csv",
        [header, ["LPO", "Hélène", "Martin", "h@exemple.org", "06 00 00 00 01", "Chargée"]],
    )
    read = read_people(path)
    assert read.rejected == () and read.rows[0].email == "h@exemple.org"
    assert read.rows[0].function == "Chargée" and read.rows[0].phone == "06 00 00 00 01"


def test_form_export_with_extra_columns_and_full_names(db: Database, tmp_path: Path) -> None:
    header = ["Horodateur", "Adresse e-mail", "Nom et prénom", "Structure", "Votre avis"]
    path = write_csv(
        tmp_path / "form.csv",
        [
            header,
            ["28/11/2024 10:45:12", "a@exemple.org", "DUPONT Jean", "Valtom", "bien"],
            ["28/11/2024 10:46:00", "b@exemple.org", "Marie Curie-Test", "CISCA", ""],
        ],
        sep=",",
    )
    plan = people_import.plan_import(db, path)
    assert set(plan.read.table.ignored) == {"Horodateur", "Votre avis"}
    names = [(r.row.first_name, r.row.last_name) for r in plan.rows]
    assert names == [("Jean", "DUPONT"), ("Marie", "Curie-Test")]
    assert split_full_name("Dupont, Jean") == ("Jean", "Dupont")


def _excel(path: Path, rows: list[list[object]], merge: str | None = None) -> Path:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = "Participants"
    ws.append(["Liste des participants 2024"])  # a title above the headers
    ws.append([])
    for r in rows:
        ws.append(r)
    if merge:
        ws.merge_cells(merge)
    book.save(path)
    return path


def test_excel_merged_cells_formulas_and_dates(db: Database, tmp_path: Path) -> None:
    path = _excel(
        tmp_path / "annuaire.xlsx",
        [
            ["Organisation", "Prénom", "Nom", "Téléphone", "Membre depuis", "E-mail"],
            ["Valtom", "Camille", "Exemple", "0473000000", dt.datetime(2024, 2, 6), None],
            [None, "Alex", "Imaginaire", "0600000000", None, None],
            ["CISCA", "Sam", "Fictif", None, None, '=LOWER("SAM")&"@exemple.org"'],
        ],
        merge="A4:A5",  # Valtom spans Camille's and Alex's rows
    )
    read = read_people(path)
    assert [(r.first_name, r.organisation.name if r.organisation else None) for r in read.rows] == [
        ("Camille", "Valtom"),
        ("Alex", "Valtom"),
    ]
    assert read.rows[0].phone == "0473000000"
    assert read.rows[0].organisation is not None
    assert read.rows[0].organisation.member_since == "2024-02-06"
    (rejected,) = read.rejected
    # A formula Excel never computed has no value: flagged, not read as empty.
    assert rejected.line == 6 and "formule sans valeur calculée" in rejected.reason


def test_empty_and_header_only_files_are_refused(db: Database, tmp_path: Path) -> None:
    empty = tmp_path / "vide.csv"
    empty.write_bytes(b"")
    with pytest.raises(ImportFileError, match="vide"):
        people_import.plan_import(db, empty)
    only = write_csv(tmp_path / "entetes.csv", [HEADER])
    with pytest.raises(ImportFileError, match="aucune ligne"):
        people_import.plan_import(db, only)
    other = write_csv(tmp_path / "autre.csv", [["a", "b"], ["1", "2"]])
    with pytest.raises(ImportFileError, match="en-têtes"):
        people_import.plan_import(db, other)


def test_each_bad_row_is_reported_with_its_reasons(db: Database, tmp_path: Path) -> None:
    rows = [
        [*HEADER, "Accepte d'être nommé"],
        ["Valtom", "bidule", "", "", "A", "B", "", "", "", ""],
        ["Valtom", "", "peut-être", "31/02/2024", "C", "D", "", "", "", ""],
        ["Valtom", "", "", "", "E", "F", "pas-une-adresse", "abc", "", "oui"],
        ["", "", "", "", "", "", "g@exemple.org", "", "", ""],
        ["Valtom", "", "", "", "G", "H", "", "", "", "sans doute"],
        ["Valtom", "", "", "", "Bon", "Ligne", "", "", "", "oui"],
    ]
    plan = people_import.plan_import(db, write_csv(tmp_path / "bad.csv", rows))
    reasons = {r.line: r.reason for r in plan.rejected}
    assert "type d'organisation « bidule » inconnu" in reasons[2]
    assert "n'est ni oui ni non" in reasons[3] and "date d'adhésion" in reasons[3]
    assert "adresse électronique" in reasons[4] and "téléphone « abc »" in reasons[4]
    assert "ni organisation ni nom" in reasons[5]
    assert "sans doute" in reasons[6]
    assert [r.row.line for r in plan.rows] == [7]
    done = people_import.apply(db, plan, {})
    assert done.people_created == 1 and people(db)["Bon Ligne"].consent_named


def test_nothing_is_half_imported(
    db: Database, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_csv(tmp_path / "a.csv", [HEADER, *ROWS])
    plan = people_import.plan_import(db, path)

    class Boom(Exception):
        pass

    # A failure at the very end of the transaction (the audit entry) undoes every row.
    def failing(*_a: object, **_k: object) -> None:
        raise Boom

    monkeypatch.setattr(people_import, "add_audit", failing)
    with pytest.raises(Boom):
        people_import.apply(db, plan, {})
    with db.read() as s:
        assert s.scalar(select(func.count()).select_from(Person)) == 0
        assert s.scalar(select(func.count()).select_from(Organisation)) == 0


# -- duplicates --------------------------------------------------------------------------


def test_duplicates_are_proposed_never_merged_silently(db: Database, tmp_path: Path) -> None:
    valtom = members.add_organisation(db, members.OrganisationFields("Valtom")).organisations[0]
    known = members.add_person(
        db,
        members.PersonFields("Camille", "Exemple", valtom.id, email="camille.exemple@exemple.org"),
    ).people[0]
    members.add_person(db, members.PersonFields("Alex", "Imaginaire", valtom.id))
    rows = [
        ["Organisation", "Prénom", "Nom", "E-mail", "Fonction"],
        ["CISCA", "Cam.", "Exemple", " Camille.EXEMPLE@exemple.org ", "Chargée de mission"],
        ["VALTOM", "alex", "IMAGINAIRE", "", "Directeur"],
        ["CISCA", "Sam", "Fictif", "sam@exemple.org", ""],
        ["CISCA", "Samuel", "Fictif", "SAM@exemple.org", "Animateur"],
    ]
    plan = people_import.plan_import(db, write_csv(tmp_path / "a.csv", rows))
    dups = {d.line: d for d in plan.duplicates}
    assert dups[2].same_email and dups[2].existing_id == known.id
    assert not dups[3].same_email and dups[3].existing_id is not None
    assert dups[5].same_email and dups[5].existing_line == 4
    assert plan.count(Action.NEW) == 1

    # No decision: the rows proposed are left out, nothing is merged.
    before = people(db)
    done = people_import.apply(db, plan, {})
    assert (done.people_created, done.people_merged, done.rows_skipped) == (1, 0, 3)
    assert people(db)["Camille Exemple"].function == before["Camille Exemple"].function is None

    # Decided line by line: merge one, create the other separately.
    plan = people_import.plan_import(db, write_csv(tmp_path / "a.csv", rows))
    done = people_import.apply(db, plan, {2: Decision.MERGE, 3: Decision.NEW, 5: Decision.SKIP})
    assert (done.people_created, done.people_merged) == (1, 1)
    after = people(db)
    assert after["Camille Exemple"].function == "Chargée de mission"  # merged into
    assert after["Camille Exemple"].id == known.id
    assert len([p for p in after.values() if p.last_name.lower() == "imaginaire"]) == 2


def test_reimporting_the_same_file_changes_nothing(db: Database, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "a.csv", [HEADER, *ROWS])
    import_all(db, path)
    plan = people_import.plan_import(db, path)
    assert plan.count(Action.UNCHANGED) == 3 and plan.duplicates == []
    assert people_import.apply(db, plan, {}).people_created == 0


def test_merging_two_people_keeps_all_their_attendance(db: Database) -> None:
    valtom = members.add_organisation(db, members.OrganisationFields("Valtom")).organisations[0]
    a = members.add_person(db, members.PersonFields("Camille", "Exemple", valtom.id)).people[0]
    b = members.add_person(
        db, members.PersonFields("C.", "Exemple", valtom.id, email="c@exemple.org")
    ).people[0]
    with db.session() as s:
        ms = [Meeting(date=dt.date(2024, 3, d), title=f"A{d}") for d in (1, 2, 3)]
        s.add_all(ms)
        s.flush()
        present, excused = e.AttendanceStatus.PRESENT, e.AttendanceStatus.EXCUSED
        s.add_all(
            [
                Attendance(meeting_id=ms[0].id, person_id=a.id, status=present),
                Attendance(meeting_id=ms[1].id, person_id=b.id, status=present),
                # Both records for the same session: one row stays, the better status.
                Attendance(meeting_id=ms[2].id, person_id=a.id, status=excused),
                Attendance(meeting_id=ms[2].id, person_id=b.id, status=present),
            ]
        )
    changes = members.merge_people(db, a.id, b.id)
    assert changes.removed_people == (b.id,) and changes.moved_attendance == 2
    with db.read() as s:
        rows = list(s.scalars(select(Attendance)))
        assert {r.person_id for r in rows} == {a.id} and len(rows) == 3
        assert all(r.status is e.AttendanceStatus.PRESENT for r in rows)
        kept = s.get(Person, a.id)
        assert kept is not None and kept.email == "c@exemple.org"
        assert s.get(Person, b.id) is None


# -- command line ----------------------------------------------------------------------


def test_cli_lists_accepted_and_rejected_rows_and_writes_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    dbfile = tmp_path / "a.sqlite3"
    open_database(dbfile).close()
    path = write_csv(tmp_path / "a.csv", [HEADER, *ROWS, ["", "", "", "", "", "", "x", "", ""]])
    assert main(["import", "people", str(path), "--db", str(dbfile), "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "Ligne 2 acceptée" in out and "Ligne 5 refusée" in out and "Simulation" in out
    db = open_database(dbfile)
    try:
        assert people(db) == {}
    finally:
        db.close()
    assert main(["import", "people", str(path), "--db", str(dbfile)]) == 0
    assert "3 personne(s) ajoutée(s)" in capsys.readouterr().out
    # The same people with another phone: proposed, left out without --merge.
    rows = [HEADER, [*ROWS[0][:7], "0600000000", ""]]
    again = write_csv(tmp_path / "b.csv", rows)
    assert main(["import", "people", str(again), "--db", str(dbfile)]) == 0
    out = capsys.readouterr().out
    assert "même adresse électronique" in out and "--merge" in out
    assert main(["import", "people", str(again), "--db", str(dbfile), "--merge"]) == 0
    assert "1 fusionnée(s)" in capsys.readouterr().out
    db = open_database(dbfile)
    try:
        assert people(db)["Camille Exemple"].phone == "0600000000"
    finally:
        db.close()


def test_cli_templates(tmp_path: Path) -> None:
    csv_path, xlsx_path = tmp_path / "modele.csv", tmp_path / "modele.xlsx"
    assert main(["import", "people", "--template", str(csv_path)]) == 0
    assert csv_path.read_bytes().startswith(b"\xef\xbb\xbfOrganisation;")
    assert main(["import", "people", "--template", str(xlsx_path)]) == 0
    ws = load_workbook(xlsx_path).active
    assert ws is not None
    assert tuple(c.value for c in ws[1]) == TEMPLATE_HEADERS
    # A template reads back as a file with headers and no rows.
    with pytest.raises(ImportFileError, match="aucune ligne"):
        read_people(csv_path)
    assert main(["import", "people", "--template", str(tmp_path / "x.txt")]) == 1


def test_cli_nothing_accepted_exits_1(tmp_path: Path) -> None:
    dbfile = tmp_path / "a.sqlite3"
    open_database(dbfile).close()
    path = write_csv(tmp_path / "a.csv", [HEADER, ["", "", "", "", "", "", "x", "", ""]])
    assert main(["import", "people", str(path), "--db", str(dbfile)]) == 1
