"""Sharing through a shared folder: capture, publish, pull, conflicts, history, merge rules."""

from __future__ import annotations

import datetime as dt
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import insert, select
from test_sync_support import Lab, add_meeting, add_point, digest, get, set_text, texts

from alliance_desktop.core import enums as e
from alliance_desktop.services import sharing
from alliance_desktop.storage import sync_capture
from alliance_desktop.storage.database import Database
from alliance_desktop.storage.models import (
    Attendance,
    Meeting,
    Organisation,
    Person,
    Point,
)


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[Lab]:
    lab = Lab(tmp_path)
    yield lab
    lab.close()


def changes_of(db: Database, table: str) -> list[tuple[str, str]]:
    with db.engine.connect() as con:
        return [
            (r[0], r[1])
            for r in con.exec_driver_sql(
                "SELECT field, coalesce(value, '') FROM sync_change WHERE table_name = ? "
                "ORDER BY stamp, field",
                (table,),
            )
        ]


# -- capture -------------------------------------------------------------------------


def test_orm_writes_are_logged_field_by_field(lab: Lab) -> None:
    db = lab.laptop("anne")
    m = add_meeting(db, "Atelier 1")
    p = add_point(db, m, "Réduire")
    set_text(db, p, "Réduire vite")
    set_text(db, p, "Réduire vite")  # the same value again: nothing to log
    assert [f for f, _v in changes_of(db, "point")] == ["+", "text"]
    with db.session() as s:
        s.delete(s.get(Meeting, m))
    # The ORM cascade deletes the point with the session; both deletions are logged.
    assert [f for f, _v in changes_of(db, "point")] == ["+", "text", "-"]
    assert [f for f, _v in changes_of(db, "meeting")] == ["+", "-"]


def test_deletions_sqlite_cascades_itself_are_logged(lab: Lab) -> None:
    db = lab.laptop("anne")
    m = add_meeting(db)
    with db.session() as s:
        org = Organisation(name="Valtom")
        person = Person(first_name="Camille", organisation=org)
        s.add_all([org, person])
        s.flush()
        s.add(Attendance(meeting_id=m, person_id=person.id, organisation_id=org.id))
        pid, oid = person.id, org.id
    with db.session() as s:
        s.delete(s.get(Organisation, oid))  # attendance.organisation_id: SET NULL in SQLite
    assert ("organisation_id", "") in changes_of(db, "attendance")
    with db.session() as s:
        s.delete(s.get(Person, pid))  # attendance: ON DELETE CASCADE in SQLite
    assert [f for f, _v in changes_of(db, "attendance")][-1] == "-"


def test_bulk_core_writes_are_logged_by_record_rows(lab: Lab) -> None:
    db = lab.laptop("anne")
    m = add_meeting(db)
    ids = [uuid.uuid4() for _ in range(3)]
    with db.session() as s:
        s.execute(
            insert(Point),
            [
                {"id": i, "meeting_id": m, "kind": e.PointKind.DISSENT, "text": f"p{n}"}
                for n, i in enumerate(ids)
            ],
        )
        assert sync_capture.record_rows(s.connection(), "point", ids) == 3
    assert [f for f, _v in changes_of(db, "point")] == ["+", "+", "+"]


def test_publish_catches_writes_that_bypassed_the_capture(lab: Lab) -> None:
    a = lab.laptop("anne")
    lab.sync(a)
    m = add_meeting(a)
    with a.engine.begin() as con:  # raw SQL: no ORM event fires
        con.exec_driver_sql(
            "INSERT INTO point (id, meeting_id, kind, text, position, created_at, updated_at) "
            "VALUES (?, ?, 'consensus', 'brut', 0, '2024-01-01', '2024-01-01')",
            (uuid.uuid4().hex, m.hex),
        )
    b = lab.laptop("bruno")
    lab.sync(b)
    lab.sync(a)
    lab.sync(b)
    assert sorted(texts(b).values()) == ["brut"]


# -- a workspace, laptops joining ----------------------------------------------------


def test_first_laptop_creates_second_joins_and_receives_everything(lab: Lab) -> None:
    a = lab.laptop("anne")
    m = add_meeting(a, "Atelier 1")
    add_point(a, m, "Large consensus")
    report = lab.sync(a)
    assert report.action == "created"
    assert (lab.shared / "alliance-workspace.json").is_file()
    b = lab.laptop("bruno")
    report = lab.sync(b)
    assert report.action == "joined"
    assert digest(a) == digest(b)
    assert get(b, Meeting, m).title == "Atelier 1"


