"""Personal data: access, erasure down to the file's bytes, retention, audit log, notice, CLI."""

from __future__ import annotations

import csv
import datetime as dt
import json
import logging
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from alliance_desktop.cli import main
from alliance_desktop.core import enums as e
from alliance_desktop.core.errors import KnownError
from alliance_desktop.core.paths import data_dir
from alliance_desktop.services import members, privacy
from alliance_desktop.storage import search
from alliance_desktop.storage.database import Database, open_database
from alliance_desktop.storage.members_models import DEFAULT_NOTICE, PersonErasure
from alliance_desktop.storage.models import (
    Attendance,
    HarvestItem,
    ListeningNote,
    Meeting,
    Organisation,
    Person,
    Point,
)

FIRST, LAST, EMAIL, OLD_LAST = "Hélène", "Vasquez-Poirier", "helene.vp@exemple.org", "Poirier"


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Database]:
    database = open_database(tmp_path / "alliance.sqlite3")
    yield database
    database.close()


def fill(db: Database) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID]:
    """A person mentioned everywhere free text can be: points, notes, contacts, harvest."""
    valtom = members.add_organisation(
        db, members.OrganisationFields("Valtom", contact=f"Contact : {FIRST} {OLD_LAST}")
    ).organisations[0]
    person = members.add_person(
        db, members.PersonFields(FIRST, OLD_LAST, valtom.id, email=EMAIL, phone="0473000000")
    ).people[0]
    # A rectified name: the old one is in the change log's history.
    members.update_person(
        db,
        person.id,
        members.PersonFields(FIRST, LAST, valtom.id, email=EMAIL, phone="0473000000"),
    )
    other = members.add_person(db, members.PersonFields("Camille", "Exemple", valtom.id)).people[0]
    with db.session() as s:
        m = Meeting(date=dt.date(2024, 5, 29), title="Atelier GES", number=5)
        s.add(m)
        s.flush()
        s.add_all(
            [
                Attendance(meeting_id=m.id, person_id=person.id, status=e.AttendanceStatus.PRESENT),
                Attendance(meeting_id=m.id, person_id=other.id, status=e.AttendanceStatus.PRESENT),
                Point(
                    meeting_id=m.id,
                    kind=e.PointKind.CONSENSUS,
                    text=f"{FIRST.upper()} {LAST.upper()} propose un covoiturage",
                ),
                Point(meeting_id=m.id, kind=e.PointKind.DISSENT, text="Rien de personnel ici"),
                ListeningNote(
                    meeting_id=m.id,
                    text=f"Écrire à {EMAIL} ; voir avec Mme {LAST}",
                    signed_by_id=person.id,
                ),
                HarvestItem(
                    meeting_id=m.id,
                    column=e.HarvestColumn.WHO_IS_MISSING,
                    text="Les bailleurs sociaux",
                    partner_label=f"{LAST} (Valtom)",
                ),
            ]
        )
        point = s.scalar(select(Point.id).where(Point.kind == e.PointKind.CONSENSUS))
        assert point is not None
    # The text edited again: its older value stays in the history.
    with db.session() as s:
        p = s.get(Point, point)
        assert p is not None
        p.text = f"{FIRST} {LAST} propose un covoiturage (relu)"
    return person.id, other.id, point


def needles() -> list[bytes]:
    words = [FIRST, LAST, EMAIL, OLD_LAST, "vasquez", "helene", "helene.vp"]
    out: list[bytes] = []
    for w in words:
        for variant in (w, w.lower(), w.upper()):
            out += [variant.encode("utf-8"), variant.encode("utf-16-le")]
    return out


def leaks(folder: Path, stem: str = "alliance.sqlite3") -> list[str]:
    found = []
    for f in sorted(folder.glob(f"{stem}*")):
        data = f.read_bytes()
        found += [f"{f.name}: {n!r}" for n in needles() if n in data]
    return found