def test_a_laptop_with_its_own_data_joins_and_both_end_with_everything(lab: Lab) -> None:
    a = lab.laptop("anne")
    add_meeting(a, "Chez Anne")
    lab.sync(a)
    b = lab.laptop("bruno")
    add_meeting(b, "Chez Bruno")
    lab.sync(b)
    lab.sync(a)
    assert digest(a) == digest(b)
    with a.read() as s:
        assert sorted(s.scalars(select(Meeting.title))) == ["Chez Anne", "Chez Bruno"]


def test_report_counts_per_facilitator(lab: Lab) -> None:
    a = lab.laptop("anne")
    m = add_meeting(a)
    p = add_point(a, m, "un")
    lab.sync(a)
    b = lab.laptop("bruno")
    lab.sync(b)
    add_point(b, m, "deux")
    add_point(b, m, "trois")
    set_text(b, p, "un bis")
    lab.sync(b)
    report = lab.sync(a)
    (who,) = report.facilitators
    assert (who.author, who.device_name) == ("bruno", "PC-bruno")
    assert (who.added, who.changed, who.deleted, who.conflicts) == (2, 1, 0, 0)
    assert any("bruno" in line for line in report.lines())


def test_the_working_database_may_not_live_in_the_shared_folder(tmp_path: Path) -> None:
    from alliance_desktop.core.errors import KnownError
    from alliance_desktop.storage.database import open_database

    shared = tmp_path / "shared"
    shared.mkdir()
    db = open_database(shared / "alliance.sqlite3")
    try:
        with pytest.raises(KnownError, match="partagé"):
            sharing.sync(db, shared)
    finally:
        db.close()


# -- the merge rules, end to end -----------------------------------------------------


def _pair(lab: Lab) -> tuple[Database, Database, uuid.UUID, uuid.UUID]:
    a = lab.laptop("anne")
    m = add_meeting(a)
    p = add_point(a, m, "départ")
    lab.sync(a)
    b = lab.laptop("bruno")
    lab.sync(b)
    return a, b, m, p


def test_an_edit_on_top_of_what_we_hold_applies(lab: Lab) -> None:
    a, b, _m, p = _pair(lab)
    set_text(b, p, "suite")
    lab.sync(b)
    lab.sync(a)
    assert texts(a)[p] == "suite" and sharing.conflicts(a) == []


def test_concurrent_edits_same_winner_everywhere_and_the_decision_travels(lab: Lab) -> None:
    a, b, _m, p = _pair(lab)
    set_text(a, p, "version d'Anne")
    set_text(b, p, "version de Bruno")
    for db in (a, b, a):
        lab.sync(db)
    assert texts(a)[p] == texts(b)[p]
    (ca,) = sharing.conflicts(a)
    (cb,) = sharing.conflicts(b)
    assert {ca.winner_value, ca.other_value} == {"version d'Anne", "version de Bruno"}
    assert {ca.winner_author, ca.other_author} == {"anne", "bruno"}
    assert (cb.winner_value, cb.other_value) == (ca.winner_value, ca.other_value)
    sharing.keep_mine(a, ca.id)
    assert texts(a)[p] == "version d'Anne" and sharing.conflicts(a) == []
    lab.sync(a)
    lab.sync(b)
    assert texts(b)[p] == "version d'Anne" and sharing.conflicts(b) == []
    values = [h.value for h in sharing.record_history(b, "point", p) if h.field == "text"]
    assert {"départ", "version d'Anne", "version de Bruno"} <= set(values)


def test_keep_theirs_and_keep_value(lab: Lab) -> None:
    a, b, _m, p = _pair(lab)
    set_text(a, p, "A")
    set_text(b, p, "B")
    lab.sync(a)
    lab.sync(b)
    lab.sync(a)
    (c,) = sharing.conflicts(b)
    sharing.keep_theirs(b, c.id)
    assert texts(b)[p] == "A"
    set_text(a, p, "A2")
    set_text(b, p, "B2")
    lab.sync(a)
    lab.sync(b)
    (c,) = sharing.conflicts(b)
    sharing.keep_value(b, c.id, "ni l'un ni l'autre")
    lab.sync(b)
    lab.sync(a)
    assert texts(a)[p] == texts(b)[p] == "ni l'un ni l'autre"
    assert sharing.conflicts(a) == []


def test_an_older_edit_goes_to_history_only(lab: Lab) -> None:
    a, b, _m, p = _pair(lab)
    set_text(a, p, "v1")
    lab.sync(a)
    lab.sync(b)
    set_text(b, p, "v2")  # made on top of v1
    lab.sync(b)
    lab.sync(a)
    assert texts(a)[p] == "v2" and sharing.conflicts(a) == []