def test_before_erasure_the_name_is_in_the_file(db: Database, tmp_path: Path) -> None:
    fill(db)
    privacy.compact(db)
    # The check below would be worthless if the name were never there to find.
    assert leaks(tmp_path)


def test_after_erasure_and_vacuum_name_and_email_are_nowhere_in_the_file(
    db: Database, tmp_path: Path
) -> None:
    person, other, _point = fill(db)
    done = privacy.erase_person(db, person, backup_dir=tmp_path / "backups")
    assert done.people == 1 and done.attendance_kept == 1 and done.texts >= 4
    # Checked while the database is still open (its -wal file exists) and after closing.
    assert leaks(tmp_path) == []
    db.close()
    assert leaks(tmp_path) == []
    db2 = open_database(tmp_path / "alliance.sqlite3")
    try:
        with db2.read() as s:
            # The counts are intact: both attendance rows stay, one of them anonymous.
            assert s.scalar(select(func.count()).select_from(Attendance)) == 2
            p = s.get(Person, person)
            assert p is not None and (p.first_name, p.last_name, p.email, p.phone) == (
                "",
                "",
                None,
                None,
            )
            assert not p.consent_named and not p.consent_photo and p.organisation_id
            note = s.scalar(select(ListeningNote))
            assert note is not None and note.signed_by_id is None
            assert note.text == "Écrire à [adresse effacée] ; voir avec Mme [nom effacé]"
            texts = sorted(s.scalars(select(Point.text)))
            assert texts[0] == "Rien de personnel ici"
            assert texts[1] == "[nom effacé] propose un covoiturage (relu)"
            # The other person is untouched.
            assert s.get(Person, other) is not None
            assert s.get(PersonErasure, person) is not None
        with db2.engine.connect() as con:
            assert search.search(con, LAST) == []
            assert search.search(con, "covoiturage") != []
    finally:
        db2.close()
    # The backup taken before the erasure still holds the person: it is what a restore
    # would bring back, which the register of erasures then undoes.
    (backup,) = (tmp_path / "backups").iterdir()
    assert LAST.encode() in backup.read_bytes()


def test_an_erased_person_cannot_be_edited_or_found(db: Database) -> None:
    person, _other, _point = fill(db)
    privacy.erase_person(db, person)
    assert members.find_people(db, LAST) == []
    assert members.get_person(db, person).erased
    with pytest.raises(members.ErasedPerson):
        members.update_person(db, person, members.PersonFields("X", "Y"))
    with pytest.raises(members.ErasedPerson):
        members.set_consent(db, person, named=True)
    # Erasing twice is harmless.
    assert privacy.erase_person(db, person).people == 0


def test_erasure_preview_shows_what_will_change_and_changes_nothing(db: Database) -> None:
    person, _other, _point = fill(db)
    preview = privacy.erasure_preview(db, [person])
    assert preview.attendance == 1 and preview.signed_notes == 1
    tables = {(c.table, c.field) for c in preview.texts}
    assert {("point", "text"), ("listening_note", "text"), ("organisation", "contact")} <= tables
    assert ("harvest_item", "partner_label") in tables
    assert all(LAST not in c.after and EMAIL not in c.after for c in preview.texts)
    assert members.get_person(db, person).last_name == LAST


def test_restoring_an_old_backup_does_not_bring_the_person_back(
    db: Database, tmp_path: Path
) -> None:
    person, _other, _point = fill(db)
    old = tmp_path / "old.sqlite3"
    with db.engine.connect() as con:
        con.exec_driver_sql(f"VACUUM INTO '{old}'")
    privacy.erase_person(db, person)
    db.close()
    # Put the old copy back in place, as a restore does.
    restored = tmp_path / "restored.sqlite3"
    restored.write_bytes(old.read_bytes())
    db2 = open_database(restored)
    try:
        assert members.get_person(db2, person).last_name == LAST
        assert privacy.reapply_erasures(db2) == 1
        assert members.get_person(db2, person).erased
        assert privacy.reapply_erasures(db2) == 0
    finally:
        db2.close()
    assert leaks(tmp_path, "restored.sqlite3") == []
    # The register beside the databases holds ids only.
    register = (data_dir() / privacy.REGISTRY_NAME).read_text("utf-8")
    assert person.hex in register and LAST not in register and EMAIL not in register