def test_a_deletion_concurrent_with_an_edit_keeps_the_row_and_flags_it(lab: Lab) -> None:
    a, b, _m, p = _pair(lab)
    with a.session() as s:
        s.delete(s.get(Point, p))
    set_text(b, p, "modifié pendant ce temps")
    for db in (a, b, a):
        lab.sync(db)
    for db in (a, b):
        assert texts(db)[p] == "modifié pendant ce temps"
        (c,) = sharing.conflicts(db)
        assert c.field == "-" and sharing.is_existence_conflict(c)
    sharing.delete_record(a, sharing.conflicts(a)[0].id)
    lab.sync(a)
    lab.sync(b)
    assert p not in texts(a) and p not in texts(b)
    assert sharing.conflicts(b) == []


def test_keeping_a_record_deleted_elsewhere_travels(lab: Lab) -> None:
    a, b, _m, p = _pair(lab)
    with a.session() as s:
        s.delete(s.get(Point, p))
    set_text(b, p, "gardé")
    for db in (a, b, a):
        lab.sync(db)
    sharing.keep_record(b, sharing.conflicts(b)[0].id)
    lab.sync(b)
    lab.sync(a)
    assert texts(a)[p] == "gardé" and sharing.conflicts(a) == []


def test_a_point_added_to_a_session_deleted_elsewhere_keeps_the_session(lab: Lab) -> None:
    a, b, m, p = _pair(lab)
    with a.session() as s:
        s.delete(s.get(Meeting, m))
    q = add_point(b, m, "ajouté pendant la suppression")
    for db in (a, b, a):
        lab.sync(db)
    for db in (a, b):
        assert get(db, Meeting, m) is not None
        assert q in texts(db) and p not in texts(db)
        assert [c.field for c in sharing.conflicts(db)] == ["-"]
    assert digest(a) == digest(b)
    # Keeping the session brings back what was deleted with it.
    sharing.keep_record(a, sharing.conflicts(a)[0].id)
    assert p in texts(a)
    lab.sync(a)
    lab.sync(b)
    assert digest(a) == digest(b) and p in texts(b)


def test_a_record_whose_parent_has_not_arrived_waits_then_appears(lab: Lab) -> None:
    a, b, _m, _p = _pair(lab)
    c = lab.laptop("claire")
    lab.sync(c)
    m2 = add_meeting(a, "Nouvelle séance")
    lab.sync(a)
    lab.sync(b)
    q = add_point(b, m2, "point de Bruno")
    lab.sync(b)
    # Claire's drive has Bruno's bundle but not yet Anne's.
    a_dir = lab.shared / "devices" / sharing.status(a).device_id
    hidden = lab.root / "hidden"
    shutil.move(str(a_dir), hidden)
    report = lab.sync(c)
    assert report.waiting == 1 and q not in texts(c)
    shutil.move(str(hidden), a_dir)
    report = lab.sync(c)
    assert report.waiting == 0 and texts(c)[q] == "point de Bruno"
    assert digest(c) == digest(b)


def test_two_attendances_of_one_person_become_one_and_a_conflict(lab: Lab) -> None:
    a, b, m, _p = _pair(lab)
    with a.session() as s:
        person = Person(first_name="Camille")
        s.add(person)
        s.flush()
        pid = person.id
    lab.sync(a)
    lab.sync(b)
    for db, status in ((a, e.AttendanceStatus.PRESENT), (b, e.AttendanceStatus.EXCUSED)):
        with db.session() as s:
            s.add(Attendance(meeting_id=m, person_id=pid, status=status))
    for db in (a, b, a):
        lab.sync(db)
    for db in (a, b):
        with db.read() as s:
            assert len(s.scalars(select(Attendance)).all()) == 1
        assert [c.field for c in sharing.conflicts(db)] == ["="]
    assert digest(a) == digest(b)
    sharing.delete_record(b, sharing.conflicts(b)[0].id)
    lab.sync(b)
    lab.sync(a)
    assert sharing.conflicts(a) == [] and digest(a) == digest(b)


def test_two_sessions_numbered_alike_keep_both_and_one_loses_its_number(lab: Lab) -> None:
    a, b, _m, _p = _pair(lab)
    ma = add_meeting(a, "Séance d'Anne", number=61)
    mb = add_meeting(b, "Séance de Bruno", number=61)
    for db in (a, b, a):
        lab.sync(db)
    for db in (a, b):
        numbers = {get(db, Meeting, ma).number, get(db, Meeting, mb).number}
        assert numbers == {61, None}
    assert digest(a) == digest(b)