def test_access_export_json_and_csv(db: Database, tmp_path: Path) -> None:
    person, _other, _point = fill(db)
    out = privacy.export_person(db, person, tmp_path / "acces.json")
    data = json.loads(out.read_text("utf-8"))
    assert data["person"]["last_name"] == LAST and data["person"]["email"] == EMAIL
    assert data["organisation"]["name"] == "Valtom"
    assert [a["session_date"] for a in data["attendance"]] == ["2024-05-29"]
    assert data["signed_notes"][0]["text"].startswith("Écrire à")
    mentioned = {(m["table"], m["field"]) for m in data["mentions"]}
    assert ("point", "text") in mentioned and ("organisation", "contact") in mentioned
    # The history shows the name as it was before the rectification.
    assert any(h["field"] == "last_name" and h["value"] == LAST for h in data["history"]) and any(
        h["field"] == "+" and h["value"]["last_name"] == OLD_LAST for h in data["history"]
    )
    assert {a["action"] for a in data["audit"]} == {"rectify"}
    rows = list(
        csv.reader(
            privacy.export_person(db, person, tmp_path / "acces.csv")
            .read_text("utf-8-sig")
            .splitlines(),
            delimiter=";",
        )
    )
    assert rows[0] == ["rubrique", "n°", "champ", "valeur"]
    assert ["person", "", "email", EMAIL] in rows
    with pytest.raises(KnownError):
        privacy.export_person(db, person, tmp_path / "acces.txt")


def test_export_escapes_cells_a_spreadsheet_would_run(db: Database, tmp_path: Path) -> None:
    p = members.add_person(db, members.PersonFields("=HYPERLINK(1)", "Test")).people[0]
    rows = (privacy.export_person(db, p.id, tmp_path / "a.csv")).read_text("utf-8-sig")
    assert "'=HYPERLINK(1)" in rows


def test_audit_log_records_operations_without_the_data(db: Database, tmp_path: Path) -> None:
    person, _other, _point = fill(db)
    members.set_consent(db, person, named=True, photo=True)
    privacy.export_person(db, person, tmp_path / "a.json")
    privacy.erase_person(db, person)
    entries = privacy.audit_log(db)
    assert [a.action for a in entries][:4] == ["erase", "export", "consent", "rectify"]
    with db.engine.connect() as con:
        dump = "\n".join(str(tuple(r)) for r in con.execute(text("SELECT * FROM privacy_audit")))
    assert LAST not in dump and EMAIL not in dump and FIRST not in dump