def test_applying_the_same_bundle_twice_changes_nothing(lab: Lab) -> None:
    a, b, _m, p = _pair(lab)
    set_text(b, p, "une fois")
    lab.sync(b)
    lab.sync(a)
    before = digest(a)
    bundle = next((lab.shared / "devices" / sharing.status(b).device_id / "bundles").iterdir())
    report = sharing.merge_file(a, bundle, backup_dir=lab.root / "backups")
    assert report.facilitators == ()
    assert digest(a) == before
    assert lab.sync(a).merged_files == ()


def test_history_keeps_every_value_with_its_author(lab: Lab) -> None:
    a, b, _m, p = _pair(lab)
    set_text(b, p, "deuxième")
    lab.sync(b)
    lab.sync(a)
    set_text(a, p, "troisième")
    entries = [h for h in sharing.record_history(a, "point", p) if h.field == "text"]
    assert [(h.value, h.author, h.current) for h in entries] == [
        ("départ", "anne", False),
        ("deuxième", "bruno", False),
        ("troisième", "anne", True),
    ]
    assert all(isinstance(h.at, dt.datetime) for h in entries)


def test_status(lab: Lab) -> None:
    a = lab.laptop("anne")
    st = sharing.status(a)
    assert st.workspace_id is None and st.author == "anne"
    add_meeting(a)
    assert sharing.status(a).unpublished == 1
    lab.sync(a)
    st = sharing.status(a)
    assert st.workspace_id is not None and st.unpublished == 0
    lab.sync(a)
    assert sharing.status(a).last_sync_at is not None


def test_a_row_deleted_then_created_again_with_its_id_comes_back_everywhere(lab: Lab) -> None:
    """What an undo of a deletion does: the same id is inserted again."""
    a, b, m, p = _pair(lab)
    with a.session() as s:
        s.delete(s.get(Point, p))
    lab.sync(a)
    lab.sync(b)
    assert p not in texts(b)
    with a.session() as s:
        s.add(Point(id=p, meeting_id=m, kind=e.PointKind.CONSENSUS, text="rétabli"))
    lab.sync(a)
    lab.sync(b)
    assert texts(b)[p] == "rétabli" and digest(a) == digest(b)
    assert sharing.conflicts(b) == []


def test_sessions_renumbered_the_other_way_round_merge(lab: Lab) -> None:
    a, b, _m, _p = _pair(lab)
    x = add_meeting(a, "X", number=61)
    y = add_meeting(a, "Y", number=62)
    lab.sync(a)
    lab.sync(b)
    with a.session() as s:
        s.get(Meeting, x).number = None  # type: ignore[union-attr]
    with a.session() as s:
        s.get(Meeting, y).number = 61  # type: ignore[union-attr]
    with a.session() as s:
        s.get(Meeting, x).number = 62  # type: ignore[union-attr]
    lab.sync(a)
    lab.sync(b)
    assert (get(b, Meeting, x).number, get(b, Meeting, y).number) == (62, 61)
    assert digest(a) == digest(b)


def test_the_order_in_which_bundles_arrive_does_not_matter(lab: Lab) -> None:
    a, b, m, p = _pair(lab)
    c = lab.laptop("claire")
    lab.sync(c)
    late = [lab.laptop("denis"), lab.laptop("elise")]
    for db in late:
        lab.sync(db)
    q = add_point(c, m, "de Claire")
    lab.sync(c)
    for db in (a, b):
        lab.sync(db)
    set_text(a, p, "Anne")
    set_text(b, p, "Bruno")
    with c.session() as s:
        s.delete(s.get(Point, p))
    set_text(a, q, "Anne sur le point de Claire")
    with b.session() as s:
        s.delete(s.get(Point, q))
    for db in (a, b, c):
        sharing.sync(db, lab.shared, backup_dir=lab.root / "backups")
    files = sorted(
        f
        for db in (a, b, c)
        for f in (lab.shared / "devices" / sharing.status(db).device_id / "bundles").iterdir()
    )
    for db, order in zip(late, (files, list(reversed(files))), strict=True):
        for f in order:
            sharing.merge_file(db, f, backup_dir=lab.root / "backups")
    assert digest(late[0]) == digest(late[1])
    keys = [
        sorted((x.row_id, x.field, x.winner_value, x.other_value) for x in sharing.conflicts(db))
        for db in late
    ]
    assert keys[0] == keys[1] and keys[0]