def test_logs_never_contain_names_or_addresses(
    db: Database, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    person, other, _point = fill(db)
    members.merge_people(
        db, other, members.add_person(db, members.PersonFields("A", "B")).people[0].id
    )
    privacy.export_person(db, person, tmp_path / "a.json")
    privacy.erase_person(db, person)
    assert caplog.records  # the operations did log
    for word in (FIRST, LAST, EMAIL, OLD_LAST, "Camille", "Exemple"):
        assert word not in caplog.text


def test_retention_is_shown_before_it_acts(db: Database, tmp_path: Path) -> None:
    person, other, _point = fill(db)  # both seen on 2024-05-29
    with db.session() as s:
        m = Meeting(date=dt.date(2027, 6, 1), title="Plus tard")
        s.add(m)
        s.flush()
        s.add(Attendance(meeting_id=m.id, person_id=other, status=e.AttendanceStatus.PRESENT))
    assert privacy.get_retention_months(db) == 36
    preview = privacy.retention_preview(db, today=dt.date(2027, 7, 1))
    assert preview.cutoff == dt.date(2024, 7, 1)
    assert [c.person.id for c in preview.candidates] == [person]
    assert preview.candidates[0].last_seen == dt.date(2024, 5, 29)
    assert not members.get_person(db, person).erased  # the preview changed nothing
    privacy.set_retention_months(db, 48)
    assert privacy.retention_preview(db, today=dt.date(2027, 7, 1)).candidates == ()
    done = privacy.apply_retention(db, [c.person.id for c in preview.candidates])
    assert done.people == 1 and members.get_person(db, person).erased
    assert privacy.audit_log(db)[0].action == "retention"
    assert privacy.months_before(dt.date(2024, 3, 31), 1) == dt.date(2024, 2, 29)


def test_notice_is_editable_and_defaults(db: Database) -> None:
    notice = privacy.get_notice(db)
    assert notice.is_default and notice.text == DEFAULT_NOTICE and not notice.in_minutes
    edited = privacy.set_notice(db, "  Vos données : voir l'équipe d'animation.  ", True)
    assert edited.text == "Vos données : voir l'équipe d'animation." and edited.in_minutes
    assert privacy.set_notice(db, "", False).is_default


# -- command line ----------------------------------------------------------------------


def test_cli_person_export_and_erase(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    person, _other, _point = fill(db)
    db.close()
    path = str(tmp_path / "alliance.sqlite3")
    out = tmp_path / "p.json"
    assert main(["person", "export", EMAIL.upper(), "-o", str(out), "--db", path]) == 0
    assert json.loads(out.read_text("utf-8"))["person"]["id"] == person.hex
    # Without --yes and nobody to answer: nothing is erased.
    assert main(["person", "erase", f"{FIRST} {LAST}", "--db", path]) == 1
    said = capsys.readouterr().out
    assert "Rien n'a été effacé" in said
    # Named as users know the person; the id, which nobody reads, only when it is needed.
    assert f"\nEffacement de {FIRST} {LAST} · Valtom · {EMAIL} : " in said
    assert person.hex not in said and str(person) not in said
    assert main(["person", "erase", "vasquez-poirier", "--db", path, "--yes"]) == 0
    assert "effacées" in capsys.readouterr().out
    assert leaks(tmp_path) == []
    assert main(["person", "erase", LAST, "--db", path, "--yes"]) == 1
    assert "Personne ne correspond" in capsys.readouterr().err


def test_cli_ambiguous_name_lists_candidates_and_does_nothing(
    db: Database, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    org = members.add_organisation(db, members.OrganisationFields("CISCA")).organisations[0]
    a = members.add_person(db, members.PersonFields("Jean", "Dupont", email="j1@exemple.org"))
    b = members.add_person(db, members.PersonFields("Jeanne", "Dupont", org.id))
    db.close()
    path = str(tmp_path / "alliance.sqlite3")
    assert main(["person", "erase", "dupont", "--db", path, "--yes"]) == 1
    err = capsys.readouterr().err
    assert "2 personnes correspondent" in err and "rien n'a été fait" in err
    # Jean is designated by his e-mail address; Jeanne, who has none, by her id.
    assert "  Jean Dupont · j1@exemple.org\n" in err
    assert f"  Jeanne Dupont · CISCA (identifiant {b.people[0].id})\n" in err
    assert a.people[0].id.hex not in err and str(a.people[0].id) not in err
    db2 = open_database(Path(path))
    try:
        with db2.read() as s:
            assert s.scalar(select(func.count()).select_from(PersonErasure)) == 0
            assert {p.last_name for p in s.scalars(select(Person))} == {"Dupont"}
            assert s.scalar(select(func.count()).select_from(Organisation)) == 1
    finally:
        db2.close()
    # The id given instead settles it, as printed or without its hyphens.
    assert main(["person", "erase", str(b.people[0].id), "--db", path, "--yes"]) == 0
    assert main(["person", "erase", a.people[0].id.hex, "--db", path, "--yes"]) == 0
